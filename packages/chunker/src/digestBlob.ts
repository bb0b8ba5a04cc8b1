/**
 * The digest and size of a layer without uploading it, so a client can ask BatchCheckLayerAvailability first.
 * @module
 */
import type { LayerSummary } from './layerChunker.ts';
import { formatSha256Digest, ResumableSha256 } from './resumableSha256.ts';

/**
 * Streams `source` once through SHA-256 and returns the layer's digest (`sha256:<hex>`) and size. Memory stays
 * at one chunk whatever the size. A `ReadableStream` is read to its end (and cancelled if it yields something
 * that is not a `Uint8Array`); it must not be locked.
 * @example
 * const { digest, size } = await digestBlob(file);
 * const { layers } = await batchCheckLayerAvailability({ repositoryName, layerDigests: [digest] });
 */
export async function digestBlob(source: Blob | ReadableStream<Uint8Array>): Promise<LayerSummary> {
  let stream: ReadableStream<Uint8Array>;
  if (typeof Blob !== 'undefined' && source instanceof Blob) stream = source.stream();
  else if (source instanceof ReadableStream) stream = source;
  else throw new TypeError('"source" expected Blob or ReadableStream<Uint8Array>');

  const hasher = new ResumableSha256();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        hasher.update(value);
      } catch (error) {
        await reader.cancel(error).catch(() => {});
        throw error;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { digest: formatSha256Digest(hasher.digest()), size: hasher.length };
}
