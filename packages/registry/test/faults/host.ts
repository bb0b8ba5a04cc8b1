// The registry hosted as the Durable Objects host it, with lives that end: one catalog object per registry
// and one object per upload, each a durable memory store (its SQLite) and, per life, rules over faulty
// ports behind a queue. A crash ends the life: the queue, the rules and whatever they held in memory (a
// part half streamed, a part in flight) are gone; the next call starts a new life over the same store, as
// a Durable Object restarts. The BlobStore (R2) is shared and keeps every call that landed.
import {
  type CatalogHandle,
  CatalogRules,
  type LayerCatalog,
  LayerUploadRules,
  MemoryBlobStore,
  MemoryCatalogStore,
  MemoryUploadStore,
  type RegistryHosting,
  SerialQueue,
  type UploadHandle,
} from '../../src/index.ts';
import { type CallSite, faultyBlobs, faultyCatalog, faultyUpload, rpc, type Written } from './ports.ts';
import { PART_SIZE } from './schedule.ts';
import { type FaultPlan, Life } from './sim.ts';

interface Incarnation<R> {
  life: Life;
  queue: SerialQueue;
  rules: R;
}

/** One hosted object: its durable store, and its current life. */
class HostedObject<S, R extends object> {
  private current: Incarnation<R> | null = null;

  constructor(
    readonly store: S,
    private readonly start: (life: Life) => R,
    /** What a new life does before any call (the Registry object's constructor schedules a lost sweep). */
    private readonly boot?: (rules: R) => Promise<void>,
  ) {}

  /** Ends the current life. */
  crash(): void {
    if (this.current) this.current.life.alive = false;
  }

  /** Calls a method of the rules, in the current life (started if there is none); no answer if it ends. */
  async call<T>(method: string, args: unknown[]): Promise<T> {
    const incarnation = this.incarnation();
    const rules = incarnation.rules as Record<string, (...args: unknown[]) => Promise<T>>;
    const result = await incarnation.queue.run(() =>
      (rules[method] as (...a: unknown[]) => Promise<T>)(...args),
    );
    incarnation.life.check();
    return result;
  }

  private incarnation(): Incarnation<R> {
    if (this.current?.life.alive) return this.current;
    const life = new Life();
    const incarnation = { life, queue: new SerialQueue(), rules: this.start(life) };
    this.current = incarnation;
    const { boot } = this;
    // As blockConcurrencyWhile in a constructor: first in the queue; a failure leaves it to the next life.
    if (boot) void incarnation.queue.run(() => boot(incarnation.rules)).catch(() => undefined);
    return incarnation;
  }
}

/** A handle whose every method is a call to the object's current life (an RPC stub). */
function stub<T>(object: Pick<HostedObject<unknown, object>, 'call'>): T {
  return new Proxy({} as object, {
    get: (_target, name) =>
      name === 'then' ? undefined : (...args: unknown[]) => object.call(String(name), args),
  }) as T;
}

/** The simulated hosting: RegistryHosting over crashable objects and one shared BlobStore. */
export class SimHost implements RegistryHosting {
  readonly blobs = new MemoryBlobStore(PART_SIZE);
  /** What was ever written to the BlobStore: where leaked bytes are looked for. */
  readonly written: Written = { keys: new Set(), multiparts: new Map(), recorded: new Set() };
  private readonly catalogs = new Map<string, HostedObject<MemoryCatalogStore, CatalogRules>>();
  private readonly uploads = new Map<string, HostedObject<MemoryUploadStore, LayerUploadRules>>();

  constructor(
    private readonly plan: FaultPlan,
    private readonly clock: { now: number },
    private readonly graceSeconds: number,
  ) {}

  catalog(registryId: string): CatalogHandle {
    return stub(this.catalogObject(registryId));
  }

  upload(uploadId: string): UploadHandle {
    return stub(this.uploadObject(uploadId));
  }

  /** Ends every object's life (a deploy). */
  restartAll(): void {
    for (const object of [...this.catalogs.values(), ...this.uploads.values()]) object.crash();
  }

  /** The durable catalog of a registry, for the invariants. */
  catalogStore(registryId: string): MemoryCatalogStore {
    return this.catalogObject(registryId).store;
  }

  /** Every upload id ever begun, with its durable state. */
  uploadStores(): [string, MemoryUploadStore][] {
    return [...this.uploads].map(([id, object]) => [id, object.store]);
  }

  /**
   * Fires every due wake-up as Durable Object alarms do: the catalog's sweep (retried later when it fails)
   * and each upload's expiry.
   * @returns The failures, for a caller that expects none.
   */
  async runDueWakeUps(): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (const object of this.catalogs.values()) {
      const at = object.store.wakeTime;
      if (at === null || at > this.clock.now) continue;
      object.store.clearWakeUp();
      await object.call('sweep', []).catch(async (error: unknown) => {
        failures.push(error);
        await object.store.wakeBy(at);
      });
    }
    for (const object of this.uploads.values()) {
      const at = object.store.wakeTime;
      if (at === null || at > this.clock.now) continue;
      await object.call('expire', []).catch((error: unknown) => void failures.push(error));
    }
    return failures;
  }

  private site(label: string, life: Life): CallSite {
    return {
      plan: this.plan,
      label,
      life,
      crash: (dying, everything) => {
        dying.alive = false;
        if (everything) this.restartAll();
      },
    };
  }

  private catalogObject(registryId: string): HostedObject<MemoryCatalogStore, CatalogRules> {
    let object = this.catalogs.get(registryId);
    if (!object) {
      const store = new MemoryCatalogStore();
      object = new HostedObject(
        store,
        (life) => {
          const site = this.site(`catalog ${registryId}`, life);
          return new CatalogRules(
            registryId,
            faultyCatalog(store, site),
            faultyBlobs(this.blobs, site, this.written),
            { now: () => this.clock.now, unreferencedLayerGraceSeconds: this.graceSeconds },
          );
        },
        async (rules) => {
          if (store.wakeTime === null) await rules.scheduleSweep();
        },
      );
      this.catalogs.set(registryId, object);
    }
    return object;
  }

  private uploadObject(uploadId: string): HostedObject<MemoryUploadStore, LayerUploadRules> {
    let object = this.uploads.get(uploadId);
    if (!object) {
      const store = new MemoryUploadStore();
      object = new HostedObject(store, (life) => {
        const site = this.site(`upload ${uploadId}`, life);
        return new LayerUploadRules(
          faultyUpload(store, site, this.written),
          faultyBlobs(this.blobs, site, this.written),
          (registryId) => this.layerCatalog(site, registryId),
          () => this.clock.now,
        );
      });
      this.uploads.set(uploadId, object);
    }
    return object;
  }

  /** The catalog as an upload object's life reaches it: by RPC. */
  private layerCatalog(site: CallSite, registryId: string): LayerCatalog {
    const catalog = this.catalogObject(registryId);
    return {
      hasLayer: (...args) => rpc(site, 'hasLayer', () => catalog.call('hasLayer', args)),
      registerLayer: (...args) => rpc(site, 'registerLayer', () => catalog.call('registerLayer', args)),
      objectInUse: (...args) => rpc(site, 'objectInUse', () => catalog.call('objectInUse', args)),
    };
  }
}
