// The vendored model, typed loosely, and builders of valid request values derived from it directly (not
// from the generated table), so the tests check the generated code against an independent reading.
import fc from 'fast-check';
import modelJson from '../model/ecr-2015-09-21.json' with { type: 'json' };
import type { OperationName } from '../src/index.ts';

export interface ShapeRef {
  shape: string;
  deprecated?: boolean;
}

export interface ModelShape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  members?: Record<string, ShapeRef>;
  required?: string[];
  exception?: boolean;
  fault?: boolean;
  error?: { httpStatusCode?: number };
}

export interface Model {
  metadata: Record<string, unknown>;
  operations: Record<
    OperationName,
    { name: string; input: ShapeRef; output: ShapeRef; errors: ShapeRef[]; http: { method: string } }
  >;
  shapes: Record<string, ModelShape>;
}

export const model = modelJson as unknown as Model;

export const operationNames = Object.keys(model.operations) as OperationName[];

export function shape(name: string): ModelShape {
  const found = model.shapes[name];
  if (found === undefined) throw new Error(`no shape ${name}`);
  return found;
}

export function inputShape(op: OperationName): ModelShape {
  return shape(model.operations[op].input.shape);
}

/** The whole-string regular expression the validator must apply to a model pattern. */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

const lengthOk = (text: string, s: ModelShape) =>
  [...text].length >= (s.min ?? 0) && [...text].length <= (s.max ?? Number.POSITIVE_INFINITY);

function patternArbitrary(s: ModelShape & { pattern: string }): fc.Arbitrary<string> {
  // fast-check reads `^…$` only at the ends, so the model's own anchors are removed first.
  const bare = s.pattern.replace(/^\^/, '').replace(/\$$/, '');
  return fc.stringMatching(new RegExp(`^(?:${bare})$`)).filter((text) => lengthOk(text, s));
}

/** Random valid values of a shape: every constraint satisfied, optional members sometimes present. */
export function validArbitrary(name: string): fc.Arbitrary<unknown> {
  const s = shape(name);
  switch (s.type) {
    case 'structure': {
      const members = Object.fromEntries(
        Object.entries(s.members ?? {}).map(([member, ref]) => [member, validArbitrary(ref.shape)]),
      );
      return fc.record(members, { requiredKeys: s.required ?? [] });
    }
    case 'list':
      return fc.array(validArbitrary((s.member as ShapeRef).shape), {
        minLength: s.min ?? 0,
        maxLength: Math.min(s.max ?? 3, 3),
      });
    case 'string':
      if (s.enum) return fc.constantFrom(...s.enum);
      if (s.pattern) return patternArbitrary({ ...s, pattern: s.pattern });
      // Short strings, except where the model demands more (a lifecycle policy's 100 characters).
      return fc.string({
        unit: 'binary',
        minLength: s.min ?? 0,
        maxLength: Math.min(s.max ?? 20, Math.max(20, s.min ?? 0)),
      });
    case 'integer':
      return fc.integer({ min: s.min ?? -(2 ** 31), max: s.max ?? 2 ** 31 - 1 });
    case 'long':
      return fc
        .maxSafeInteger()
        .filter((n) => n >= (s.min ?? Number.MIN_SAFE_INTEGER) && n <= (s.max ?? Number.MAX_SAFE_INTEGER));
    case 'boolean':
      return fc.boolean();
    case 'blob':
      return fc.uint8Array({ maxLength: 64 }).chain((bytes) => fc.constantFrom(bytes, toBase64(bytes)));
    default:
      throw new Error(`no arbitrary for ${s.type}`);
  }
}

/** A valid value of a shape with every optional member present, nested ones too. */
export function fullValue(name: string): unknown {
  const s = shape(name);
  switch (s.type) {
    case 'structure':
      return Object.fromEntries(
        Object.entries(s.members ?? {}).map(([member, ref]) => [member, fullValue(ref.shape)]),
      );
    case 'list':
      // Two elements where allowed, so that paths such as `layerDigests.2.member` can be reached.
      return Array.from({ length: Math.min(Math.max(s.min ?? 0, 2), s.max ?? 2) }, () =>
        fullValue((s.member as ShapeRef).shape),
      );
    case 'string': {
      if (s.enum) return s.enum[0];
      if (s.pattern) {
        const [sample] = fc.sample(patternArbitrary({ ...s, pattern: s.pattern }), { seed: 42, numRuns: 1 });
        return sample;
      }
      return 'x'.repeat(Math.max(s.min ?? 1, 1));
    }
    case 'integer':
    case 'long':
      return s.min ?? 1;
    case 'boolean':
      return true;
    case 'blob':
      return 'AAEC';
    default:
      throw new Error(`no full value for ${s.type}`);
  }
}

/** A test-side base64 encoder, deliberately naive, to compare the package's against. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
