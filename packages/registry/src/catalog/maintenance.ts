/**
 * The catalog's upkeep: the host's wake-up (lifecycle policies, then the layer sweep), the wake-ups the
 * catalog asks its host for, and the reclaiming of the bytes of blobs a committed transaction released.
 * @module
 */

import type { CatalogContext } from './context.ts';
import { DELETE_BATCH, deleteObjects } from './orphans.ts';
import { sweepLinks } from './sweep.ts';

/**
 * Deletes the bytes of blobs a committed transaction released and queued, then forgets them. A failure
 * leaves them queued, asks for a wake-up (the sweep deletes them) and is thrown.
 */
async function deleteReleased(ctx: CatalogContext, objectKeys: string[]): Promise<void> {
  if (objectKeys.length === 0) return;
  try {
    await deleteObjects(ctx.blobs, objectKeys);
    await ctx.store.transaction((tables) => tables.forgetObjectDeletions(objectKeys));
  } catch (error) {
    await ctx.store.wakeBy(ctx.now()).catch(() => undefined);
    throw error;
  }
}

/**
 * Reclaims the bytes a deletion just committed on a request released (DeleteRepository, a blob DELETE). The
 * deletion happened, so a blob store that fails now does not fail the request: the failure is logged, the
 * bytes stay queued and the wake-up it asked for deletes them (the sweep's own failures are thrown, so its
 * host tries again).
 */
export async function reclaim(ctx: CatalogContext, objectKeys: string[]): Promise<void> {
  try {
    await deleteReleased(ctx, objectKeys);
  } catch (error) {
    console.warn(`${objectKeys.length} released objects left to the sweep`, String(error));
  }
}

/** Asks for the sweep of a layer linked at `linkedAt` (epoch ms), in case no image comes to reference it. */
export async function sweepLater(ctx: CatalogContext, linkedAt: number): Promise<void> {
  if (ctx.graceMs !== null) await ctx.store.wakeBy(linkedAt + ctx.graceMs);
}

/**
 * Asks for a wake-up: now while object deletions are queued, else when the oldest unreferenced link passes
 * the grace period (none: no wake-up).
 */
export async function scheduleSweep(ctx: CatalogContext): Promise<void> {
  const { queued, oldest } = await ctx.store.transaction((tables) => ({
    queued: tables.queuedObjectDeletions(1).length > 0,
    oldest: tables.unreferencedLinks(1)[0],
  }));
  if (queued) await ctx.store.wakeBy(ctx.now());
  else if (oldest && ctx.graceMs !== null) {
    await ctx.store.wakeBy(Math.max(oldest.linkedAt + ctx.graceMs, ctx.now()));
  }
}

/**
 * The layer sweep: unlinks the layers no image references that were linked longer than the
 * grace period ago, deletes the bytes no repository holds any more (rows first, as deleteRepository), and
 * asks for the next wake-up. A layer pushed just before its image is younger than the grace, so it stays.
 */
export async function sweep(ctx: CatalogContext): Promise<void> {
  // First the bytes a deletion left behind (its host died, or the blob store failed, after the commit).
  await deleteReleased(
    ctx,
    await ctx.store.transaction((tables) => tables.queuedObjectDeletions(DELETE_BATCH)),
  );
  const { graceMs } = ctx;
  if (graceMs !== null) {
    const cutoff = ctx.now() - graceMs;
    await deleteReleased(ctx, await ctx.store.transaction((tables) => sweepLinks(tables, cutoff)));
  }
  await scheduleSweep(ctx);
}

/**
 * The host's wake-up (the Registry object's alarm): the lifecycle policies, then the layer sweep, which so
 * schedules itself for the layers the policies' deletions left unreferenced.
 */
export async function wake(ctx: CatalogContext): Promise<void> {
  await ctx.lifecycle.run();
  await sweep(ctx);
}

/** Asks for the wake-ups the catalog needs, for a host starting up with none set. */
export async function schedule(ctx: CatalogContext): Promise<void> {
  await scheduleSweep(ctx);
  await ctx.lifecycle.schedule();
}
