/**
 * `@edgecr/chunker/testing`: deterministic layers for tests and benchmarks, the one generator every package's
 * tests use. The bytes are an xorshift32 sequence: not random enough for anything but tests, cheap enough for
 * GiB-sized layers in every runtime (`crypto.getRandomValues` gives at most 64 KiB a call), and the same
 * `(size, seed)` always gives the same layer, so a digest can be computed again instead of kept.
 * @module
 */

/** Size of the chunks {@link testLayerChunks} and {@link testLayerStream} yield by default. */
export const TEST_LAYER_CHUNK_BYTES = 1024 * 1024;

/** One xorshift32 step (Marsaglia's 13, 17, 5). */
function next(x: number): number {
  let y = x ^ (x << 13);
  y ^= y >>> 17;
  return y ^ (y << 5);
}

/**
 * Fills `bytes` (whose offset is a multiple of 4) with the sequence that goes on from `state`, a little-endian
 * word at a time, and returns the state to go on from. A length that is not a multiple of 4 ends with the low
 * bytes of one more word.
 */
function fill(bytes: Uint8Array, state: number): number {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  let x = state;
  for (let i = 0; i < words.length; i++) {
    x = next(x);
    words[i] = x;
  }
  const whole = words.length * 4;
  if (whole < bytes.length) {
    x = next(x);
    for (let i = whole; i < bytes.length; i++) bytes[i] = (x >>> (8 * (i - whole))) & 0xff;
  }
  return x;
}

/** The starting state of a seed: any integer, 0 standing for 1 (xorshift never leaves 0). */
function start(seed: number): number {
  return seed | 0 || 1;
}

/**
 * The test layer `(size, seed)` as one array.
 * @example
 * const layer = testLayerBytes(12 * MiB, 3);
 */
export function testLayerBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  fill(bytes, start(seed));
  return bytes;
}

/**
 * The test layer `(size, seed)` in chunks of `chunkBytes` (the last shorter), never whole in memory; joined,
 * they are {@link testLayerBytes}`(size, seed)`.
 * @throws RangeError when `chunkBytes` is not a positive multiple of 4.
 * @example
 * for (const chunk of testLayerChunks(1024 * MiB, 40)) hash.update(chunk);
 */
export function* testLayerChunks(
  size: number,
  seed = 1,
  chunkBytes = TEST_LAYER_CHUNK_BYTES,
): Generator<Uint8Array> {
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes % 4 !== 0) {
    throw new RangeError(`"chunkBytes" expected a positive multiple of 4, got ${chunkBytes}`);
  }
  let x = start(seed);
  for (let offset = 0; offset < size; offset += chunkBytes) {
    const chunk = new Uint8Array(Math.min(chunkBytes, size - offset));
    x = fill(chunk, x);
    yield chunk;
  }
}

/**
 * The test layer `(size, seed)` as a pull-driven byte stream of {@link testLayerChunks}.
 * @example
 * await pushLayer(client, 'app', testLayerStream(64 * MiB, 1));
 */
export function testLayerStream(
  size: number,
  seed = 1,
  chunkBytes = TEST_LAYER_CHUNK_BYTES,
): ReadableStream<Uint8Array> {
  const chunks = testLayerChunks(size, seed, chunkBytes);
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.next();
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
  });
}
