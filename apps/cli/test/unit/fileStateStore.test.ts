import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The one conformance suite every StateStore passes, from the engine's tests.
import { record, stateStoreConformance } from '@edgecr/client/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveFingerprint, cacheDir, FileStateStore } from '../../src/fileStateStore.ts';

const folder = await mkdtemp(join(tmpdir(), 'edgecr-store-'));
let count = 0;
afterAll(() => rm(folder, { recursive: true, force: true }));

stateStoreConformance('FileStateStore', () => new FileStateStore(join(folder, `store-${++count}.json`)));

describe('FileStateStore', () => {
  it('keeps records across instances, as across runs, and removes the file once empty', async () => {
    const path = join(folder, 'runs', 'archive.json');
    await new FileStateStore(path).put(record('a'));
    const second = new FileStateStore(path);
    expect(await second.get('a')).toEqual(record('a'));
    await second.delete('a');
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('starts empty from a file that is not JSON (a damaged cache costs a fresh upload, not a failure)', async () => {
    const path = join(folder, 'damaged.json');
    await writeFile(path, '{"half');
    expect(await new FileStateStore(path).list()).toEqual([]);
  });
});

describe('archiveFingerprint and cacheDir', () => {
  it('tells archives apart by path, size and modification time', () => {
    const base = { path: '/a.tar', size: 1, mtimeMs: 2 };
    const names = [base, { ...base, path: '/b.tar' }, { ...base, size: 3 }, { ...base, mtimeMs: 4 }].map(
      archiveFingerprint,
    );
    expect(new Set(names).size).toBe(4);
    expect(archiveFingerprint(base)).toBe(archiveFingerprint({ ...base, mtimeMs: 2.7 }));
  });

  it('uses EDGECR_CACHE_DIR when set, else the platform cache folder', () => {
    expect(cacheDir({ EDGECR_CACHE_DIR: '/x' })).toBe('/x');
    expect(cacheDir({})).toMatch(/edgecr/);
  });
});
