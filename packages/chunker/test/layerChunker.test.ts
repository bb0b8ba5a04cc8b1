import {
  MAX_LAYER_BYTES,
  MAX_LAYER_PART_BYTES,
  MAX_LAYER_PARTS,
  MIN_LAYER_PART_BYTES,
} from '@edgecr/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLayerChunker, type LayerPart, ResumableSha256, type Sha256State } from '../src/index.ts';
import { createChunkerWithLimits, type LayerChunkerOptions, type LayerLimits } from '../src/layerChunker.ts';
import { testLayerBytes } from '../src/testing.ts';
import {
  checkPartLayout,
  chunksOf,
  concatBytes,
  countingSource,
  firstDifference,
  readAll,
  readUntilError,
  referenceSha256Hex,
  splitAt,
} from './_helpers.ts';

const MiB = 1024 * 1024;

/** Small limits, so the boundary logic can be explored with inputs of a few hundred bytes. */
const SMALL_LIMITS: LayerLimits = {
  minPartBytes: 1,
  maxPartBytes: 512,
  maxParts: 100_000,
  maxLayerBytes: 2 ** 40,
};

async function chunk(
  chunks: readonly Uint8Array[],
  options: LayerChunkerOptions,
  limits?: LayerLimits,
): Promise<{ parts: LayerPart[]; digest: string; size: number }> {
  const chunker = limits ? createChunkerWithLimits(options, limits) : createLayerChunker(options);
  const parts = await readAll(countingSource(chunks).stream.pipeThrough(chunker));
  const { digest, size } = await chunker.summary;
  return { parts, digest, size };
}

/** A state for a layer whose first `length` bytes were hashed elsewhere (the words need not be real). */
function syntheticState(length: number): Sha256State {
  return {
    v: 1,
    h: [1, 2, 3, 4, 5, 6, 7, 8],
    length,
    tail: length % 64 ? btoa('\0'.repeat(length % 64)) : '',
  };
}

describe('createLayerChunker: parts and digest (property, small limits)', () => {
  it('cuts any input, chunked any way, into partSize parts and hashes it like WebCrypto', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2500 }),
        fc.array(fc.nat({ max: 2500 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 512 }),
        fc.boolean(),
        async (data, cuts, partSize, knownSize) => {
          const options = { partSize, ...(knownSize ? { totalSize: data.length } : {}) };
          const { parts, digest, size } = await chunk(splitAt(data, cuts), options, SMALL_LIMITS);
          // Parts are checked only after the whole stream ran: the chunker must not have reused their bytes.
          expect(firstDifference(checkPartLayout(parts, partSize, 0), data)).toBe(-1);
          expect(parts).toHaveLength(Math.ceil(data.length / partSize));
          expect(size).toBe(data.length);
          const reference = await referenceSha256Hex(data);
          expect(digest).toBe(`sha256:${reference}`);
          // Every part's hash state resumes the layer hash right after that part.
          for (const part of parts) {
            const rest = data.subarray(part.partLastByte + 1);
            expect(ResumableSha256.restore(part.hashState).update(rest).digestHex()).toBe(reference);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resumes from any offset with a saved hash state and gives the digest of the whole layer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.nat(),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 300 }),
        async (data, at, cuts, partSize) => {
          const startOffset = at % (data.length + 1);
          const hashState = new ResumableSha256().update(data.subarray(0, startOffset)).save();
          const rest = data.subarray(startOffset);
          const { parts, digest, size } = await chunk(
            splitAt(rest, cuts),
            { partSize, startOffset, hashState },
            SMALL_LIMITS,
          );
          expect(firstDifference(checkPartLayout(parts, partSize, startOffset), rest)).toBe(-1);
          expect(size).toBe(data.length);
          expect(digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('continues a stopped run from the last part it delivered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        async (data, partSize, stopAfter) => {
          const first = createChunkerWithLimits({ partSize }, SMALL_LIMITS);
          const reader = countingSource(chunksOf(data, 97)).stream.pipeThrough(first).getReader();
          const wanted = stopAfter % Math.ceil(data.length / partSize);
          let last: LayerPart | undefined;
          for (let i = 0; i < wanted; i++) last = (await reader.read()).value;
          await reader.cancel('page reloaded');
          // (`summary` may have settled already: it does once the last part is enqueued, read or not.)

          const startOffset = last ? last.partLastByte + 1 : 0;
          const resumed = await chunk(
            chunksOf(data.subarray(startOffset), 61),
            { partSize, ...(last ? { hashState: last.hashState } : {}) },
            SMALL_LIMITS,
          );
          expect(
            firstDifference(
              checkPartLayout(resumed.parts, partSize, startOffset),
              data.subarray(startOffset),
            ),
          ).toBe(-1);
          expect(resumed.digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('createLayerChunker: edges', () => {
  const EMPTY_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('an empty stream yields no part, and the digest of nothing', async () => {
    expect(await chunk([], { partSize: MIN_LAYER_PART_BYTES })).toEqual({
      parts: [],
      digest: EMPTY_DIGEST,
      size: 0,
    });
    const withEmptyChunks = await chunk([new Uint8Array(0), new Uint8Array(0)], {
      partSize: MIN_LAYER_PART_BYTES,
    });
    expect(withEmptyChunks).toEqual({ parts: [], digest: EMPTY_DIGEST, size: 0 });
    const known = await chunk([], { partSize: MIN_LAYER_PART_BYTES, totalSize: 0 });
    expect(known).toEqual({ parts: [], digest: EMPTY_DIGEST, size: 0 });
  });

  it('one byte is one part [0, 0]', async () => {
    const { parts, digest, size } = await chunk([Uint8Array.of(0x61)], { partSize: MIN_LAYER_PART_BYTES });
    expect(parts.map(({ partFirstByte, partLastByte }) => [partFirstByte, partLastByte])).toEqual([[0, 0]]);
    expect(parts[0]?.bytes).toEqual(Uint8Array.of(0x61));
    expect(digest).toBe('sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    expect(size).toBe(1);
  });

  for (const knownSize of [false, true]) {
    it(`an exact multiple of partSize gives whole parts and no empty last part (totalSize ${knownSize ? 'known' : 'unknown'})`, async () => {
      const data = testLayerBytes(2 * MIN_LAYER_PART_BYTES);
      const options = { partSize: MIN_LAYER_PART_BYTES, ...(knownSize ? { totalSize: data.length } : {}) };
      const { parts, digest } = await chunk(chunksOf(data, MiB), options);
      expect(parts.map((p) => [p.partFirstByte, p.partLastByte])).toEqual([
        [0, MIN_LAYER_PART_BYTES - 1],
        [MIN_LAYER_PART_BYTES, 2 * MIN_LAYER_PART_BYTES - 1],
      ]);
      expect(firstDifference(checkPartLayout(parts, MIN_LAYER_PART_BYTES, 0), data)).toBe(-1);
      expect(digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
    });
  }

  it('partSize larger than the input gives one short part', async () => {
    const data = testLayerBytes(3 * MiB + 5);
    const { parts, digest } = await chunk(chunksOf(data, 64 * 1024), { partSize: MAX_LAYER_PART_BYTES });
    expect(parts).toHaveLength(1);
    expect(firstDifference(parts[0]?.bytes ?? new Uint8Array(0), data)).toBe(-1);
    expect(parts[0]?.partLastByte).toBe(data.length - 1);
    expect(digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
  });

  it('input chunks larger than partSize: whole parts are views into the chunk, straddling parts are copies', async () => {
    const partSize = 100;
    const big = testLayerBytes(250, 5);
    const small = testLayerBytes(150, 6);
    const { parts, digest } = await chunk([big, small], { partSize }, SMALL_LIMITS);
    const data = concatBytes([big, small]);
    expect(firstDifference(checkPartLayout(parts, partSize, 0), data)).toBe(-1);
    expect(parts.map((p) => p.bytes.buffer === big.buffer)).toEqual([true, true, false, false]);
    expect(parts.map((p) => p.bytes.buffer === small.buffer)).toEqual([false, false, false, true]);
    expect(digest).toBe(`sha256:${await referenceSha256Hex(data)}`);
  });

  it('one chunk of 2.5 parts at ECR sizes: two views, then a copied last part', async () => {
    const partSize = MIN_LAYER_PART_BYTES;
    const big = testLayerBytes(2 * partSize + partSize / 2, 5);
    const { parts, digest } = await chunk([big], { partSize });
    expect(firstDifference(checkPartLayout(parts, partSize, 0), big)).toBe(-1);
    expect(parts.map((p) => p.bytes.buffer === big.buffer)).toEqual([true, true, false]);
    expect(digest).toBe(`sha256:${await referenceSha256Hex(big)}`);
  });

  it('with totalSize, the last part goes out as soon as its bytes arrive, in a buffer of its exact size', async () => {
    const data = testLayerBytes(MIN_LAYER_PART_BYTES + 10);
    const chunker = createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, totalSize: data.length });
    const writer = chunker.writable.getWriter();
    const reader = chunker.readable.getReader();
    // The last part (10 bytes) straddles the last two chunks, so it is assembled in a buffer of its own.
    for (const cut of splitAt(data, [MIN_LAYER_PART_BYTES - 3, MIN_LAYER_PART_BYTES + 5]))
      void writer.write(cut.slice());
    const first = await reader.read();
    const last = await reader.read();
    expect(first.value?.bytes).toHaveLength(MIN_LAYER_PART_BYTES);
    expect(last.value?.partLastByte).toBe(data.length - 1);
    expect(last.value?.bytes.buffer.byteLength).toBe(10);
    expect(firstDifference(last.value?.bytes ?? new Uint8Array(0), data.subarray(MIN_LAYER_PART_BYTES))).toBe(
      -1,
    );
    await writer.close();
    expect((await reader.read()).done).toBe(true);
    expect((await chunker.summary).size).toBe(data.length);
  });

  it('restores at every interesting offset: 0, 55, 56, 63, 64, 65 and the part boundaries', async () => {
    const partSize = 100;
    const data = testLayerBytes(345, 9);
    const reference = `sha256:${await referenceSha256Hex(data)}`;
    for (const startOffset of [0, 1, 55, 56, 63, 64, 65, 99, 100, 101, 128, 200, 300, 344, 345]) {
      const hashState = new ResumableSha256().update(data.subarray(0, startOffset)).save();
      const rest = data.subarray(startOffset);
      for (const pieces of [[rest], chunksOf(rest, 1), chunksOf(rest, 64), chunksOf(rest, 150)]) {
        const { parts, digest, size } = await chunk(
          pieces,
          { partSize, startOffset, hashState },
          SMALL_LIMITS,
        );
        expect(firstDifference(checkPartLayout(parts, partSize, startOffset), rest)).toBe(-1);
        expect({ digest, size }).toEqual({ digest: reference, size: data.length });
      }
    }
  });

  it('resumes a real-sized layer at a 5 MiB part boundary', async () => {
    const data = testLayerBytes(2 * MIN_LAYER_PART_BYTES + 3, 11);
    const hashState = new ResumableSha256().update(data.subarray(0, MIN_LAYER_PART_BYTES)).save();
    const rest = data.subarray(MIN_LAYER_PART_BYTES);
    const { parts, digest, size } = await chunk(chunksOf(rest, 3 * MiB), {
      partSize: MIN_LAYER_PART_BYTES,
      hashState,
      totalSize: data.length,
    });
    expect(parts.map((p) => [p.partFirstByte, p.partLastByte])).toEqual([
      [MIN_LAYER_PART_BYTES, 2 * MIN_LAYER_PART_BYTES - 1],
      [2 * MIN_LAYER_PART_BYTES, 2 * MIN_LAYER_PART_BYTES + 2],
    ]);
    expect({ digest, size }).toEqual({
      digest: `sha256:${await referenceSha256Hex(data)}`,
      size: data.length,
    });
  });

  it('exposes nextByte, hashState() and bufferedBytes as it goes', async () => {
    const chunker = createChunkerWithLimits({ partSize: 10 }, SMALL_LIMITS);
    const writer = chunker.writable.getWriter();
    const reader = chunker.readable.getReader();
    expect([chunker.nextByte, chunker.bufferedBytes, chunker.hashState().length]).toEqual([0, 0, 0]);
    void writer.write(testLayerBytes(14));
    const part = await reader.read();
    expect(part.value?.partLastByte).toBe(9);
    expect([chunker.nextByte, chunker.bufferedBytes, chunker.hashState().length]).toEqual([10, 4, 10]);
    expect(chunker.hashState()).toEqual(part.value?.hashState);
    void writer.close();
    await reader.read();
    expect([chunker.nextByte, chunker.bufferedBytes]).toEqual([14, 0]);
  });
});

describe('createLayerChunker: limits from @edgecr/protocol', () => {
  it('accepts partSize from MIN_LAYER_PART_BYTES to MAX_LAYER_PART_BYTES', () => {
    expect(() => createLayerChunker({ partSize: MIN_LAYER_PART_BYTES })).not.toThrow();
    expect(() => createLayerChunker({ partSize: MAX_LAYER_PART_BYTES })).not.toThrow();
  });

  const badPartSizes: [unknown, ErrorConstructor][] = [
    [MIN_LAYER_PART_BYTES - 1, RangeError],
    [MAX_LAYER_PART_BYTES + 1, RangeError],
    [MIN_LAYER_PART_BYTES + 0.5, RangeError],
    [Number.NaN, RangeError],
    [0, RangeError],
    [String(MIN_LAYER_PART_BYTES), TypeError],
    [undefined, TypeError],
  ];
  for (const [partSize, type] of badPartSizes) {
    it(`refuses partSize ${JSON.stringify(partSize) ?? String(partSize)}`, () => {
      expect(() => createLayerChunker({ partSize } as LayerChunkerOptions)).toThrow(type);
      expect(() => createLayerChunker({ partSize } as LayerChunkerOptions)).toThrow(
        /"partSize" expected (number|integer 5242880\.\.20971520)/,
      );
    });
  }

  it('refuses before reading a byte a totalSize that needs more than MAX_LAYER_PARTS parts', () => {
    const source = countingSource([new Uint8Array(1)]);
    const tooMany = MAX_LAYER_PARTS * MIN_LAYER_PART_BYTES + 1;
    const make = () =>
      source.stream.pipeThrough(createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, totalSize: tooMany }));
    expect(make).toThrow(RangeError);
    expect(make).toThrow(`needs ${MAX_LAYER_PARTS + 1} parts of "partSize" ${MIN_LAYER_PART_BYTES} bytes`);
    expect(make).toThrow(/MAX_LAYER_PARTS = 4200/);
    expect(source.pulledChunks).toBe(0);
    expect(source.stream.locked).toBe(false);
    // Exactly MAX_LAYER_PARTS parts is fine.
    expect(() =>
      createLayerChunker({
        partSize: MIN_LAYER_PART_BYTES,
        totalSize: MAX_LAYER_PARTS * MIN_LAYER_PART_BYTES,
      }),
    ).not.toThrow();
  });

  it('refuses before reading a byte a totalSize over MAX_LAYER_BYTES', () => {
    expect(() =>
      createLayerChunker({ partSize: MAX_LAYER_PART_BYTES, totalSize: MAX_LAYER_BYTES + 1 }),
    ).toThrow(/exceeds the largest layer, MAX_LAYER_BYTES/);
    expect(() =>
      createLayerChunker({ partSize: MAX_LAYER_PART_BYTES, totalSize: MAX_LAYER_BYTES }),
    ).not.toThrow();
  });

  it('without totalSize, errors as soon as the stream crosses MAX_LAYER_PARTS parts', async () => {
    // Resume just before the limit instead of pushing 21 GB through the test.
    const startOffset = (MAX_LAYER_PARTS - 1) * MIN_LAYER_PART_BYTES;
    const chunker = createLayerChunker({
      partSize: MIN_LAYER_PART_BYTES,
      hashState: syntheticState(startOffset),
    });
    const source = countingSource([
      ...chunksOf(new Uint8Array(MIN_LAYER_PART_BYTES), MiB),
      new Uint8Array(1),
    ]);
    const { items: parts, error } = await readUntilError(source.stream.pipeThrough(chunker));
    expect(error).toBeInstanceOf(RangeError);
    expect(String(error)).toMatch(/needs 4201 parts of "partSize" 5242880 bytes, more than MAX_LAYER_PARTS/);
    await expect(chunker.summary).rejects.toThrow(RangeError);
    // The 4,200th part went out whole; nothing after it.
    expect(parts.map((p) => p.partLastByte)).toEqual([MAX_LAYER_PARTS * MIN_LAYER_PART_BYTES - 1]);
    expect(source.cancelled).toBeInstanceOf(RangeError);
  });

  it('without totalSize, errors as soon as the stream crosses MAX_LAYER_BYTES', async () => {
    const startOffset = MAX_LAYER_BYTES - 10;
    const chunker = createLayerChunker({
      partSize: MAX_LAYER_PART_BYTES,
      hashState: syntheticState(startOffset),
    });
    const writer = chunker.writable.getWriter();
    const drained = readUntilError(chunker.readable);
    await writer.write(new Uint8Array(10));
    await expect(writer.write(new Uint8Array(1))).rejects.toThrow(
      /exceeds the largest layer, MAX_LAYER_BYTES/,
    );
    await expect(chunker.summary).rejects.toThrow(RangeError);
    const { items, error } = await drained;
    expect(items.map((p) => [p.partFirstByte, p.partLastByte])).toEqual([[startOffset, MAX_LAYER_BYTES - 1]]);
    expect(error).toBeInstanceOf(RangeError);
  });

  it('refuses a resume point already past the limits', () => {
    const startOffset = MAX_LAYER_PARTS * MIN_LAYER_PART_BYTES + 1;
    expect(() =>
      createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, hashState: syntheticState(startOffset) }),
    ).toThrow(/MAX_LAYER_PARTS/);
  });
});

describe('createLayerChunker: option and stream errors', () => {
  it('needs the hash state to start mid-layer, and one that matches startOffset', () => {
    expect(() => createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, startOffset: 5 })).toThrow(
      /"hashState" is required/,
    );
    const hashState = syntheticState(64);
    expect(() => createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, startOffset: 65, hashState })).toThrow(
      /"hashState.length" \(64\) must equal "startOffset" \(65\)/,
    );
    expect(createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, startOffset: 64, hashState }).nextByte).toBe(
      64,
    );
    expect(createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, hashState }).nextByte).toBe(64);
    expect(() =>
      createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, hashState: { v: 1 } as Sha256State }),
    ).toThrow(/"state\.h"/);
    expect(() => createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, startOffset: -1 })).toThrow(
      /"startOffset"/,
    );
    expect(() => createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, totalSize: -1 })).toThrow(
      /"totalSize"/,
    );
    expect(() => createLayerChunker(null as unknown as LayerChunkerOptions)).toThrow(
      /"options" expected object/,
    );
  });

  it('errors when the stream is longer than totalSize', async () => {
    const chunker = createChunkerWithLimits({ partSize: 10, totalSize: 15 }, SMALL_LIMITS);
    const done = readAll(countingSource([new Uint8Array(12), new Uint8Array(4)]).stream.pipeThrough(chunker));
    await expect(done).rejects.toThrow(/longer than "totalSize" 15: got at least 16 bytes/);
    await expect(chunker.summary).rejects.toThrow(RangeError);
  });

  it('errors when the stream ends short of totalSize', async () => {
    const chunker = createChunkerWithLimits({ partSize: 10, totalSize: 15 }, SMALL_LIMITS);
    const done = readAll(countingSource([new Uint8Array(12)]).stream.pipeThrough(chunker));
    await expect(done).rejects.toThrow(/ended after 12 bytes, short of "totalSize" 15/);
    await expect(chunker.summary).rejects.toThrow(RangeError);
  });

  it('errors on a chunk that is not a Uint8Array', async () => {
    const chunker = createChunkerWithLimits({ partSize: 10 }, SMALL_LIMITS);
    const source = new ReadableStream({
      start(controller) {
        controller.enqueue(new ArrayBuffer(4));
        controller.close();
      },
    });
    await expect(readAll(source.pipeThrough(chunker as never))).rejects.toThrow(
      /expected Uint8Array, got an object/,
    );
    await expect(chunker.summary).rejects.toThrow(TypeError);
  });

  it('rejects summary with the reason when the consumer cancels or the producer aborts', async () => {
    const cancelled = createChunkerWithLimits({ partSize: 10 }, SMALL_LIMITS);
    await cancelled.readable.cancel('stop');
    await expect(cancelled.summary).rejects.toBe('stop');
    const aborted = createChunkerWithLimits({ partSize: 10 }, SMALL_LIMITS);
    await aborted.writable.abort('gone');
    await expect(aborted.summary).rejects.toBe('gone');
  });
});
