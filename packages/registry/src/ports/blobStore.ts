import { MiB } from '@edgecr/protocol';

/** One part of a multipart upload, as the store acknowledged it; completion lists them all. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** A byte range of a stored object. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** A stored object's bytes (the whole object, or the range asked for). */
export interface StoredObject {
  /** The object's full size, whatever range was read. */
  size: number;
  body: ReadableStream<Uint8Array>;
}

/**
 * Where layer bytes live: an object store with S3-style multipart uploads (R2 in the Worker, memory in tests;
 * an S3-compatible store fits the same shape). Keys are the registry's; the store never interprets them.
 *
 * Multipart rules the registry relies on, and so every adapter must honour (the conformance suite checks
 * them): every part but the last is at least 5 MiB; a part number written again replaces the earlier bytes;
 * completion joins the listed parts in part-number order.
 */
export interface BlobStore {
  /** Starts a multipart upload of `key`; returns its id. */
  createMultipart(key: string): Promise<string>;
  /** Writes one part (the bytes are read before the promise settles; the caller may reuse them after). */
  uploadPart(key: string, multipartId: string, partNumber: number, bytes: Uint8Array): Promise<UploadedPart>;
  /** Joins the parts into the object `key`. */
  completeMultipart(key: string, multipartId: string, parts: UploadedPart[]): Promise<void>;
  /**
   * Drops a multipart upload and every part written to it. One already completed or aborted is left as it is
   * (R2 does so), so an abort sent again after a lost answer succeeds, and a completed object stays.
   */
  abortMultipart(key: string, multipartId: string): Promise<void>;
  /** Stores a small object in one write. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The object's bytes, or a range of them; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredObject | null>;
  /** The object's size, or null when there is no such object. */
  head(key: string): Promise<{ size: number } | null>;
  /** Deletes objects; keys that do not exist are passed over. */
  delete(keys: string[]): Promise<void>;
}

/** The smallest part a multipart upload accepts, but for the last (R2 and S3 both: 5 MiB). */
export const MIN_MULTIPART_PART_BYTES = 5 * MiB;
