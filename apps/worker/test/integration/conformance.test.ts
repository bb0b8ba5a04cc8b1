// The Cloudflare adapters (R2 BlobStore, SQLite UploadStore and CatalogStore, the Durable Object hosting)
// against the registry core's conformance suite, in workerd with real local R2 and Durable Objects.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { registryService } from '@edgecr/doors';
import { runConformance } from '@edgecr/registry/conformance';
import { expect } from 'vitest';
import { cloudflareHosting } from '../../src/adapters/cloudflareHosting.ts';
import { R2BlobStore } from '../../src/adapters/r2BlobStore.ts';
import { SqlCatalogStore } from '../../src/adapters/sqlCatalogStore.ts';
import { SqlUploadStore } from '../../src/adapters/sqlUploadStore.ts';
import { workerdBodyStreams } from '../../src/adapters/workerdBodyStreams.ts';
import { PART_SIZE, readSettings } from '../../src/config.ts';
import type { LayerUpload } from '../../src/hosts/layerUpload.ts';
import type { Registry } from '../../src/hosts/registry.ts';

const uploadObject = (uploadId: string) => env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
const registryObject = (registryId: string) => env.REGISTRY.get(env.REGISTRY.idFromName(registryId));
const endpoint = {
  hosting: cloudflareHosting(env),
  blobs: new R2BlobStore(env.LAYERS),
  bodies: workerdBodyStreams,
  settings: readSettings(env),
};

runConformance({
  blobStore: () => new R2BlobStore(env.LAYERS),
  withUploadStore: (fn) =>
    runInDurableObject(env.UPLOADS.get(env.UPLOADS.newUniqueId()), (_instance, state) =>
      fn(new SqlUploadStore(state.storage)),
    ),
  withCatalogStore: (fn) =>
    runInDurableObject(env.REGISTRY.get(env.REGISTRY.newUniqueId()), (_instance, state) =>
      fn(new SqlCatalogStore(state.storage)),
    ),
  registry: () => ({
    registry: (registryId) => registryService(endpoint, registryId),
    blobs: new R2BlobStore(env.LAYERS),
    partSize: PART_SIZE,
    inspect: (uploadId) => uploadObject(uploadId).inspect(),
    async expire(uploadId) {
      const stub = uploadObject(uploadId);
      // The TTL is a day: move the deadline into the past instead of waiting, then fire the alarm.
      await runInDurableObject(stub, (_instance: LayerUpload, state) => {
        state.storage.sql.exec(`UPDATE upload SET state = json_set(state, '$.expiresAt', 0)`);
      });
      await runDurableObjectAlarm(stub);
    },
    graceSeconds: endpoint.settings.unreferencedLayerGraceSeconds as number,
    lifecycleIntervalSeconds: endpoint.settings.lifecycleIntervalSeconds,
    async age(registryId, seconds) {
      const stub = registryObject(registryId);
      // Time cannot pass in workerd: the links are made older instead, then the alarm (the sweep) fires.
      await runInDurableObject(stub, (_instance: Registry, state) => {
        state.storage.sql.exec('UPDATE repository_layer SET linked_at = linked_at - ?', seconds * 1000);
        // Lifecycle times are epoch seconds in each record's JSON.
        for (const at of ['$.policySetAt', '$.lastEvaluatedAt']) {
          state.storage.sql.exec(
            `UPDATE lifecycle SET record = json_set(record, '${at}', json_extract(record, '${at}') - ?)
             WHERE json_extract(record, '${at}') IS NOT NULL`,
            seconds,
          );
        }
      });
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    },
  }),
});
