import { MAX_LAYER_PART_BYTES } from '@edgecr/protocol';
import type { ChunkReader } from '../../body/bodyStreams.ts';
import { BLOB_MEMBER, BlobDecoder, type BlobSink, serializationError } from './layerPartBlob.ts';

/** Budget for every member of the body except the blob: names, ids and numbers are a few hundred bytes. */
const MAX_OTHER_MEMBER_BYTES = 64 * 1024;

/**
 * Largest UploadLayerPart body that can be legal: the base64 of the largest blob plus room for the other
 * members. A longer body is refused from its Content-Length before a byte is read.
 */
export const MAX_UPLOAD_LAYER_PART_BODY_BYTES =
  Math.ceil(MAX_LAYER_PART_BYTES / 3) * 4 + MAX_OTHER_MEMBER_BYTES;

/** The members of an UploadLayerPart body; `layerPartBlob` holds the decoded bytes unless they were streamed. */
export type UploadLayerPartBody = Record<string, unknown>;

/**
 * Where the blob's bytes go when the members before it already say where the part belongs: called once when
 * the blob starts, with the members read so far. Returning a writer streams the decoded bytes to it (the
 * members then carry the blob's length as `layerPartBlobLength` instead of the bytes); returning undefined
 * keeps them in one buffer (the blob came before the members that place it).
 */
export type BlobSinkFactory = (membersBefore: Readonly<UploadLayerPartBody>) => BlobSink | undefined;

/** Member set instead of `layerPartBlob` when the blob was streamed to a sink. */
export const STREAMED_BLOB_LENGTH = 'layerPartBlobLength';

/**
 * Reads an UploadLayerPart JSON body from a stream and decodes `layerPartBlob` from base64 as the text
 * arrives, either straight to a sink (the usual case: SDKs write the blob last) or into one buffer. Holding a
 * 20 MiB part's body whole costs ~27 MB of bytes, as much again as a string and 20 MB decoded; streaming keeps
 * the peak at a network chunk, so parts in flight fit well inside a 128 MB isolate. The other members are
 * small and parsed with `JSON.parse`.
 * @param body The request body, or a reader of it (one that hashes it as it reads).
 * @param contentLength The declared length, used to size the blob buffer; `null` when unknown.
 * @param sinkFor Chooses where the blob goes once its position is known.
 * @returns The members.
 * @example
 * const members = await readUploadLayerPartBody(request.body, Number(request.headers.get('content-length')));
 */
export async function readUploadLayerPartBody(
  body: ReadableStream<Uint8Array> | ChunkReader,
  contentLength: number | null,
  sinkFor: BlobSinkFactory = () => undefined,
): Promise<UploadLayerPartBody> {
  const parser = new JsonObjectReader(contentLength, sinkFor);
  // Read without `for await`: leaving that loop on an error would cancel the body, and the caller may still
  // need the rest of it (to hash it for the signature check).
  const locked = body instanceof ReadableStream ? body.getReader() : undefined;
  const reader = locked ?? (body as ChunkReader);
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      parser.push(next.value);
      await parser.drain();
    }
  } finally {
    locked?.releaseLock();
  }
  return parser.finish();
}

enum Byte {
  Quote = 0x22,
  Backslash = 0x5c,
  Colon = 0x3a,
  Comma = 0x2c,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

type State =
  | 'start'
  | 'beforeKey'
  | 'key'
  | 'afterKey'
  | 'beforeValue'
  | 'value'
  | 'blob'
  | 'afterValue'
  | 'end';

/**
 * A push parser for one flat JSON object. Member values are captured as raw text and parsed on their own,
 * except the blob member, which is decoded in place. Nested values are captured whole (within the budget).
 */
class JsonObjectReader {
  private state: State = 'start';
  private readonly members: Record<string, unknown> = {};
  private readonly text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private raw: number[] = [];
  private rawTotal = 0;
  private key = '';
  private inString = false;
  private escaped = false;
  private depth = 0;
  private scalar = false;
  private blob: BlobDecoder | undefined;
  private readonly blobCapacity: number;

  constructor(
    contentLength: number | null,
    private readonly sinkFor: BlobSinkFactory,
  ) {
    // Base64 turns 3 bytes into 4 characters, so the body length bounds the decoded size.
    const bound = contentLength === null ? MAX_LAYER_PART_BYTES : Math.floor((contentLength * 3) / 4);
    this.blobCapacity = Math.min(bound, MAX_LAYER_PART_BYTES) + 3;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'blob') {
        i = this.pushBlob(chunk, i);
        continue;
      }
      const b = chunk[i] as number;
      if (this.state === 'value' && this.endsScalar(b)) {
        // The delimiter is not part of the value: end it and read the same byte again as what follows.
        this.endValue();
        continue;
      }
      i++;
      switch (this.state) {
        case 'start':
          if (isSpace(b)) break;
          if (b !== Byte.OpenBrace) throw serializationError('The request body must be a JSON object');
          this.state = 'beforeKey';
          break;
        case 'beforeKey':
          if (isSpace(b)) break;
          if (b === Byte.CloseBrace && Object.keys(this.members).length === 0) {
            this.state = 'end';
            break;
          }
          if (b !== Byte.Quote) throw serializationError('Expected a member name in the request body');
          this.startRaw(b);
          this.inString = true;
          this.state = 'key';
          break;
        case 'key':
          this.pushRaw(b);
          if (this.endOfString(b)) {
            this.key = this.parseRaw() as string;
            this.state = 'afterKey';
          }
          break;
        case 'afterKey':
          if (isSpace(b)) break;
          if (b !== Byte.Colon) throw serializationError('Expected ":" after a member name');
          this.state = 'beforeValue';
          break;
        case 'beforeValue':
          if (isSpace(b)) break;
          if (this.key === BLOB_MEMBER && b === Byte.Quote) {
            this.startBlob();
            break;
          }
          this.startRaw(b);
          this.inString = b === Byte.Quote;
          this.depth = b === Byte.OpenBrace || b === Byte.OpenBracket ? 1 : 0;
          this.scalar = !this.inString && this.depth === 0;
          this.state = 'value';
          break;
        case 'value':
          this.pushValueByte(b);
          break;
        case 'afterValue':
          if (isSpace(b)) break;
          if (b === Byte.Comma) this.state = 'beforeKey';
          else if (b === Byte.CloseBrace) this.state = 'end';
          else throw serializationError('Expected "," or "}" after a member value');
          break;
        case 'end':
          if (!isSpace(b)) throw serializationError('Unexpected data after the request body');
          break;
      }
    }
  }

  /** Writes the decoded blob chunks to the sink, waiting for it to take them (backpressure). */
  async drain(): Promise<void> {
    await this.blob?.drain();
  }

  finish(): UploadLayerPartBody {
    if (this.state !== 'end') throw serializationError('The request body is not complete JSON');
    return this.members;
  }

  private startRaw(b: number): void {
    this.raw = [];
    this.pushRaw(b);
  }

  private pushRaw(b: number): void {
    this.rawTotal++;
    if (this.rawTotal > MAX_OTHER_MEMBER_BYTES) {
      throw serializationError(
        `The request members other than '${BLOB_MEMBER}' exceed ${MAX_OTHER_MEMBER_BYTES} bytes`,
      );
    }
    this.raw.push(b);
  }

  private parseRaw(): unknown {
    try {
      return JSON.parse(this.text.decode(Uint8Array.from(this.raw)));
    } catch {
      throw serializationError('The request body is not valid JSON');
    }
  }

  /** Tracks string and nesting state so a value ends at the right byte. */
  private pushValueByte(b: number): void {
    this.pushRaw(b);
    if (this.scalar) return;
    if (this.inString) {
      if (this.endOfString(b)) {
        this.inString = false;
        if (this.depth === 0) this.endValue();
      }
      return;
    }
    if (b === Byte.Quote) this.inString = true;
    else if (b === Byte.OpenBrace || b === Byte.OpenBracket) this.depth++;
    else if (b === Byte.CloseBrace || b === Byte.CloseBracket) {
      this.depth--;
      if (this.depth === 0) this.endValue();
    }
  }

  private endOfString(b: number): boolean {
    if (this.escaped) {
      this.escaped = false;
      return false;
    }
    if (b === Byte.Backslash) {
      this.escaped = true;
      return false;
    }
    return b === Byte.Quote && this.raw.length > 1;
  }

  /** A number or literal has no closing byte of its own: it ends at the first delimiter after it. */
  private endsScalar(b: number): boolean {
    return this.scalar && (isSpace(b) || b === Byte.Comma || b === Byte.CloseBrace);
  }

  private endValue(): void {
    this.members[this.key] = this.parseRaw();
    this.state = 'afterValue';
  }

  private startBlob(): void {
    if (this.blob) throw serializationError(`Member '${BLOB_MEMBER}' appears twice`);
    this.blob = new BlobDecoder(this.sinkFor(this.members), this.blobCapacity);
    this.state = 'blob';
  }

  /** Decodes the blob's base64 from `chunk[start..]` up to its closing quote; returns where it stopped. */
  private pushBlob(chunk: Uint8Array, start: number): number {
    let end = chunk.indexOf(Byte.Quote, start);
    const closed = end !== -1;
    if (!closed) end = chunk.length;
    if (chunk.subarray(start, end).includes(Byte.Backslash)) {
      throw serializationError(`Member '${BLOB_MEMBER}' must be a base64 string without escapes`);
    }
    const piece = this.text.decode(chunk.subarray(start, end), { stream: true });
    const decoded = (this.blob as BlobDecoder).write(piece, closed);
    if (!decoded) return end;
    if ('bytes' in decoded) this.members[BLOB_MEMBER] = decoded.bytes;
    else this.members[STREAMED_BLOB_LENGTH] = decoded.streamedLength;
    this.state = 'afterValue';
    return end + 1;
  }
}
