import { MiB } from './constants.ts';

/**
 * Bytes as a stream, cut as it is read into chunks of at most `chunkSize` (1 MiB by default, the size the
 * doors hand request bodies on in). Several arrays are streamed one after the other, each cut the same way;
 * an empty one adds nothing, for a stream never carries an empty chunk. The chunks are copies: a reader may
 * keep or transfer them.
 * @example
 * await registry.uploadLayerPart(ref, { first: 0, last: bytes.length - 1 }, streamOf(bytes));
 */
export function streamOf(
  bytes: Uint8Array | readonly Uint8Array[],
  chunkSize = MiB,
): ReadableStream<Uint8Array> {
  const arrays = bytes instanceof Uint8Array ? [bytes] : [...bytes];
  let index = 0;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      while (index < arrays.length && offset >= (arrays[index]?.length ?? 0)) {
        index += 1;
        offset = 0;
      }
      const current = arrays[index];
      if (!current) {
        controller.close();
        return;
      }
      controller.enqueue(current.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
