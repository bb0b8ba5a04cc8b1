import { CatalogRules } from '../catalog/catalogRules.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import { SerialQueue } from '../serialQueue.ts';
import {
  type CatalogHandle,
  type RegistryHosting,
  RegistryService,
  type UploadSettings,
} from '../service.ts';
import { type LayerCatalog, LayerUploadRules } from '../uploads/layerUploadRules.ts';
import { MemoryBlobStore } from './blobStore.ts';
import { MemoryCatalogStore } from './catalogStore.ts';
import { MemoryUploadStore } from './uploadStore.ts';

/** How a memory host is set up; every member has a default. */
export interface MemoryHostOptions {
  /** Where layer bytes go; a fresh MemoryBlobStore by default. */
  blobs?: BlobStore;
  /** The clock of expiry and of the layer sweep; `Date.now` by default. */
  now?: () => number;
  /** See CatalogOptions; seven days by default. */
  unreferencedLayerGraceSeconds?: number | null;
  /** See CatalogOptions; hourly by default. */
  lifecycleIntervalSeconds?: number;
}

interface HostedCatalog {
  store: MemoryCatalogStore;
  rules: CatalogRules;
}

/** Wraps every method of `target` so calls run one at a time on `queue`. */
function serialised<T extends object>(target: T, queue: SerialQueue): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => queue.run(() => value.apply(object, args));
    },
  });
}

interface HostedUpload {
  store: MemoryUploadStore;
  rules: LayerUploadRules;
}

/**
 * The registry hosted in process, as the Durable Objects host it on Cloudflare: one catalog per registry and
 * one upload state per upload id, each behind a queue that serialises its calls.
 * @example
 * const host = new MemoryHost();
 * const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 86_400 });
 */
export class MemoryHost implements RegistryHosting {
  /** Where layer bytes go. */
  readonly blobs: BlobStore;
  private readonly now: () => number;
  private readonly grace: number | null | undefined;
  private readonly lifecycleInterval: number | undefined;
  private readonly catalogs = new Map<string, HostedCatalog>();
  private readonly uploads = new Map<string, HostedUpload>();

  constructor(options: MemoryHostOptions = {}) {
    this.blobs = options.blobs ?? new MemoryBlobStore();
    this.now = options.now ?? Date.now;
    this.grace = options.unreferencedLayerGraceSeconds;
    this.lifecycleInterval = options.lifecycleIntervalSeconds;
  }

  /** The registry service of one registry. */
  registry(registryId: string, settings: UploadSettings): RegistryService {
    return new RegistryService(registryId, this, settings);
  }

  catalog(registryId: string): CatalogHandle & LayerCatalog {
    let catalog = this.catalogs.get(registryId);
    if (!catalog) {
      const store = new MemoryCatalogStore();
      const options = {
        now: this.now,
        ...(this.grace !== undefined && { unreferencedLayerGraceSeconds: this.grace }),
        ...(this.lifecycleInterval !== undefined && { lifecycleIntervalSeconds: this.lifecycleInterval }),
      };
      const rules = new CatalogRules(registryId, store, this.blobs, options);
      catalog = { store, rules: serialised(rules, new SerialQueue()) };
      this.catalogs.set(registryId, catalog);
    }
    return catalog.rules;
  }

  upload(uploadId: string): LayerUploadRules {
    return this.hosted(uploadId).rules;
  }

  /** The state of an upload, for tests that look inside or roll it back. */
  uploadStore(uploadId: string): MemoryUploadStore | undefined {
    return this.uploads.get(uploadId)?.store;
  }

  /** The ids of the uploads that still hold state. */
  async openUploads(): Promise<string[]> {
    const open: string[] = [];
    for (const [id, { store }] of this.uploads) if (await store.read()) open.push(id);
    return open;
  }

  /** Wakes every upload and catalog whose wake-up is due, as Durable Object alarms do. */
  async runDueWakeUps(): Promise<void> {
    for (const { store, rules } of this.catalogs.values()) {
      const at = store.wakeTime;
      if (at === null || at > this.now()) continue;
      store.clearWakeUp();
      await rules.wake();
    }
    for (const { store, rules } of this.uploads.values()) {
      const at = store.wakeTime;
      if (at !== null && at <= this.now()) await rules.expire();
    }
  }

  private hosted(uploadId: string): HostedUpload {
    let hosted = this.uploads.get(uploadId);
    if (!hosted) {
      const store = new MemoryUploadStore();
      const rules = new LayerUploadRules(store, this.blobs, (id) => this.catalog(id), this.now);
      hosted = { store, rules: serialised(rules, new SerialQueue()) };
      this.uploads.set(uploadId, hosted);
    }
    return hosted;
  }
}
