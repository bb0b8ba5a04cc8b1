/**
 * What survives a page reload: one record per unfinished layer upload, in a store the caller injects
 * (IndexedDB in browsers, memory in tests and Node programs).
 * @module
 */
import type { Sha256State } from '@edgecr/chunker';

/** What identifies the file an upload was reading, so a file chosen again can be recognised. */
export interface FileFingerprint {
  name: string;
  size: number;
  lastModified: number;
  /** How many bytes from the start of the file `headSha256` covers: the first part, or the whole file. */
  headBytes: number;
  /** Lowercase hex SHA-256 of the file's first `headBytes` bytes. */
  headSha256: string;
}

/** The saved state of an unfinished upload. Holds no credentials. */
export interface UploadRecord {
  /** {@link recordKey} of the endpoint, registry, repository and file. */
  key: string;
  endpoint: string;
  registryId: string;
  repositoryName: string;
  uploadId: string;
  /** The part size InitiateLayerUpload announced. */
  partSize: number;
  fingerprint: FileFingerprint;
  /** Bytes the endpoint has acknowledged: the next part starts here. */
  offset: number;
  /** The layer's SHA-256 state after `offset` bytes (its `length` is `offset`). */
  hashState: Sha256State;
  /** When the record was last written, in ms since the epoch. */
  updatedAt: number;
}

/**
 * Storage of {@link UploadRecord}s by key. Every implementation passes the shared conformance suite
 * (`@edgecr/client/conformance`, `src/conformance/stateStore.ts`).
 */
export interface StateStore {
  get(key: string): Promise<UploadRecord | undefined>;
  /** Inserts or replaces the record with the same key. */
  put(record: UploadRecord): Promise<void>;
  /** Deletes the record; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every record, oldest update first. */
  list(): Promise<UploadRecord[]>;
}

/**
 * The key of an upload's record: the same endpoint, registry, repository and file (name, size and
 * modification time) give the same key. The file's content is checked separately, by the head hash.
 * @example
 * recordKey({ endpoint, registryId: '', repositoryName: 'app', name: 'layer.tar', size: 1024, lastModified: 0 });
 */
export function recordKey(parts: {
  endpoint: string;
  registryId: string;
  repositoryName: string;
  name: string;
  size: number;
  lastModified: number;
}): string {
  return JSON.stringify([
    parts.endpoint,
    parts.registryId,
    parts.repositoryName,
    parts.name,
    parts.size,
    parts.lastModified,
  ]);
}

/**
 * A {@link StateStore} in memory: for tests, and for programs that need no resume across restarts. Records are
 * copied in and out, as IndexedDB's structured clone does.
 * @example
 * const store = new MemoryStateStore();
 */
export class MemoryStateStore implements StateStore {
  readonly #records = new Map<string, UploadRecord>();

  async get(key: string): Promise<UploadRecord | undefined> {
    const record = this.#records.get(key);
    return record && structuredClone(record);
  }

  async put(record: UploadRecord): Promise<void> {
    this.#records.set(record.key, structuredClone(record));
  }

  async delete(key: string): Promise<void> {
    this.#records.delete(key);
  }

  async list(): Promise<UploadRecord[]> {
    return [...this.#records.values()]
      .map((record) => structuredClone(record))
      .sort((a, b) => a.updatedAt - b.updatedAt);
  }
}
