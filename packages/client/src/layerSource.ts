/**
 * Where a layer's bytes come from: anything that can stream a range of them again. A browser `File` is one;
 * so is Node's `fs.openAsBlob(path)`.
 * @module
 */
import { LayerSourceError } from './errors.ts';

/** A layer's bytes and what identifies the file they come from. */
export interface LayerSource {
  /** The file name, for people and for the resume fingerprint. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time in ms since the epoch (`File.lastModified`); 0 when unknown. */
  readonly lastModified: number;
  /** The bytes from `start` (inclusive) to `end` (exclusive, the size by default), as a fresh stream. */
  stream(start: number, end?: number): ReadableStream<Uint8Array>;
}

/**
 * A {@link LayerSource} over a `Blob` or `File`: `Blob.slice` makes any range a new stream without reading the
 * bytes before it.
 * @example
 * const source = blobSource(input.files[0]);
 * const source = blobSource(await fs.openAsBlob(path), { name: basename(path), lastModified: stat.mtimeMs });
 */
export function blobSource(blob: Blob, identity: { name?: string; lastModified?: number } = {}): LayerSource {
  const file = blob as Partial<File>;
  return {
    name: identity.name ?? file.name ?? 'layer',
    size: blob.size,
    lastModified: Math.trunc(identity.lastModified ?? file.lastModified ?? 0),
    stream: (start, end = blob.size) =>
      (start === 0 && end === blob.size
        ? blob
        : blob.slice(start, end)
      ).stream() as ReadableStream<Uint8Array>,
  };
}

/**
 * Reads `source` from `start` to `end` into one buffer; for small ranges only (the fingerprint's head).
 * @example
 * const head = await readRange(source, 0, 1024);
 */
export async function readRange(source: LayerSource, start: number, end: number): Promise<Uint8Array> {
  const out = new Uint8Array(end - start);
  let filled = 0;
  for await (const chunk of source.stream(start, end) as unknown as AsyncIterable<Uint8Array>) {
    out.set(chunk.subarray(0, out.length - filled), filled);
    filled += chunk.length;
    if (filled >= out.length) break;
  }
  if (filled < out.length) throw new RangeError(`expected ${out.length} bytes from ${start}, got ${filled}`);
  return out;
}

/**
 * Calls `onChunk` for every chunk of `source` from `start` to `end`, stopping (and cancelling the stream) when
 * `signal` aborts.
 * @example
 * await forEachChunk(source, 0, source.size, signal, (chunk) => hasher.update(chunk));
 */
export async function forEachChunk(
  source: LayerSource,
  start: number,
  end: number,
  signal: AbortSignal,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const reader = source.stream(start, end).getReader();
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      signal.throwIfAborted();
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) return;
      onChunk(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/**
 * A stream failure while reading the file, in the engine's terms: the chunker's complaint that the stream
 * is longer or shorter than `totalSize` means the file changed on disk.
 * @example
 * await reader.read().catch((error) => { throw sourceError(error); });
 */
export function sourceError(error: unknown): unknown {
  if (error instanceof RangeError && /totalSize/.test(error.message)) {
    return new LayerSourceError('The file’s size changed while it was being read', 'FileChanged', {
      cause: error,
    });
  }
  return error;
}
