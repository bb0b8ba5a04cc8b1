/**
 * The `layerPartBlob` member of an UploadLayerPart body, decoded from base64 as its text arrives: into one
 * buffer, or in sink-sized chunks for a sink. The JSON around it is read by uploadLayerPartBody.ts.
 * @module
 */

import { decodeBase64, EcrError, MAX_LAYER_PART_BYTES } from '@edgecr/protocol';

/** The member holding the part's bytes, in base64. */
export const BLOB_MEMBER = 'layerPartBlob';

/** Size of the chunks a streamed blob is handed on in. */
const SINK_CHUNK_BYTES = 1024 * 1024;

/** Takes the decoded blob, chunk by chunk; the returned promise is its backpressure. */
export interface BlobSink {
  write(chunk: Uint8Array): Promise<void>;
}

/** The error of a blob over ECR's largest part, as the model's length constraint words it. */
export function blobTooLarge(): EcrError {
  return new EcrError(
    'InvalidParameterException',
    `Invalid parameter at '${BLOB_MEMBER}' failed to satisfy constraint: 'must have length less than or equal to ${MAX_LAYER_PART_BYTES}'`,
  );
}

/** A body that is not the JSON UploadLayerPart takes: the error AWS JSON services answer it with. */
export function serializationError(message: string): EcrError {
  return new EcrError('SerializationException', message);
}

/** How a decoded blob ended: its bytes when they were buffered, else the length written to the sink. */
export type DecodedBlob = { bytes: Uint8Array } | { streamedLength: number };

/**
 * Decodes one blob's base64 text, fed in pieces as it arrives. Without a sink, the bytes go into one buffer
 * of `capacity` bytes; with one, they are gathered into sink-sized chunks (per-chunk costs downstream, RPC
 * and hashing, stay small) that {@link BlobDecoder.drain} writes.
 */
export class BlobDecoder {
  private readonly buffer: Uint8Array | undefined;
  private length = 0;
  /** Base64 characters past the last whole quantum of 4, kept for the next piece. */
  private carry = '';
  /** Decoded chunks waiting to be written to the sink (the parser feeding this is synchronous). */
  private pending: Uint8Array[] = [];
  private gather: Uint8Array | undefined;
  private gathered = 0;

  constructor(
    private readonly sink: BlobSink | undefined,
    private readonly capacity: number,
  ) {
    if (!sink) this.buffer = new Uint8Array(capacity);
  }

  /**
   * Decodes the next piece of the blob's text; `closed` when the closing quote came after it.
   * @returns How the blob ended, once closed.
   */
  write(piece: string, closed: boolean): DecodedBlob | undefined {
    let text = this.carry + piece;
    const whole = closed ? text.length : text.length - (text.length % 4);
    this.carry = text.slice(whole);
    text = text.slice(0, whole);
    if (text.length > 0) this.decode(text);
    if (!closed) return undefined;
    if (this.length > MAX_LAYER_PART_BYTES) throw blobTooLarge();
    if (this.buffer) return { bytes: this.buffer.subarray(0, this.length) };
    if (this.gather && this.gathered > 0) this.pending.push(this.gather.subarray(0, this.gathered));
    this.gather = undefined;
    return { streamedLength: this.length };
  }

  /** Writes the decoded chunks to the sink, waiting for it to take them (backpressure). */
  async drain(): Promise<void> {
    const chunks = this.pending;
    this.pending = [];
    for (const chunk of chunks) await this.sink?.write(chunk);
  }

  private decode(text: string): void {
    if (this.length + Math.ceil(text.length / 4) * 3 > this.capacity) throw blobTooLarge();
    let decoded: Uint8Array;
    try {
      decoded = decodeBase64(text);
    } catch {
      throw serializationError(`Member '${BLOB_MEMBER}' is not valid base64`);
    }
    if (this.buffer) this.buffer.set(decoded, this.length);
    else this.gatherForSink(decoded);
    this.length += decoded.length;
  }

  private gatherForSink(decoded: Uint8Array): void {
    let offset = 0;
    while (offset < decoded.length) {
      this.gather ??= new Uint8Array(SINK_CHUNK_BYTES);
      const taken = Math.min(SINK_CHUNK_BYTES - this.gathered, decoded.length - offset);
      this.gather.set(decoded.subarray(offset, offset + taken), this.gathered);
      this.gathered += taken;
      offset += taken;
      if (this.gathered === SINK_CHUNK_BYTES) {
        this.pending.push(this.gather);
        this.gather = undefined;
        this.gathered = 0;
      }
    }
  }
}
