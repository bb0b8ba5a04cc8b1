// Helpers shared by the tests that run in Node, workerd and Chromium: web-platform APIs only.
import type { LayerPart } from '../src/layerChunker.ts';

/** Lowercase hex digest by the runtime's own WebCrypto: the reference the tests compare against. */
export async function referenceHex(algorithm: 'SHA-256' | 'SHA-512', bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex SHA-256 by the runtime's own WebCrypto. */
export function referenceSha256Hex(bytes: Uint8Array): Promise<string> {
  return referenceHex('SHA-256', bytes);
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Cuts `data` at the given offsets (any order, duplicates and out-of-range ones ignored), as views. */
export function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(start, point));
    start = point;
  }
  return chunks;
}

/** Cuts `data` into views of `size` bytes (the last shorter). */
export function chunksOf(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

/**
 * A pull-driven source (high-water mark 0: it produces a chunk only when asked) that counts what it produced,
 * so tests can assert how far a pipeline read ahead.
 */
export function countingSource(chunks: readonly Uint8Array[]): {
  stream: ReadableStream<Uint8Array>;
  readonly pulledChunks: number;
  readonly pulledBytes: number;
  readonly cancelled: unknown;
} {
  let index = 0;
  let pulledBytes = 0;
  let cancelled: unknown;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk === undefined) {
          controller.close();
          return;
        }
        pulledBytes += chunk.length;
        controller.enqueue(chunk);
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    get pulledChunks() {
      return index;
    },
    get pulledBytes() {
      return pulledBytes;
    },
    get cancelled() {
      return cancelled;
    },
  };
}

/** Reads a stream to its end. */
export async function readAll<T>(readable: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return items;
    items.push(value);
  }
}

/** Lets every pending promise job and timer of the pipeline run: a few macrotask turns. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Checks the layout every chunker output must have; returns the parts' bytes joined. */
export function checkPartLayout(
  parts: readonly LayerPart[],
  partSize: number,
  startOffset: number,
): Uint8Array {
  let expectedFirst = startOffset;
  parts.forEach((part, i) => {
    if (part.partFirstByte !== expectedFirst) throw new Error(`part ${i} starts at ${part.partFirstByte}`);
    if (part.partLastByte - part.partFirstByte + 1 !== part.bytes.length) throw new Error(`part ${i} length`);
    const isLast = i === parts.length - 1;
    if (isLast ? part.bytes.length < 1 || part.bytes.length > partSize : part.bytes.length !== partSize) {
      throw new Error(`part ${i} has ${part.bytes.length} bytes, partSize ${partSize}`);
    }
    if (part.hashState.length !== part.partLastByte + 1) throw new Error(`part ${i} hashState.length`);
    expectedFirst = part.partLastByte + 1;
  });
  return concatBytes(parts.map((p) => p.bytes));
}

/**
 * Index of the first byte where `a` and `b` differ (the shorter length if one is a prefix of the other), or -1
 * when they are equal. `expect(x).toEqual(y)` walks typed arrays element by element and prints whole arrays on
 * failure: far too slow and large for layers of several MiB.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

/**
 * Reads a stream until it ends or errors, keeping what came before the error. (Tests drain erroring streams with a
 * reader, not `pipeTo`: workerd reports a spurious unhandled rejection when a piped source errors.)
 */
export async function readUntilError<T>(
  readable: ReadableStream<T>,
): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { items, error: undefined };
      items.push(value);
    }
  } catch (error) {
    return { items, error };
  }
}
