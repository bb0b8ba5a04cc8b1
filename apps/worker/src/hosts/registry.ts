import { DurableObject } from 'cloudflare:workers';
import { CATALOG_METHODS, CatalogRules, LAYER_CATALOG_METHODS } from '@edgecr/registry';
import { type Outcome, serve } from '../adapters/outcome.ts';
import { R2BlobStore } from '../adapters/r2BlobStore.ts';
import { SqlCatalogStore } from '../adapters/sqlCatalogStore.ts';
import { readSettings, type WorkerSettings } from '../config.ts';

/**
 * How long a released object key stays known as released: an upload whose registration of it lost its answer
 * may ask again until the upload expires, at most one upload TTL after the registration (its deadline was set
 * by its last part, before). A second TTL covers an expiry alarm that fires late.
 */
function releasedRetentionMs(settings: WorkerSettings): number {
  return 2 * settings.uploadTtlSeconds * 1000;
}

/** What the object serves: the doors' catalog rules and the uploads'. */
const REGISTRY_METHODS = [...CATALOG_METHODS, ...LAYER_CATALOG_METHODS];

/**
 * Hosts one registry's catalog (named by the registry id): the core's CatalogRules over this object's SQLite
 * storage, images included. One object per registry makes every catalog change one serialisable transaction,
 * with the same consistency model as the uploads. Its alarm is the sweep of unreferenced layers and the run of lifecycle policies. Answers
 * travel as outcomes (see outcome.ts).
 */
export class Registry extends DurableObject<Env> {
  private readonly rules: CatalogRules;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const settings = readSettings(env);
    // One object per registry, named by its 12-digit id (`idFromName(registryId)`).
    this.rules = new CatalogRules(
      ctx.id.name as string,
      new SqlCatalogStore(ctx.storage, { releasedRetentionMs: releasedRetentionMs(settings) }),
      new R2BlobStore(env.LAYERS),
      {
        unreferencedLayerGraceSeconds: settings.unreferencedLayerGraceSeconds,
        lifecycleIntervalSeconds: settings.lifecycleIntervalSeconds,
      },
    );
    // A catalog from before the sweep or lifecycle policies (or whose alarm was lost) has no alarm: set it.
    void ctx.blockConcurrencyWhile(async () => {
      if ((await ctx.storage.getAlarm()) === null) await this.rules.schedule();
    });
  }

  /** The sweep of unreferenced layers, then the lifecycle policies that are due and previews in progress. */
  override async alarm(): Promise<void> {
    await this.rules.wake();
  }

  /** The one RPC: a catalog rule (of the listings) by name, with its arguments. */
  call(method: string, args: unknown[]): Promise<Outcome<unknown>> {
    return serve(this.rules, REGISTRY_METHODS, method, args);
  }
}
