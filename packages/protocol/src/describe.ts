/**
 * How error messages name a value they did not expect, without echoing it (it may be a secret or megabytes).
 * @module
 */

/**
 * Names the kind of `value` for an error message: `null`, `undefined`, `an array`, `bytes`, `the number 3`,
 * `an object`, `a string`, `a boolean`. Never includes a string's text, so a message cannot leak what it was
 * sent; the AWS JSON error messages of request validation use these words on the wire.
 * @example
 * `expected an object, got ${describeValue([1])}`; // 'expected an object, got an array'
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'bytes';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
