// Conformance of validateRequest with the vendored model: every operation accepts a fully populated valid
// request, and every constraint of every request member, nested ones included, is violated once, on its
// own, with the exact error ECR would return.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { EcrError, type OperationName, validateRequest } from '../src/index.ts';
import {
  fullValue,
  type ModelShape,
  model,
  operationNames,
  type ShapeRef,
  shape,
  validArbitrary,
  wholeMatch,
} from './model.ts';

/** Where a value sits in a request: member names and 0-based list indices. */
type Location = readonly (string | number)[];

const ABSENT = Symbol('absent');

interface Case {
  op: OperationName;
  location: Location;
  kind: string;
  value: unknown;
  code: 'InvalidParameterException' | 'SerializationException';
  /** ECR's constraint wording, for InvalidParameterException. */
  rule?: string;
}

/** Coral-style path: `imageIds.1.member.imageTag`. */
function pathOf(location: Location): string {
  return location.map((step) => (typeof step === 'number' ? `${step + 1}.member` : step)).join('.');
}

/** The path with list positions erased, to compare member coverage. */
const memberKey = (op: OperationName, location: Location) =>
  `${op} ${location.map((step) => (typeof step === 'number' ? '[]' : step)).join('.')}`;

/** A JSON value of the wrong type for a shape type. */
const WRONG_TYPE: Record<string, unknown> = {
  string: 42,
  integer: '1',
  long: '1',
  boolean: 'true',
  blob: 42,
  list: { 0: 'x' },
  structure: ['x'],
};

function casesFor(op: OperationName): Case[] {
  const cases: Case[] = [];
  const add = (location: Location, kind: string, value: unknown, rule?: string) =>
    cases.push({
      op,
      location,
      kind,
      value,
      code: rule ? 'InvalidParameterException' : 'SerializationException',
      rule,
    });

  const visitStructure = (s: ModelShape, location: Location) => {
    for (const [member, ref] of Object.entries(s.members ?? {})) {
      const at = [...location, member];
      if (s.required?.includes(member)) {
        add(at, 'required (absent)', ABSENT, 'must not be null');
        add(at, 'required (null)', null, 'must not be null');
      }
      visitValue(ref.shape, at);
    }
  };

  const visitValue = (name: string, at: Location) => {
    const s = shape(name);
    add(at, `type ${s.type}`, WRONG_TYPE[s.type]);
    switch (s.type) {
      case 'structure':
        visitStructure(s, at);
        break;
      case 'string':
        if ((s.min ?? 0) > 0) {
          add(
            at,
            'min length',
            'a'.repeat((s.min as number) - 1),
            `must have length greater than or equal to ${s.min}`,
          );
        }
        if (s.max !== undefined) {
          add(at, 'max length', 'a'.repeat(s.max + 1), `must have length less than or equal to ${s.max}`);
        }
        if (s.pattern !== undefined) {
          const mismatch = '!'.repeat(Math.max(s.min ?? 1, 1));
          expect(wholeMatch(s.pattern).test(mismatch)).toBe(false);
          add(at, 'pattern', mismatch, `must satisfy regular expression '${s.pattern}'`);
        }
        if (s.enum !== undefined) {
          add(at, 'enum', 'NOT_A_MEMBER', `must satisfy enum value set: [${s.enum.join(', ')}]`);
        }
        break;
      case 'integer':
      case 'long':
        add(at, 'fraction', 1.5);
        add(at, 'beyond the JSON type', s.type === 'integer' ? 2 ** 31 : 2 ** 53);
        if (s.min !== undefined) add(at, 'min', s.min - 1, `must be greater than or equal to ${s.min}`);
        if (s.max !== undefined) add(at, 'max', s.max + 1, `must be less than or equal to ${s.max}`);
        break;
      case 'blob':
        add(at, 'not base64', 'AA=A');
        if ((s.min ?? 0) > 0) {
          add(
            at,
            'min bytes',
            new Uint8Array((s.min as number) - 1),
            `must have length greater than or equal to ${s.min}`,
          );
        }
        if (s.max !== undefined) {
          const rule = `must have length less than or equal to ${s.max}`;
          add(at, 'max bytes', new Uint8Array(s.max + 1), rule);
          // 4 characters per 3 bytes: the smallest base64 text of more than max bytes.
          add(at, 'max base64', 'A'.repeat(Math.ceil((s.max + 1) / 3) * 4), rule);
        }
        break;
      case 'list': {
        if ((s.min ?? 0) > 0) add(at, 'min items', [], `must have length greater than or equal to ${s.min}`);
        const member = (s.member as ShapeRef).shape;
        if (s.max !== undefined) {
          add(
            at,
            'max items',
            Array(s.max + 1).fill(fullValue(member)),
            `must have length less than or equal to ${s.max}`,
          );
        }
        add([...at, 0], 'null element', null, 'must not be null');
        // The full request has two elements; the second one's problems are reported as `<list>.2.member`.
        visitValue(member, [...at, 1]);
        break;
      }
    }
  };

  visitStructure(shape(model.operations[op].input.shape), []);
  return cases;
}

function withValue(request: unknown, location: Location, value: unknown): unknown {
  const copy = structuredClone(request) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of location.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = location.at(-1) as string | number;
  if (value === ABSENT) delete parent[last];
  else parent[last] = value;
  return copy;
}

function thrown(run: () => unknown): EcrError<string> {
  try {
    run();
  } catch (error) {
    if (error instanceof EcrError) return error;
    throw error;
  }
  throw new Error('expected an EcrError');
}

/** Every request member of every operation, reached through nested structures and lists. */
function allMembers(): Set<string> {
  const members = new Set<string>();
  const walk = (op: OperationName, name: string, location: Location) => {
    const s = shape(name);
    if (s.type === 'list') walk(op, (s.member as ShapeRef).shape, [...location, 0]);
    for (const [member, ref] of Object.entries(s.members ?? {})) {
      members.add(memberKey(op, [...location, member]));
      walk(op, ref.shape, [...location, member]);
    }
  };
  for (const op of operationNames) walk(op, model.operations[op].input.shape, []);
  return members;
}

const allCases = operationNames.flatMap(casesFor);
const fullRequests = new Map(operationNames.map((op) => [op, fullValue(model.operations[op].input.shape)]));

describe('valid requests', () => {
  test.each(operationNames)('%s accepts a request with every member filled', (op) => {
    const request = fullRequests.get(op);
    expect(validateRequest(op, request)).toEqual(request);
  });

  test.each(operationNames)(
    '%s accepts random valid requests unchanged',
    (op) => {
      fc.assert(
        fc.property(validArbitrary(model.operations[op].input.shape), (request) => {
          expect(validateRequest(op, request)).toEqual(request);
        }),
        { numRuns: 50 },
      );
      // fast-check builds its pattern arbitraries on first use: on a loaded machine that exceeds 5 s.
    },
    30_000,
  );
});

describe('one violation at a time', () => {
  test.each(allCases.map((c) => [`${c.op} ${pathOf(c.location)}: ${c.kind}`, c] as const))(
    '%s',
    (_name, c) => {
      const request = withValue(fullRequests.get(c.op), c.location, c.value);
      const error = thrown(() => validateRequest(c.op, request));
      expect(error.code).toBe(c.code);
      const path = pathOf(c.location);
      if (c.rule === undefined) expect(error.message).toContain(`'${path}'`);
      else
        expect(error.message).toBe(
          `Invalid parameter at '${path}' failed to satisfy constraint: '${c.rule}'`,
        );
    },
  );

  test.each(operationNames)('%s rejects a body that is not a JSON object', (op) => {
    for (const body of [null, [], 'x', 42, true]) {
      const error = thrown(() => validateRequest(op, body));
      expect(error.code).toBe('SerializationException');
      expect(error.message).toContain('request body');
    }
  });
});

describe('coverage', () => {
  test('every request member of every operation is exercised', () => {
    const members = allMembers();
    const memberCases = allCases.filter((c) => typeof c.location.at(-1) === 'string');
    const covered = new Set(memberCases.map((c) => memberKey(c.op, c.location)));
    expect(covered).toEqual(members);
    // Pinned so that a model update that adds or drops members shows up here.
    expect(members.size).toBe(MEMBER_COUNT);
    expect(allCases.length).toBe(CASE_COUNT);
  });

  test('every constraint kind of the model is exercised', () => {
    const kinds = new Set(allCases.map((c) => c.kind));
    for (const kind of ['required (absent)', 'pattern', 'min length', 'max length', 'enum', 'min', 'max']) {
      expect(kinds).toContain(kind);
    }
    for (const kind of ['min items', 'max items', 'null element', 'max bytes', 'max base64', 'not base64']) {
      expect(kinds).toContain(kind);
    }
  });

  test('every model pattern compiles as a whole-string match without flags', () => {
    const patterns = Object.values(model.shapes).flatMap((s) => (s.pattern === undefined ? [] : [s.pattern]));
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(() => wholeMatch(pattern)).not.toThrow();
    // Why the validator sets no flag: the Unicode-sets syntax rejects the bare '-' in this class.
    expect(() => new RegExp(shape('LayerDigest').pattern as string, 'v')).toThrow(SyntaxError);
  });
});

describe('ECR wording', () => {
  const base = { repositoryName: 'team/app', imageIds: [{ imageTag: 'v1' }, { imageTag: 'v2' }] };

  test.each([
    {
      op: 'BatchGetImage',
      path: 'imageIds.2.member.imageTag',
      rule: 'must have length less than or equal to 300',
      request: { ...base, imageIds: [{ imageTag: 'v1' }, { imageTag: 'v'.repeat(301) }] },
    },
    {
      op: 'BatchGetImage',
      path: 'repositoryName',
      rule: 'must not be null',
      request: { imageIds: base.imageIds },
    },
    {
      op: 'ListImages',
      path: 'filter.tagStatus',
      rule: 'must satisfy enum value set: [TAGGED, UNTAGGED, ANY]',
      request: { repositoryName: 'app', filter: { tagStatus: 'SOME' } },
    },
    {
      op: 'ListImages',
      path: 'maxResults',
      rule: 'must be less than or equal to 1000',
      request: { repositoryName: 'app', maxResults: 1001 },
    },
    {
      op: 'DescribeImages',
      path: 'maxResults',
      rule: 'must be greater than or equal to 1',
      request: { repositoryName: 'app', maxResults: 0 },
    },
    {
      op: 'CompleteLayerUpload',
      path: 'layerDigests.2.member',
      rule: "must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
      request: {
        repositoryName: 'app',
        uploadId: '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11',
        layerDigests: ['sha256:ab', 'sha256:xyz'],
      },
    },
    {
      op: 'InitiateLayerUpload',
      path: 'repositoryName',
      rule: 'must have length greater than or equal to 2',
      request: { repositoryName: 'a' },
    },
    {
      op: 'InitiateLayerUpload',
      path: 'registryId',
      rule: "must satisfy regular expression '[0-9]{12}'",
      request: { repositoryName: 'app', registryId: '12345678901' },
    },
    {
      op: 'UploadLayerPart',
      path: 'partFirstByte',
      rule: 'must be greater than or equal to 0',
      request: {
        repositoryName: 'app',
        uploadId: '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11',
        partFirstByte: -1,
        partLastByte: 0,
        layerPartBlob: '',
      },
    },
  ] as const)('$op: $path $rule', ({ op, request, path, rule }) => {
    const error = thrown(() => validateRequest(op, request));
    expect(error.code).toBe('InvalidParameterException');
    expect(error.status).toBe(400);
    expect(error.message).toBe(`Invalid parameter at '${path}' failed to satisfy constraint: '${rule}'`);
  });

  test('a pattern matches the whole value, not a substring', () => {
    // '[0-9]{12}' alone would find 12 digits inside 13.
    expect(() =>
      validateRequest('InitiateLayerUpload', { repositoryName: 'app', registryId: '1234567890123' }),
    ).toThrow(
      "Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''",
    );
  });

  test('wrong JSON types are serialization errors naming the member', () => {
    const error = thrown(() =>
      validateRequest('DescribeImages', { repositoryName: 'app', maxResults: '10' }),
    );
    expect(error.code).toBe('SerializationException');
    expect(error.message).toBe(
      "Cannot deserialize 'maxResults': expected an integer from -2147483648 to 2147483647, got a string",
    );
  });
});

/** Request members across the 37 operations, nested members included. */
const MEMBER_COUNT = 180;
/** Violations built from the model's constraints. */
const CASE_COUNT = 642;
