import { EcrError, MAX_IMAGE_MANIFEST_LENGTH } from '@edgecr/protocol';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The largest body any operation but UploadLayerPart can legally have: PutImage's manifest, each character
 * escaped by JSON as `\uXXXX` at worst, plus the other members.
 */
const MAX_BODY_BYTES = MAX_IMAGE_MANIFEST_LENGTH * 6 + 64 * 1024;

function tooLarge(length: number, limit: number): EcrError {
  return new EcrError(
    'RequestEntityTooLargeException',
    `The request body is ${length} bytes; at most ${limit} are accepted`,
  );
}

/** The body's declared length, refusing one over `limit` before a byte of it is read. */
export function declaredLength(request: Request, limit: number): number | null {
  const header = request.headers.get('content-length');
  const length = header === null ? null : Number(header);
  if (length !== null && length > limit) throw tooLarge(length, limit);
  return length;
}

/** A request body passed through SHA-256 on its way, for the SigV4 payload hash. */
export interface HashedBody {
  stream: ReadableStream<Uint8Array>;
  /** The hex SHA-256 of every byte read so far; settles once the stream has been read to its end. */
  sha256: Promise<string>;
  /** Reads and hashes whatever is left, after a reader gave up midway. */
  drain(): Promise<void>;
}

/** Hashes the body as it is read (WebCrypto's DigestStream: ~1 GB/s, no copy of the body). */
export function hashBody(request: Request): HashedBody {
  const digest = new crypto.DigestStream('SHA-256');
  const writer = digest.getWriter();
  const source =
    request.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  const stream = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        await writer.write(chunk);
        controller.enqueue(chunk);
      },
      async flush() {
        await writer.close();
      },
    }),
  );
  const sha256 = digest.digest.then((hash) => bytesToHex(new Uint8Array(hash)));
  sha256.catch(() => undefined);
  return {
    stream,
    sha256,
    async drain() {
      for await (const _ of stream) {
        // Only the hash is wanted.
      }
    },
  };
}

/**
 * Reads a body of bounded size whole: its bytes, hashed. A body without a declared length is counted as it
 * arrives and refused as soon as it passes the bound, never buffered past it.
 */
export async function readBody(request: Request): Promise<{ bytes: Uint8Array; sha256: string }> {
  declaredLength(request, MAX_BODY_BYTES);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request.body ?? []) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) throw tooLarge(length, MAX_BODY_BYTES);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const sha256 = bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  return { bytes, sha256 };
}

/** Parses a JSON body; an empty body is an empty object, as AWS treats it. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new EcrError('SerializationException', 'The request body is not valid JSON');
  }
}
