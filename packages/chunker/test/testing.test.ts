// The test layer generator every package's tests share: deterministic, and the same in every form.
import { describe, expect, it } from 'vitest';
import { testLayerBytes, testLayerChunks, testLayerStream } from '../src/testing.ts';
import { concatBytes, firstDifference, readAll } from './_helpers.ts';

describe('@edgecr/chunker/testing', () => {
  it('gives the same bytes for the same size and seed, others for another seed', () => {
    expect(firstDifference(testLayerBytes(1003, 5), testLayerBytes(1003, 5))).toBe(-1);
    expect(firstDifference(testLayerBytes(1003, 5), testLayerBytes(1003, 6))).toBe(0);
    expect(firstDifference(testLayerBytes(1003, 0), testLayerBytes(1003, 1))).toBe(-1);
  });

  it('is a prefix of itself: a shorter layer starts the longer one', () => {
    expect(firstDifference(testLayerBytes(1003, 9), testLayerBytes(2000, 9).subarray(0, 1003))).toBe(-1);
  });

  it.each([0, 1, 4, 1000, 1001, 4099])(
    'yields %i bytes the same in chunks, as a stream and whole',
    async (size) => {
      const whole = testLayerBytes(size, 3);
      const chunks = [...testLayerChunks(size, 3, 1024)];
      expect(chunks.every((chunk, i) => chunk.length === (i < chunks.length - 1 ? 1024 : chunk.length))).toBe(
        true,
      );
      expect(firstDifference(concatBytes(chunks), whole)).toBe(-1);
      expect(firstDifference(concatBytes(await readAll(testLayerStream(size, 3, 1024))), whole)).toBe(-1);
    },
  );

  it('is not constant', () => {
    expect(new Set(testLayerBytes(4096)).size).toBeGreaterThan(200);
  });

  it('refuses a chunk size that would break the word sequence', () => {
    expect(() => testLayerChunks(10, 1, 6).next()).toThrow(RangeError);
  });
});
