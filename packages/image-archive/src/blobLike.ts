/**
 * What the reader needs of an archive's bytes: a `Blob`'s random access. A browser `File`, a Node
 * `fs.openAsBlob` Blob and any `Blob` fit; so does a wrapper that counts or synthesises bytes.
 * @module
 */
import { formatSha256Digest } from '@edgecr/chunker';

/**
 * The part of the `Blob` interface the reader uses. Slices are taken, never copied, so a blob handed to the
 * upload engine still streams from the file.
 */
export interface BlobLike {
  readonly size: number;
  slice(start?: number, end?: number): BlobLike;
  arrayBuffer(): Promise<ArrayBuffer>;
  stream(): ReadableStream<Uint8Array>;
}

/** Reads `length` bytes at `offset` (fewer at the end of the blob). */
export async function readRange(blob: BlobLike, offset: number, length: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
}

/** `sha256:<hex>` of `bytes`, through WebCrypto (only for the small JSON documents the reader parses). */
export async function sha256Digest(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return formatSha256Digest(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}
