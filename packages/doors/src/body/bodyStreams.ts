import type { IncrementalSha256 } from '@edgecr/registry';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** What reads a body chunk by chunk. */
export interface ChunkReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Stops reading: the rest of the body is discarded. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * How the doors read request bodies: the runtime's fastest way to read a body in large chunks, to hash it as
 * it goes and to hand it on through a bounded pipe. workerd has native ones (BYOB `readAtLeast`, DigestStream,
 * IdentityTransformStream: the Worker's adapter); {@link portableBodyStreams} works anywhere.
 */
export interface BodyStreams {
  /** Reads `body` in chunks of `size` bytes; only the last may be shorter. */
  chunks(body: ReadableStream<Uint8Array>, size: number): ChunkReader;
  /** A fresh SHA-256. */
  sha256(): IncrementalSha256;
  /** A pipe that holds up to `bytes` between its writer and its reader (whose end may cross RPC). */
  pipe(bytes: number): ReadableWritablePair<Uint8Array, Uint8Array>;
  /**
   * A pipe of exactly `length` bytes, for a streamed response body the runtime then sends with that
   * `Content-Length` (an answer cut short is then seen as such by the client).
   */
  sized(length: number): ReadableWritablePair<Uint8Array, Uint8Array>;
}

/**
 * Web-standard body streams, for Node, browsers and tests: chunks gathered in JavaScript, SHA-256 by noble, a
 * TransformStream pipe.
 */
export const portableBodyStreams: BodyStreams = {
  chunks(body, size) {
    const reader = body.getReader();
    let held: Uint8Array | undefined;
    return {
      async read() {
        const parts: Uint8Array[] = held ? [held] : [];
        let length = held?.length ?? 0;
        held = undefined;
        while (length < size) {
          const { done, value } = await reader.read();
          if (done) break;
          parts.push(value);
          length += value.length;
        }
        if (length === 0) return { done: true, value: undefined };
        const joined = join(parts, length);
        if (joined.length > size) held = joined.subarray(size);
        return { done: false, value: joined.subarray(0, size) };
      },
      cancel: (reason) => reader.cancel(reason),
    };
  },
  sha256() {
    const hash = sha256.create();
    return {
      async write(bytes) {
        hash.update(bytes);
      },
      async digest() {
        return bytesToHex(hash.digest());
      },
    };
  },
  pipe(bytes) {
    const strategy = { highWaterMark: bytes, size: (chunk: Uint8Array) => chunk.byteLength };
    return new TransformStream<Uint8Array, Uint8Array>({}, strategy, strategy);
  },
  // A Response elsewhere sends the Content-Length header it is given.
  sized: () => new TransformStream<Uint8Array, Uint8Array>(),
};

/** The parts, `length` bytes in all, as one array (the part itself when there is one). */
export function join(parts: Uint8Array[], length: number): Uint8Array<ArrayBuffer> {
  if (parts.length === 1 && parts[0]?.buffer instanceof ArrayBuffer)
    return parts[0] as Uint8Array<ArrayBuffer>;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * A body regrouped into chunks of `size` (1 MiB for the RPC to an upload object: a body arrives in 4 KiB
 * pieces, and each piece crossing RPC on its own costs more than its bytes).
 */
export function rechunked(
  streams: BodyStreams,
  body: ReadableStream<Uint8Array> | null,
  size: number,
): ReadableStream<Uint8Array> {
  if (body === null) return new ReadableStream({ start: (controller) => controller.close() });
  const reader = streams.chunks(body, size);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
