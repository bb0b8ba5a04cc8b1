// Released object keys (the object_deletion rows) are kept while an upload may still register them, then go.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SqlCatalogStore } from '../../src/adapters/sqlCatalogStore.ts';
import type { Registry } from '../../src/hosts/registry.ts';

const RETENTION_MS = 60_000;

/** Runs `fn` on a catalog store over a fresh Registry object's storage, with a clock the test moves. */
function withStore(fn: (store: SqlCatalogStore, clock: { now: number }, sql: SqlStorage) => Promise<void>) {
  const stub = env.REGISTRY.get(env.REGISTRY.idFromName('999999999999'));
  return runInDurableObject(stub, async (_instance: Registry, state) => {
    const clock = { now: 1_000_000 };
    const store = new SqlCatalogStore(state.storage, {
      releasedRetentionMs: RETENTION_MS,
      now: () => clock.now,
    });
    await fn(store, clock, state.storage.sql);
  });
}

const released = (store: SqlCatalogStore, keys: string[]) =>
  store.transaction((t) => keys.map((key) => t.objectReleased(key)));

describe('pruning released object keys', () => {
  it('keeps a deleted key the retention, then a later deletion prunes it; queued keys stay', async () => {
    await withStore(async (store, clock) => {
      await store.transaction((t) => t.queueObjectDeletions(['layers/a', 'layers/b', 'layers/queued']));
      await store.transaction((t) => t.forgetObjectDeletions(['layers/a']));
      clock.now += RETENTION_MS;
      await store.transaction((t) => t.forgetObjectDeletions(['layers/b']));
      // Exactly the retention since a's deletion: still known.
      expect(await released(store, ['layers/a', 'layers/b', 'layers/queued'])).toEqual([true, true, true]);
      clock.now += 1;
      await store.transaction((t) => t.queueObjectDeletions(['layers/c']));
      await store.transaction((t) => t.forgetObjectDeletions(['layers/c']));
      expect(await released(store, ['layers/a', 'layers/b', 'layers/c', 'layers/queued'])).toEqual([
        false,
        true,
        true,
        true,
      ]);
      // A deletion not yet done is never pruned, however old: the sweep still owes it.
      clock.now += 10 * RETENTION_MS;
      await store.transaction((t) => t.queueObjectDeletions(['layers/d']));
      await store.transaction((t) => t.forgetObjectDeletions(['layers/d']));
      expect(await released(store, ['layers/b', 'layers/c', 'layers/queued'])).toEqual([false, false, true]);
      expect(await store.transaction((t) => t.queuedObjectDeletions(10))).toEqual(['layers/queued']);
    });
  });

  it('counts deletions recorded before their time was (deleted = 1) as done when the store opens', async () => {
    await withStore(async (_store, clock, sql) => {
      sql.exec("INSERT INTO object_deletion VALUES ('layers/old', 1)");
      const reopened = new SqlCatalogStore(
        { sql, transactionSync: (fn: () => unknown) => fn() } as unknown as DurableObjectStorage,
        { releasedRetentionMs: RETENTION_MS, now: () => clock.now },
      );
      await reopened.transaction((t) => t.forgetObjectDeletions([]));
      expect(await released(reopened, ['layers/old'])).toEqual([true]);
      clock.now += RETENTION_MS + 1;
      await reopened.transaction((t) => t.forgetObjectDeletions([]));
      expect(await released(reopened, ['layers/old'])).toEqual([false]);
    });
  });
});
