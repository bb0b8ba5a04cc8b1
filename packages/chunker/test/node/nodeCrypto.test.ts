/// <reference types="node" />
// Node only: the same properties as the shared suite, checked against node:crypto (OpenSSL), plus a Node stream
// converted with Readable.toWeb as the chunker's input.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLayerChunker,
  digestBlob,
  type LayerPart,
  ResumableSha256,
  type Sha256State,
} from '../../src/index.ts';
import { createChunkerWithLimits, type LayerLimits } from '../../src/layerChunker.ts';
import { testLayerBytes } from '../../src/testing.ts';
import { checkPartLayout, chunksOf, firstDifference, readAll, splitAt } from '../_helpers.ts';

const SMALL_LIMITS: LayerLimits = {
  minPartBytes: 1,
  maxPartBytes: 4096,
  maxParts: 1_000_000,
  maxLayerBytes: 2 ** 40,
};
// node:stream/web's ReadableStream type differs from the DOM one the package is typed with; at run time they
// are the same class.
const webStream = (readable: Readable): ReadableStream<Uint8Array> =>
  Readable.toWeb(readable) as unknown as ReadableStream<Uint8Array>;
const nodeSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('against node:crypto', () => {
  it('ResumableSha256: random inputs, random pieces, random save/restore points', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 31, maxLength: 31 }),
        (data, cuts, hops) => {
          let hasher = new ResumableSha256();
          splitAt(data, cuts).forEach((piece, i) => {
            if (hops[i])
              hasher = ResumableSha256.restore(JSON.parse(JSON.stringify(hasher.save())) as Sha256State);
            hasher.update(piece);
          });
          expect(hasher.digestHex()).toBe(nodeSha256(data));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('chunker: random inputs, random chunkings, random part sizes, random resume points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 20_000 }),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.nat(),
        fc.boolean(),
        async (data, cuts, partSize, at, knownSize) => {
          const startOffset = at % (data.length + 1);
          const hashState = new ResumableSha256().update(data.subarray(0, startOffset)).save();
          const rest = data.subarray(startOffset);
          const chunker = createChunkerWithLimits(
            { partSize, hashState, ...(knownSize ? { totalSize: data.length } : {}) },
            SMALL_LIMITS,
          );
          const parts = await readAll(webStream(Readable.from(splitAt(rest, cuts))).pipeThrough(chunker));
          expect(firstDifference(checkPartLayout(parts, partSize, startOffset), rest)).toBe(-1);
          const reference = nodeSha256(data);
          expect(await chunker.summary).toEqual({ digest: `sha256:${reference}`, size: data.length });
          for (const part of parts) {
            const resumed = ResumableSha256.restore(part.hashState).update(
              data.subarray(part.partLastByte + 1),
            );
            expect(resumed.digestHex()).toBe(reference);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chunker with ECR part sizes over a 23 MiB layer from a Node stream', async () => {
    const data = testLayerBytes(4 * MIN_LAYER_PART_BYTES + 3 * 1024 * 1024 + 1, 21);
    const chunker = createLayerChunker({ partSize: MIN_LAYER_PART_BYTES + 12_345, totalSize: data.length });
    // fs-like 64 KiB Buffers, as fs.createReadStream gives them.
    const buffers = chunksOf(data, 64 * 1024).map((c) => Buffer.from(c));
    const parts: LayerPart[] = await readAll(webStream(Readable.from(buffers)).pipeThrough(chunker));
    expect(firstDifference(checkPartLayout(parts, MIN_LAYER_PART_BYTES + 12_345, 0), data)).toBe(-1);
    expect(await chunker.summary).toEqual({ digest: `sha256:${nodeSha256(data)}`, size: data.length });
    expect(await digestBlob(new Blob([data as Uint8Array<ArrayBuffer>]))).toEqual(await chunker.summary);
  });
});
