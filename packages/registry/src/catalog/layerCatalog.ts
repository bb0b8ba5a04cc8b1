/**
 * The catalog's side of layers: what the ECR door's layer checks, the OCI door's blob routes (mounts,
 * deletes) and the uploads (LayerCatalog) reach. Each runs a layer rule of layers.ts in one transaction, then
 * asks for the sweep of a new link or reclaims released bytes.
 * @module
 */

import type { BatchCheckLayerAvailabilityResponse } from '@edgecr/protocol';
import { canonicalDigest } from '../images/store.ts';
import type { CatalogContext } from './context.ts';
import * as rules from './layers.ts';
import { reclaim, sweepLater } from './maintenance.ts';
import type { LayerDeletion, LayerRecord, Registration, RepositoryLayer } from './records.ts';

/**
 * Whether the repository already holds the layer (then CompleteLayerUpload answers it already exists), by
 * its sha256 digest or a known alias.
 */
export function hasLayer(ctx: CatalogContext, repositoryName: string, digest: string): Promise<boolean> {
  return ctx.store.transaction((tables) => tables.linked(repositoryName, canonicalDigest(tables, digest)));
}

/**
 * Puts a stored layer in a repository. If another repository already has the same bytes, the repository is
 * linked to that blob and the caller deletes its own copy ('linked'): one copy per digest, and no copying.
 * `alias`, the layer's sha512 digest its client named it by, is recorded first: a repository that already
 * held the layer ('present', the caller deletes its copy and answers it already exists) learns that name too.
 */
export async function registerLayer(
  ctx: CatalogContext,
  repositoryName: string,
  layer: LayerRecord,
  alias?: string,
): Promise<Registration> {
  const linkedAt = ctx.now();
  const registration = await ctx.layers(repositoryName, (tables) =>
    rules.linkLayer(tables, repositoryName, layer, alias, linkedAt),
  );
  if (registration === 'created' || registration === 'linked') await sweepLater(ctx, linkedAt);
  return registration;
}

/** BatchCheckLayerAvailability for one repository. */
export function checkLayers(
  ctx: CatalogContext,
  repositoryName: string,
  digests: string[],
): Promise<BatchCheckLayerAvailabilityResponse> {
  return ctx.layers(repositoryName, (tables) => rules.checkLayers(tables, repositoryName, digests));
}

/** The stored layer, if the repository holds it, and whether an image of it references it. */
export function findLayer(
  ctx: CatalogContext,
  repositoryName: string,
  digest: string,
): Promise<RepositoryLayer | null> {
  return ctx.layers(repositoryName, (tables) => rules.findLayer(tables, repositoryName, digest));
}

/**
 * Links a blob repository `from` holds into `repositoryName` (an OCI mount), copying nothing.
 * @returns Whether `repositoryName` holds the blob now; false when `from` does not exist or lacks it.
 */
export async function mountLayer(
  ctx: CatalogContext,
  repositoryName: string,
  named: string,
  from: string,
): Promise<boolean> {
  const linkedAt = ctx.now();
  const mounted = await ctx.layers(repositoryName, (tables) =>
    rules.mountLayer(tables, repositoryName, named, from, linkedAt),
  );
  // A mounted layer is a new link like an uploaded one: the sweep reclaims it if no image comes to use it.
  if (mounted === 'linked') await sweepLater(ctx, linkedAt);
  return mounted !== 'absent';
}

/** A page of the repositories holding a blob, in name order. */
export function layerHolders(
  ctx: CatalogContext,
  named: string,
  after: string,
  limit: number,
): Promise<string[]> {
  return ctx.store.transaction((tables) => rules.layerHolders(tables, named, after, limit));
}

/**
 * Takes a blob out of a repository (an OCI blob `DELETE`): the repository's link goes, and the bytes once no
 * repository holds them (rows first, then the blob store, as deleteRepository). A blob an image of the
 * repository references is refused ('referenced'): deleting it would break that image.
 */
export async function deleteLayer(
  ctx: CatalogContext,
  repositoryName: string,
  digest: string,
): Promise<LayerDeletion> {
  const { deletion, orphan } = await ctx.layers(repositoryName, (tables) =>
    rules.deleteLayer(tables, repositoryName, digest),
  );
  if (orphan) await reclaim(ctx, [orphan]);
  return deletion;
}

/** Whether any blob is stored under the key (an upload's expiry must not delete catalogued bytes). */
export function objectInUse(ctx: CatalogContext, objectKey: string): Promise<boolean> {
  return ctx.store.transaction((tables) => tables.blobAt(objectKey));
}
