/**
 * The browser's {@link StateStore}: IndexedDB, which outlives reloads and browser restarts and, unlike
 * localStorage, is asynchronous and not limited to strings.
 * @module
 */
import type { StateStore, UploadRecord } from './stateStore.ts';

const STORE = 'uploads';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () =>
      reject(transaction.error ?? new DOMException('Transaction aborted', 'AbortError'));
  });
}

/**
 * A {@link StateStore} in an IndexedDB database (one object store of records by key). The database opens on
 * first use.
 * @param factory The `IDBFactory`; `globalThis.indexedDB` by default.
 * @example
 * const store = new IndexedDbStateStore('edgecr-uploads');
 */
export class IndexedDbStateStore implements StateStore {
  readonly #name: string;
  readonly #factory: IDBFactory;
  #db: Promise<IDBDatabase> | undefined;

  constructor(name = 'edgecr-uploads', factory: IDBFactory = globalThis.indexedDB) {
    this.#name = name;
    this.#factory = factory;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.#factory.open(this.#name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: 'key' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close();
          this.#db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () =>
        reject(new DOMException('The upload database is blocked by another tab', 'InvalidStateError'));
    });
    this.#db.catch(() => {
      this.#db = undefined;
    });
    return this.#db;
  }

  async get(key: string): Promise<UploadRecord | undefined> {
    const db = await this.#open();
    return (await promised(db.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as
      | UploadRecord
      | undefined;
  }

  async put(record: UploadRecord): Promise<void> {
    const transaction = (await this.#open()).transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(record);
    await committed(transaction);
  }

  async delete(key: string): Promise<void> {
    const transaction = (await this.#open()).transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).delete(key);
    await committed(transaction);
  }

  async list(): Promise<UploadRecord[]> {
    const db = await this.#open();
    const records = (await promised(
      db.transaction(STORE, 'readonly').objectStore(STORE).getAll(),
    )) as UploadRecord[];
    return records.sort((a, b) => a.updatedAt - b.updatedAt);
  }

  /** Closes the database; the next call opens it again. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    await db?.then(
      (open) => open.close(),
      () => {},
    );
  }
}
