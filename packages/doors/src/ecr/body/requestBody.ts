import { EcrError, MAX_IMAGE_MANIFEST_LENGTH } from '@edgecr/protocol';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { BodyStreams, ChunkReader } from '../../body/bodyStreams.ts';
import { readBounded } from '../../body/readBounded.ts';

/**
 * The largest body any operation but UploadLayerPart can legally have: PutImage's manifest, each character
 * escaped by JSON as `\uXXXX` at worst, plus the other members.
 */
const MAX_BODY_BYTES = MAX_IMAGE_MANIFEST_LENGTH * 6 + 64 * 1024;

/** Errors answered while the client may still be sending the body: their responses close the connection. */
const answeredUnread = new WeakSet<EcrError>();

/**
 * Marks `error` as answered before the body was read to its end. A client still sending would otherwise see
 * the connection reset instead of the answer; `Connection: close` tells it the answer is complete and final.
 */
export function unread(error: EcrError): EcrError {
  answeredUnread.add(error);
  return error;
}

/** Whether {@link unread} marked `error`. */
export function isUnread(error: EcrError): boolean {
  return answeredUnread.has(error);
}

function tooLarge(length: number, limit: number): EcrError {
  return unread(
    new EcrError(
      'RequestEntityTooLargeException',
      `The request body is ${length} bytes; at most ${limit} are accepted`,
    ),
  );
}

/** The body's declared length (`null` when unknown). */
export function contentLength(request: Request): number | null {
  const header = request.headers.get('content-length');
  return header === null ? null : Number(header);
}

/** A request body hashed with SHA-256 as it is read, for the SigV4 payload hash. */
export interface HashedBody extends ChunkReader {
  /** The hex SHA-256 of the body; settles once it has been read to its end. */
  sha256: Promise<string>;
  /**
   * Reads and hashes whatever is left, after a reader gave up midway, as long as the whole body stays within
   * `limit` bytes. Nothing is kept, so the cost is time only.
   * @returns whether the body was read to its end (false: it passed `limit` and was left unread).
   */
  drain(limit: number): Promise<boolean>;
}

/** The size of the pieces a body is read in: workerd delivers it in 4 KiB pieces unless asked for more. */
const READ_BYTES = 1024 * 1024;

/**
 * Hashes the body as it is read, each chunk hashed in the reader's own loop. Not a `TransformStream` (every
 * chunk through JavaScript queues: 3x the cost in the stage bench) nor `tee()` (slower still, and a branch
 * read slower than the other buffers the body without bound). The body is read 1 MiB at a time: the read,
 * the hash and the parser after it then take one turn per MiB instead of one per 4 KiB piece (half the
 * read's time in the stage bench, with workerd's BYOB reader and native SHA-256: the Worker's BodyStreams).
 */
export function hashBody(request: Request, streams: BodyStreams): HashedBody {
  const hash = streams.sha256();
  const reader = request.body ? streams.chunks(request.body, READ_BYTES) : undefined;
  let ended = false;
  let settle: (hex: Promise<string>) => void = () => undefined;
  const sha256 = new Promise<string>((resolve) => {
    settle = resolve;
  });
  sha256.catch(() => undefined);
  const end = () => {
    ended = true;
    settle(hash.digest());
  };
  if (!reader) end();
  let received = 0;
  const read = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    if (ended || !reader) return { done: true, value: undefined };
    const { done, value } = await reader.read();
    if (!done) {
      received += value.length;
      await hash.write(value);
    }
    // Fewer bytes than asked for only at the end of the body.
    if (done || value.length < READ_BYTES) end();
    return done ? { done: true, value: undefined } : { done: false, value };
  };
  return {
    read,
    sha256,
    cancel: async (reason) => {
      ended = true;
      await reader?.cancel(reason);
    },
    async drain(limit) {
      while (!ended) {
        if (received > limit) return false;
        await read();
      }
      return true;
    },
  };
}

/**
 * Reads a body of bounded size whole: its bytes, hashed. A body without a declared length is counted as it
 * arrives and refused as soon as it passes the bound, never buffered past it.
 */
export async function readBody(request: Request): Promise<{ bytes: Uint8Array; sha256: string }> {
  const bytes = await readBounded(request, MAX_BODY_BYTES, (length) => tooLarge(length, MAX_BODY_BYTES));
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
