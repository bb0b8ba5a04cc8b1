// The constraint interpreter on its own, including shape types and edge cases that no request of the 13
// operations reaches (maps, timestamps), through a small hand-written table.
import { describe, expect, test } from 'vitest';
import { checkShape, type ShapeTable } from '../src/constraints.ts';
import { EcrError, validateRequest } from '../src/index.ts';

const TABLE: ShapeTable = {
  Root: {
    type: 'structure',
    members: { labels: 'Labels', at: 'When', name: 'Name', count: 'Count', data: 'Data' },
    required: ['name'],
  },
  Labels: { type: 'map', key: 'LabelKey', value: 'LabelValue', min: 1, max: 2 },
  LabelKey: { type: 'string', min: 1, max: 3 },
  LabelValue: { type: 'string', enum: ['on', 'off'] },
  When: { type: 'timestamp' },
  Name: { type: 'string', min: 2, max: 3 },
  Count: { type: 'long' },
  Data: { type: 'blob', min: 1, max: 2 },
};

function failure(value: unknown): EcrError<string> {
  try {
    checkShape(TABLE, 'Root', value, '');
  } catch (error) {
    if (error instanceof EcrError) return error;
    throw error;
  }
  throw new Error('expected an EcrError');
}

const invalid = (path: string, rule: string) =>
  `Invalid parameter at '${path}' failed to satisfy constraint: '${rule}'`;

describe('maps', () => {
  test('checks size, keys and values', () => {
    expect(checkShape(TABLE, 'Root', { name: 'ab', labels: { a: 'on', bb: 'off' } }, '')).toEqual({
      name: 'ab',
      labels: { a: 'on', bb: 'off' },
    });
    expect(failure({ name: 'ab', labels: {} }).message).toBe(
      invalid('labels', 'must have length greater than or equal to 1'),
    );
    expect(failure({ name: 'ab', labels: { a: 'on', b: 'on', c: 'on' } }).message).toBe(
      invalid('labels', 'must have length less than or equal to 2'),
    );
    expect(failure({ name: 'ab', labels: { long: 'on' } }).message).toBe(
      invalid('labels.long.key', 'must have length less than or equal to 3'),
    );
    expect(failure({ name: 'ab', labels: { a: 'dim' } }).message).toBe(
      invalid('labels.a.value', 'must satisfy enum value set: [on, off]'),
    );
    expect(failure({ name: 'ab', labels: { a: null } }).message).toBe(
      invalid('labels.a.value', 'must not be null'),
    );
    expect(failure({ name: 'ab', labels: ['on'] }).code).toBe('SerializationException');
  });
});

describe('scalars', () => {
  test('timestamps are finite epoch-second numbers', () => {
    expect(checkShape(TABLE, 'Root', { name: 'ab', at: 1704067200.5 }, '')).toEqual({
      name: 'ab',
      at: 1704067200.5,
    });
    expect(failure({ name: 'ab', at: '2024-01-01T00:00:00Z' }).message).toBe(
      "Cannot deserialize 'at': expected epoch seconds, got a string",
    );
  });

  test('longs stop at the largest safe integer', () => {
    expect(checkShape(TABLE, 'Root', { name: 'ab', count: Number.MAX_SAFE_INTEGER }, '')).toBeTruthy();
    expect(failure({ name: 'ab', count: 2 ** 53 }).code).toBe('SerializationException');
    // JSON.parse turns an overlong number into Infinity.
    expect(failure({ name: 'ab', count: JSON.parse('1e400') }).message).toContain('got the number Infinity');
  });

  test('string lengths count code points, as Smithy defines them', () => {
    expect(checkShape(TABLE, 'Root', { name: '😀😀😀' }, '')).toEqual({ name: '😀😀😀' });
    expect(failure({ name: '😀' }).message).toBe(
      invalid('name', 'must have length greater than or equal to 2'),
    );
    expect(failure({ name: '😀😀😀😀' }).message).toBe(
      invalid('name', 'must have length less than or equal to 3'),
    );
    // A lone surrogate is one code point.
    expect(checkShape(TABLE, 'Root', { name: '\ud800\ud800' }, '')).toEqual({ name: '\ud800\ud800' });
  });

  test('blobs are measured in bytes, as base64 text or as bytes', () => {
    expect(checkShape(TABLE, 'Root', { name: 'ab', data: 'AAA=' }, '')).toEqual({ name: 'ab', data: 'AAA=' });
    const bytes = new Uint8Array(2);
    expect((checkShape(TABLE, 'Root', { name: 'ab', data: bytes }, '') as { data: unknown }).data).toBe(
      bytes,
    );
    expect(failure({ name: 'ab', data: '' }).message).toBe(
      invalid('data', 'must have length greater than or equal to 1'),
    );
    expect(failure({ name: 'ab', data: 'AAAA' }).message).toBe(
      invalid('data', 'must have length less than or equal to 2'),
    );
    expect(failure({ name: 'ab', data: new Uint8Array(3) }).message).toBe(
      invalid('data', 'must have length less than or equal to 2'),
    );
    const notBase64 = failure({ name: 'ab', data: 'AA-A' });
    expect(notBase64.code).toBe('SerializationException');
    expect(notBase64.message).toBe(`Cannot deserialize 'data': invalid base64 character "-" at index 2`);
    expect(notBase64.cause).toBeInstanceOf(SyntaxError);
    expect(failure({ name: 'ab', data: [1, 2] }).message).toBe(
      "Cannot deserialize 'data': expected base64 text, got an array",
    );
  });
});

describe('structures', () => {
  test('drop undeclared members and treat null as absent', () => {
    expect(
      checkShape(TABLE, 'Root', { name: 'ab', count: null, extra: 1, __proto__: { polluted: true } }, ''),
    ).toEqual({
      name: 'ab',
    });
    expect(failure({ name: null }).message).toBe(invalid('name', 'must not be null'));
  });

  test('report members in model order, the first violation only', () => {
    expect(failure({ labels: {}, name: 'x' }).message).toBe(
      invalid('labels', 'must have length greater than or equal to 1'),
    );
  });

  test('reject bytes or arrays where an object belongs', () => {
    expect(failure(new Uint8Array(1)).message).toBe(
      'Cannot deserialize the request body: expected an object, got bytes',
    );
    expect(failure(undefined).message).toBe(
      'Cannot deserialize the request body: expected an object, got undefined',
    );
  });

  test('a table without the named shape is a programming error, not a client error', () => {
    expect(() => checkShape(TABLE, 'Nope', {}, '')).toThrow(
      'shape Nope is missing from the constraint table',
    );
  });
});

describe('validateRequest', () => {
  test('returns only the model members, typed', () => {
    const input = validateRequest('ListImages', {
      repositoryName: 'app',
      filter: { tagStatus: 'ANY', x: 1 },
      y: 2,
    });
    expect(input).toEqual({ repositoryName: 'app', filter: { tagStatus: 'ANY' } });
  });

  test('accepts an already decoded layer part', () => {
    const layerPartBlob = new Uint8Array(10);
    const input = validateRequest('UploadLayerPart', {
      repositoryName: 'app',
      uploadId: '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11',
      partFirstByte: 0,
      partLastByte: 9,
      layerPartBlob,
    });
    expect(input.layerPartBlob).toBe(layerPartBlob);
  });

  test('rejects an operation outside the model for untyped callers', () => {
    expect(() => validateRequest('PutRegistryPolicy' as 'PutImage', {})).toThrow(
      expect.objectContaining({ code: 'UnknownOperationException' }),
    );
  });
});
