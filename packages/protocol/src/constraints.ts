/**
 * The vocabulary of the generated constraint table (`_shapes.ts`) and its interpreter. Checking a value
 * against a shape yields a copy holding only the model's members, or throws the `EcrError` ECR would answer:
 * `SerializationException` when the JSON has the wrong form, `InvalidParameterException` (ECR's wording,
 * first violation only) when a value breaks a constraint.
 * @module
 */

import { base64DecodedLength } from './base64.ts';
import { describeValue } from './describe.ts';
import { EcrError } from './errors.ts';

/** Inclusive bounds: of a length for strings, blobs, lists and maps; of the value for numbers. */
interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * One shape of the table, reduced to what validation needs; `member`, `key`, `value` and `members` name
 * other shapes of the same table.
 * @example
 * const tag: Shape = { type: 'string', min: 1, max: 300 };
 */
export type Shape =
  | (Bounds & { readonly type: 'string'; readonly pattern?: string; readonly enum?: readonly string[] })
  | (Bounds & { readonly type: 'integer' | 'long' | 'blob' })
  | { readonly type: 'boolean' | 'timestamp' }
  | (Bounds & { readonly type: 'list'; readonly member: string })
  | (Bounds & { readonly type: 'map'; readonly key: string; readonly value: string })
  | {
      readonly type: 'structure';
      readonly members: Readonly<Record<string, string>>;
      readonly required?: readonly string[];
    };

/**
 * Shapes by name.
 * @example
 * const table: ShapeTable = { Name: { type: 'string', min: 2 } };
 */
export type ShapeTable = Readonly<Record<string, Shape>>;

/** Java's `int`, which is what the model's `integer` means. */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Checks `value` against shape `name` of `table`. `path` locates the value in ECR's notation: members
 * joined by `.`, list elements as `<list>.<n>.member` counting from 1, map entries as `<map>.<key>.key` and
 * `<map>.<key>.value`; `''` is the request body. JSON `null` counts as absent, as in every AWS JSON service;
 * members the shape does not declare are dropped.
 * @throws EcrError `SerializationException` or `InvalidParameterException`.
 * @example
 * checkShape(SHAPES, 'ImageIdentifier', { imageTag: '' }, 'imageIds.1.member');
 * // throws InvalidParameterException: Invalid parameter at 'imageIds.1.member.imageTag' failed to satisfy
 * // constraint: 'must have length greater than or equal to 1'
 */
export function checkShape(table: ShapeTable, name: string, value: unknown, path: string): unknown {
  const shape = table[name];
  if (shape === undefined) throw new Error(`shape ${name} is missing from the constraint table`);
  switch (shape.type) {
    case 'structure': {
      const object = expectObject(value, path);
      const result: Record<string, unknown> = {};
      for (const [member, target] of Object.entries(shape.members)) {
        const memberPath = path === '' ? member : `${path}.${member}`;
        const memberValue = object[member];
        if (memberValue === undefined || memberValue === null) {
          if (shape.required?.includes(member)) throw invalidParameter(memberPath, 'must not be null');
        } else {
          result[member] = checkShape(table, target, memberValue, memberPath);
        }
      }
      return result;
    }
    case 'list': {
      if (!Array.isArray(value)) throw malformed(path, 'an array', value);
      checkBounds(shape, value.length, path, 'have length');
      return value.map((item, index) =>
        checkPresent(table, shape.member, item, `${path}.${index + 1}.member`),
      );
    }
    case 'map': {
      const entries = Object.entries(expectObject(value, path));
      checkBounds(shape, entries.length, path, 'have length');
      return Object.fromEntries(
        entries.map(([key, item]) => [
          checkShape(table, shape.key, key, `${path}.${key}.key`),
          checkPresent(table, shape.value, item, `${path}.${key}.value`),
        ]),
      );
    }
    case 'string': {
      if (typeof value !== 'string') throw malformed(path, 'a string', value);
      checkBounds(shape, codePointLength(value, shape), path, 'have length');
      if (shape.pattern !== undefined && !compile(shape.pattern).test(value)) {
        throw invalidParameter(path, `must satisfy regular expression '${shape.pattern}'`);
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        throw invalidParameter(path, `must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      return value;
    }
    case 'integer':
    case 'long': {
      const [low, high] =
        shape.type === 'integer'
          ? [INT32_MIN, INT32_MAX]
          : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
        throw malformed(path, `an integer from ${low} to ${high}`, value);
      }
      checkBounds(shape, value, path, 'be');
      return value;
    }
    case 'blob': {
      checkBounds(shape, blobLength(value, path), path, 'have length');
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') throw malformed(path, 'a boolean', value);
      return value;
    }
    case 'timestamp': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(path, 'epoch seconds', value);
      return value;
    }
  }
}

/** List elements and map values have no "absent": a null there breaks the model's non-sparse collections. */
function checkPresent(table: ShapeTable, name: string, value: unknown, path: string): unknown {
  if (value === undefined || value === null) throw invalidParameter(path, 'must not be null');
  return checkShape(table, name, value, path);
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw malformed(path, 'an object', value);
  }
  return value as Record<string, unknown>;
}

/** Byte length of a blob given as base64 text (measured without decoding) or as bytes already decoded. */
function blobLength(value: unknown, path: string): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value !== 'string') throw malformed(path, 'base64 text', value);
  try {
    return base64DecodedLength(value);
  } catch (cause) {
    throw new EcrError(
      'SerializationException',
      `Cannot deserialize ${where(path)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

function checkBounds(bounds: Bounds, size: number, path: string, verb: 'have length' | 'be'): void {
  if (bounds.min !== undefined && size < bounds.min) {
    throw invalidParameter(path, `must ${verb} greater than or equal to ${bounds.min}`);
  }
  if (bounds.max !== undefined && size > bounds.max) {
    throw invalidParameter(path, `must ${verb} less than or equal to ${bounds.max}`);
  }
}

/**
 * Smithy measures string length in Unicode code points. A string of n UTF-16 units holds between n/2 and n
 * of them, so counting is needed only when that range straddles a bound; a 4 MiB manifest is never walked.
 */
function codePointLength(text: string, bounds: Bounds): number {
  const undecided =
    (bounds.max !== undefined && text.length > bounds.max) ||
    (bounds.min !== undefined && Math.ceil(text.length / 2) < bounds.min);
  if (!undecided) return text.length;
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      pairs++;
      i++;
    }
  }
  return text.length - pairs;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

const compiled = new Map<string, RegExp>();

/**
 * Model patterns must match the whole value. They are Java regular expressions, so they compile without
 * flags, in the lenient legacy syntax: the `u` flag rejects identity escapes Java allows (such as `\_`), and
 * `v` rejects the bare `-` of classes like `[a-zA-Z0-9-_+.]`.
 */
function compile(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

/**
 * InvalidParameterException as ECR words a member that breaks a constraint.
 * @example
 * throw invalidParameter('maxResults', 'Member must have value less than or equal to 1000');
 */
export function invalidParameter(path: string, rule: string): EcrError<'InvalidParameterException'> {
  return new EcrError(
    'InvalidParameterException',
    `Invalid parameter at '${path}' failed to satisfy constraint: '${rule}'`,
  );
}

function malformed(path: string, expected: string, value: unknown): EcrError<'SerializationException'> {
  return new EcrError(
    'SerializationException',
    `Cannot deserialize ${where(path)}: expected ${expected}, got ${describeValue(value)}`,
  );
}

function where(path: string): string {
  return path === '' ? 'the request body' : `'${path}'`;
}
