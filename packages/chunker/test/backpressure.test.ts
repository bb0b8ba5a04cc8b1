// Backpressure and bounded buffering, asserted with a source that counts what it was asked for: whatever the
// layer's size, the chunker reads at most about one part plus one input chunk ahead of its consumer.
import { MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { createLayerChunker, type LayerPart } from '../src/index.ts';
import { createChunkerWithLimits, type LayerLimits } from '../src/layerChunker.ts';
import { testLayerBytes } from '../src/testing.ts';
import { chunksOf, countingSource, firstDifference, referenceSha256Hex, settle } from './_helpers.ts';

const SMALL_LIMITS: LayerLimits = {
  minPartBytes: 1,
  maxPartBytes: 1 << 20,
  maxParts: 100_000,
  maxLayerBytes: 2 ** 40,
};

/**
 * The most the pipeline may have taken from the source beyond what the consumer received: the part being
 * assembled (< partSize), the chunk being transformed, and one chunk waiting in the chunker's writable queue.
 */
const readAheadBound = (partSize: number, chunkSize: number): number => partSize + 2 * chunkSize;

describe('backpressure', () => {
  it('a consumer that stops reading stops the source', async () => {
    const partSize = 1000;
    const chunkSize = 100;
    const source = countingSource(chunksOf(testLayerBytes(100 * chunkSize), chunkSize));
    const reader = source.stream.pipeThrough(createChunkerWithLimits({ partSize }, SMALL_LIMITS)).getReader();

    await settle();
    // Nobody has asked for a part: at most the chunk the pipe holds.
    expect(source.pulledChunks).toBeLessThanOrEqual(1);

    let delivered = 0;
    for (let round = 0; round < 3; round++) {
      const { value } = await reader.read();
      delivered += value?.bytes.length ?? 0;
      await settle();
      const paused = source.pulledBytes;
      expect(paused - delivered).toBeLessThanOrEqual(readAheadBound(partSize, chunkSize));
      await settle(20);
      expect(source.pulledBytes).toBe(paused);
    }
    expect(source.pulledChunks).toBeLessThan(100);
    await reader.cancel();
  });

  it('keeps at most one part plus one chunk ahead of a slow consumer, over a whole 5 MiB-part layer', async () => {
    const partSize = MIN_LAYER_PART_BYTES + 1000; // not a multiple of the chunk size: parts straddle chunks
    const chunkSize = 64 * 1024;
    const data = testLayerBytes(4 * partSize + 12_345, 3);
    const source = countingSource(chunksOf(data, chunkSize));
    const chunker = createLayerChunker({ partSize });
    const reader = source.stream.pipeThrough(chunker).getReader();

    let delivered = 0;
    let maxAhead = 0;
    let maxBuffered = 0;
    const parts: LayerPart[] = [];
    for (;;) {
      await settle(3); // a slow consumer: the pipeline gets every chance to run ahead
      maxAhead = Math.max(maxAhead, source.pulledBytes - delivered);
      maxBuffered = Math.max(maxBuffered, chunker.bufferedBytes);
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      delivered += value.bytes.length;
    }
    expect(parts).toHaveLength(5);
    expect(maxAhead).toBeLessThanOrEqual(readAheadBound(partSize, chunkSize));
    expect(maxBuffered).toBeGreaterThan(0); // it does assemble parts across chunks
    expect(maxBuffered).toBeLessThan(partSize);
    expect((await chunker.summary).digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
  });

  it('with chunks larger than a part, holds one chunk (its parts are views) and pauses', async () => {
    const partSize = 100;
    const chunkSize = 350;
    const source = countingSource(chunksOf(testLayerBytes(40 * chunkSize), chunkSize));
    const chunker = createChunkerWithLimits({ partSize }, SMALL_LIMITS);
    const reader = source.stream.pipeThrough(chunker).getReader();

    let delivered = 0;
    for (let round = 0; round < 12; round++) {
      const { value } = await reader.read();
      delivered += value?.bytes.length ?? 0;
      await settle();
      expect(source.pulledBytes - delivered).toBeLessThanOrEqual(readAheadBound(partSize, chunkSize));
      expect(chunker.bufferedBytes).toBeLessThan(partSize);
    }
    expect(source.pulledChunks).toBeLessThan(10);
    await reader.cancel();
  });

  it('never concatenates more than once: a part built from 1-byte chunks is one buffer of partSize', async () => {
    const partSize = 4096;
    const data = testLayerBytes(2 * partSize + 1);
    const chunker = createChunkerWithLimits({ partSize }, SMALL_LIMITS);
    const reader = countingSource(chunksOf(data, 1)).stream.pipeThrough(chunker).getReader();
    const first = (await reader.read()).value;
    expect(first?.bytes.buffer.byteLength).toBe(partSize);
    expect(firstDifference(first?.bytes ?? new Uint8Array(0), data.subarray(0, partSize))).toBe(-1);
    await reader.cancel();
  });
});
