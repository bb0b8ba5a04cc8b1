/**
 * The WebAssembly text helpers both generators (`sha256Wat.ts` on i32, `sha512Wat.ts` on i64) build their
 * expressions with, and the module shell they share.
 * @module
 */

/** Bytes of one wasm memory page. */
const PAGE_BYTES = 65_536;

/** Expression builders over one integer type. */
export interface WatOps {
  get(name: string): string;
  constant(value: number | bigint): string;
  rotr(x: string, n: number): string;
  xor3(x: string, y: string, z: string): string;
  add(...terms: string[]): string;
}

/**
 * Builders of `type` expressions: constants are written as signed values of the type, which the text format
 * takes for any bit pattern.
 * @example
 * const { add, rotr } = watOps('i64');
 */
export function watOps(type: 'i32' | 'i64'): WatOps {
  const bits = type === 'i32' ? 32 : 64;
  const get = (name: string): string => `(local.get $${name})`;
  const constant = (value: number | bigint): string =>
    `(${type}.const ${BigInt.asIntN(bits, BigInt(value)).toString()})`;
  return {
    get,
    constant,
    rotr: (x, n) => `(${type}.rotr ${x} ${constant(n)})`,
    xor3: (x, y, z) => `(${type}.xor (${type}.xor ${x} ${y}) ${z})`,
    add: (...terms) => terms.reduce((sum, term) => `(${type}.add ${sum} ${term})`),
  };
}

/** What a hash module's text is made of. */
export interface HashModuleParts {
  /** Where the input area starts in memory (the words live below it). */
  inputOffset: number;
  /** Size of the input area: JS copies chunks in slices this large, one `hashBlocks` call per slice. */
  inputBytes: number;
  /** The locals of `hashBlocks`, as `(local …)` declarations. */
  locals: string;
  /** The body of `hashBlocks(n)`. */
  body: string[];
}

/**
 * A hash module: one exported memory of fixed size holding the words at 0 and the input area, the area's place
 * and size as exported globals, and `hashBlocks(n)`.
 */
export function hashModule({ inputOffset, inputBytes, locals, body }: HashModuleParts): string {
  const pages = Math.ceil((inputOffset + inputBytes) / PAGE_BYTES);
  return [
    '(module',
    `  (memory (export "memory") ${pages} ${pages})`,
    `  (global (export "input") i32 (i32.const ${inputOffset}))`,
    `  (global (export "inputBytes") i32 (i32.const ${inputBytes}))`,
    '  (func (export "hashBlocks") (param $n i32)',
    `    ${locals}`,
    `    ${body.join('\n    ')})`,
    ')',
    '',
  ].join('\n');
}
