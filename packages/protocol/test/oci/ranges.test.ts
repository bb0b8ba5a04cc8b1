// Upload chunk ranges (distribution-spec "Pushing a blob in chunks") and download ranges (RFC 9110 section 14).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OciError, parseContentRange, type RangeAnswer, resolveRange, uploadRange } from '../../src/index.ts';

function thrown(fn: () => unknown): OciError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OciError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('parseContentRange', () => {
  test('reads start-end, inclusive', () => {
    expect(parseContentRange('0-1023')).toEqual({ start: 0, end: 1023 });
    expect(parseContentRange('5-5')).toEqual({ start: 5, end: 5 });
    expect(parseContentRange(null)).toBeUndefined();
  });

  test.each([
    '',
    'bytes 0-1023/2048',
    'bytes=0-1023',
    '0-',
    '-5',
    ' 0-5',
    '0-5 ',
    '+0-5',
    '0x1-5',
    '10-5',
    '0-99999999999999999999',
  ])('%j: 400 BLOB_UPLOAD_INVALID', (header) => {
    expect(thrown(() => parseContentRange(header))).toMatchObject({
      code: 'BLOB_UPLOAD_INVALID',
      status: 400,
    });
  });
});

describe('uploadRange', () => {
  test('is 0-<last byte received>, 0-0 when empty as the reference registry writes it', () => {
    expect(uploadRange(1)).toBe('0-0');
    expect(uploadRange(1024)).toBe('0-1023');
    expect(uploadRange(0)).toBe('0-0');
  });
});

describe('resolveRange', () => {
  const partial = (start: number, end: number, size: number): RangeAnswer => ({
    kind: 'partial',
    start,
    end,
    contentRange: `bytes ${start}-${end}/${size}`,
  });
  const unsatisfiable = (size: number): RangeAnswer => ({
    kind: 'unsatisfiable',
    contentRange: `bytes */${size}`,
  });

  // The conformance suite's range checks, on its 2048-byte blob.
  test.each([
    ['bytes=500-1499', partial(500, 1499, 2048)],
    ['bytes=500-', partial(500, 2047, 2048)],
    ['bytes=-500', partial(1548, 2047, 2048)],
    ['bytes=2000-5000', partial(2000, 2047, 2048)],
    ['bytes=500-0', unsatisfiable(2048)],
    ['bytes=5000-10000', unsatisfiable(2048)],
  ])('conformance: %s', (header, answer) => {
    expect(resolveRange(header, 2048)).toEqual(answer);
  });

  test.each([
    [null, { kind: 'full' }],
    ['items=0-5', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['BYTES=0-0', partial(0, 0, 2048)],
    ['bytes= 0-9 ,', partial(0, 9, 2048)],
    ['bytes=-5000', partial(0, 2047, 2048)],
    ['bytes=2047-', partial(2047, 2047, 2048)],
    ['bytes=2048-', unsatisfiable(2048)],
    ['bytes=-0', unsatisfiable(2048)],
    // Malformed: no range request at all (RFC 9110 section 14.2), so the whole blob.
    ['bytes=-', { kind: 'full' }],
    ['bytes=', { kind: 'full' }],
    ['bytes=a-b', { kind: 'full' }],
    ['bytes=1-2-3', { kind: 'full' }],
    ['bytes 0-5', { kind: 'full' }],
    ['bytes=0-99999999999999999999', partial(0, 2047, 2048)],
  ])('%j', (header, answer) => {
    expect(resolveRange(header, 2048)).toEqual(answer);
  });

  test('an empty blob satisfies no range', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=-1'])
      expect(resolveRange(header, 0)).toEqual(unsatisfiable(0));
    expect(resolveRange(null, 0)).toEqual({ kind: 'full' });
  });

  test('a partial answer always lies inside the blob and is what was asked, clamped', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), fc.integer({ min: 1, max: 5000 }), (first, last, size) => {
        const answer = resolveRange(`bytes=${first}-${last}`, size);
        if (last < first || first >= size) expect(answer).toEqual(unsatisfiable(size));
        else expect(answer).toEqual(partial(first, Math.min(last, size - 1), size));
      }),
    );
  });
});
