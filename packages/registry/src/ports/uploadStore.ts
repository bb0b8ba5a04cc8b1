import type { Sha256State, Sha512State } from '@edgecr/chunker';
import type { UploadedPart } from './blobStore.ts';

/** Who an upload belongs to; every call names it, and a mismatch is an unknown upload. */
export interface UploadRef {
  registryId: string;
  repositoryName: string;
  uploadId: string;
}

/**
 * How an upload takes parts, set by the door that opened it: ECR's UploadLayerPart refuses parts under 5 MiB
 * (but the last) and accepts the last part sent again; OCI chunks are raw bytes of any size, and a chunk
 * sent again overlaps what the upload holds, which the spec answers with 416.
 */
export interface PartPolicy {
  /** Every part but the last must be at least this long, or completion is refused. */
  minPartBytes: number;
  /** Whether the last part, sent again with the same range and bytes, is accepted once more. */
  acceptResend: boolean;
  /** Whether an upload of no bytes completes (OCI: an empty blob) or is refused (ECR: EmptyUploadException). */
  allowEmpty: boolean;
  /**
   * Whether the upload hashes its bytes with SHA-512 too, in the same pass (OCI: a client may name the blob by
   * a `sha512:` digest when it closes the upload, and not before; ECR's digests are sha256 only).
   */
  sha512: boolean;
}

/** The durable record of one layer upload: everything but the staged bytes and the part list. */
export interface UploadRecord extends UploadRef {
  /** Where the finished layer is stored in the BlobStore. */
  objectKey: string;
  /** Size of every BlobStore part but the last. */
  partSize: number;
  policy: PartPolicy;
  ttlSeconds: number;
  /** Epoch milliseconds after which the upload is abandoned. */
  expiresAt: number;
  /** The BlobStore multipart upload, created when the first full part is ready. */
  multipartId: string | null;
  /** Bytes accepted so far; the next part must start here. */
  received: number;
  /** Bytes at the end of the layer not yet in a BlobStore part (always < partSize). */
  staged: number;
  /** The layer's SHA-256 midstate after every byte received. */
  hash: Sha256State;
  /**
   * The layer's SHA-512 midstate after every byte received, kept by uploads an OCI door opened (its clients may
   * name the blob by a `sha512:` digest, and only at the end); absent on ECR's uploads, whose digests are sha256.
   */
  hash512?: Sha512State;
  /** The last accepted part and the layer's midstate before it, to recognise the same part sent again. */
  lastPart: { first: number; last: number; hashBefore: Sha256State } | null;
  /** A part other than the last was under the minimum: CompleteLayerUpload must refuse. */
  partTooSmall: boolean;
  /**
   * 'stored': the layer object is complete; only the catalog entry is left to write. 'released': the upload
   * was given up (unfinished, refused, or its layer found already stored) and its own bytes are going; no call
   * finds it, and its wake-up finishes the release if its host died part way.
   */
  phase: 'uploading' | 'stored' | 'released';
}

/** What accepting a part changes, written at once. */
export interface PartCommit {
  record: UploadRecord;
  /** BlobStore parts the part filled (a part number written again replaces the earlier etag). */
  parts: UploadedPart[];
  /** The new staged remainder (replaces the old one). */
  staged: Uint8Array;
}

/**
 * One upload's durable state (a Durable Object's SQLite in the Worker, memory in tests). Each call is atomic;
 * `commitPart` writes the record, the parts and the staged bytes in one transaction, so a crash leaves the
 * upload at the previous part or the next, never between. The host serialises calls on one upload.
 */
export interface UploadStore {
  /** The record, or null when there is no upload (never begun, or released). */
  read(): Promise<UploadRecord | null>;
  /** Writes the record alone. */
  write(record: UploadRecord): Promise<void>;
  /** The staged remainder, `record.staged` bytes. */
  readStaged(): Promise<Uint8Array>;
  /** The BlobStore parts written so far, in part-number order. */
  parts(): Promise<UploadedPart[]>;
  /** Accepts a part: record, new parts and staged remainder, atomically. */
  commitPart(commit: PartCommit): Promise<void>;
  /** Asks to be woken (`LayerUploadRules.expire`) at `at` epoch ms; replaces any earlier request. */
  wakeAt(at: number): Promise<void>;
  /** Forgets the upload: record, parts, staged bytes and wake-up. */
  clear(): Promise<void>;
}
