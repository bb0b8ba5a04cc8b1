import { MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { createLayerChunker, digestBlob } from '../src/index.ts';
import { testLayerBytes } from '../src/testing.ts';
import { chunksOf, countingSource, readAll, referenceSha256Hex } from './_helpers.ts';

describe('digestBlob', () => {
  for (const size of [0, 1, 55, 56, 63, 64, 65, 100_000, 3 * 1024 * 1024 + 7]) {
    it(`digests a Blob of ${size} bytes`, async () => {
      const data = testLayerBytes(size, size);
      expect(await digestBlob(new Blob([data as Uint8Array<ArrayBuffer>]))).toEqual({
        digest: `sha256:${await referenceSha256Hex(data)}`,
        size,
      });
    });
  }

  it('digests a ReadableStream and agrees with the chunker', async () => {
    const data = testLayerBytes(MIN_LAYER_PART_BYTES + 99, 4);
    const chunker = createLayerChunker({ partSize: MIN_LAYER_PART_BYTES });
    await readAll(countingSource(chunksOf(data, 10_000)).stream.pipeThrough(chunker));
    const source = countingSource(chunksOf(data, 10_000));
    expect(await digestBlob(source.stream)).toEqual(await chunker.summary);
    expect(source.stream.locked).toBe(false);
  });

  it('refuses what is neither a Blob nor a stream', async () => {
    await expect(digestBlob(new Uint8Array(3) as unknown as Blob)).rejects.toThrow(
      /"source" expected Blob or ReadableStream/,
    );
  });

  it('cancels the stream on a chunk that is not bytes', async () => {
    let cancelled: unknown;
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue('text');
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    await expect(digestBlob(stream as ReadableStream<Uint8Array>)).rejects.toThrow(/expected Uint8Array/);
    expect(cancelled).toBeInstanceOf(TypeError);
  });

  it('passes a stream error on', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('disk gone'));
      },
    });
    await expect(digestBlob(stream)).rejects.toThrow('disk gone');
  });
});
