/**
 * The CLI's {@link StateStore}: one JSON file per archive in the user's cache folder, so the same command after
 * Ctrl-C (or a crash, or a lost connection) continues each layer from the last part the endpoint acknowledged.
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore, UploadRecord } from '@edgecr/client';
import envPaths from 'env-paths';

/**
 * The folder of saved uploads: `$EDGECR_CACHE_DIR`, or the platform's cache folder (`~/.cache/edgecr` on
 * Linux, `~/Library/Caches/edgecr` on macOS, `%LOCALAPPDATA%\edgecr\Cache` on Windows).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EDGECR_CACHE_DIR ?? envPaths('edgecr', { suffix: '' }).cache;
}

/**
 * What identifies an archive across runs: its absolute path, size and modification time, hashed into a file
 * name. A changed archive gets a new file (its old uploads expire on the endpoint).
 * @example
 * archiveFingerprint({ path: '/tmp/app.tar', size: 1024, mtimeMs: 1700000000000 });
 */
export function archiveFingerprint(file: { path: string; size: number; mtimeMs: number }): string {
  return createHash('sha256')
    .update(JSON.stringify([file.path, file.size, Math.trunc(file.mtimeMs)]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * A {@link StateStore} in one JSON file. Every write replaces the file atomically (write a temporary file,
 * then rename), so a run killed mid-write leaves the previous state, never half a file. One process uses a
 * file at a time (a push of one archive); writes within it are serialised.
 * @example
 * const store = new FileStateStore(join(cacheDir(), 'uploads', `${archiveFingerprint(stat)}.json`));
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  #records: Map<string, UploadRecord> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  /** The file the records live in. */
  get path(): string {
    return this.#path;
  }

  async get(key: string): Promise<UploadRecord | undefined> {
    const record = (await this.#load()).get(key);
    return record && structuredClone(record);
  }

  async put(record: UploadRecord): Promise<void> {
    (await this.#load()).set(record.key, structuredClone(record));
    await this.#save();
  }

  async delete(key: string): Promise<void> {
    if ((await this.#load()).delete(key)) await this.#save();
  }

  async list(): Promise<UploadRecord[]> {
    return [...(await this.#load()).values()]
      .map((record) => structuredClone(record))
      .sort((a, b) => a.updatedAt - b.updatedAt);
  }

  async #load(): Promise<Map<string, UploadRecord>> {
    if (!this.#records) {
      let records: UploadRecord[] = [];
      try {
        records = JSON.parse(await readFile(this.#path, 'utf8')) as UploadRecord[];
      } catch (error) {
        // No file yet, or one that is not ours any more: start with nothing (the uploads can start over).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError))
          throw error;
      }
      this.#records = new Map(records.map((r) => [r.key, r]));
    }
    return this.#records;
  }

  #save(): Promise<void> {
    const records = [...(this.#records ?? new Map()).values()];
    this.#writing = this.#writing.then(async () => {
      if (records.length === 0) {
        await rm(this.#path, { force: true });
        return;
      }
      const temporary = `${this.#path}.${process.pid}.tmp`;
      await mkdir(join(this.#path, '..'), { recursive: true });
      await writeFile(temporary, JSON.stringify(records));
      await rename(temporary, this.#path);
    });
    return this.#writing;
  }
}
