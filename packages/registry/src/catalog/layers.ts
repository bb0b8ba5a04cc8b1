import { type BatchCheckLayerAvailabilityResponse, SHA256_DIGEST } from '@edgecr/protocol';
import { canonicalDigest } from '../images/store.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';
import { releaseBlob } from './orphans.ts';
import type { LayerDeletion, LayerRecord, Registration, RepositoryLayer } from './records.ts';

// The layer rules: which repository holds which content-addressed blob. Each function is the body of one
// catalog transaction (layerCatalog.ts opens it, checks the repository exists, and does the I/O after it).

/** The stored layer, if the repository holds it (by its sha256 digest). */
function layerIn(tables: CatalogTransaction, repositoryName: string, digest: string): LayerRecord | null {
  return tables.linked(repositoryName, digest) ? tables.blob(digest) : null;
}

/** BatchCheckLayerAvailability for one repository: malformed and missing digests are per-digest failures. */
export function checkLayers(
  tables: CatalogTransaction,
  repositoryName: string,
  digests: string[],
): BatchCheckLayerAvailabilityResponse {
  const result: Required<BatchCheckLayerAvailabilityResponse> = { layers: [], failures: [] };
  for (const layerDigest of digests) {
    if (!SHA256_DIGEST.test(layerDigest)) {
      result.failures.push({
        layerDigest,
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest',
      });
      continue;
    }
    const layer = layerIn(tables, repositoryName, layerDigest);
    if (layer) {
      result.layers.push({ layerDigest, layerAvailability: 'AVAILABLE', layerSize: layer.size });
    } else {
      result.failures.push({
        layerDigest,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Requested layer digest does not exist',
      });
    }
  }
  return result;
}

/**
 * The stored layer, if the repository holds it, and whether an image of the repository references it. Asked
 * for by an alias (`sha512:…`), the answer carries that digest: the client's name for the same bytes.
 */
export function findLayer(
  tables: CatalogTransaction,
  repositoryName: string,
  digest: string,
): RepositoryLayer | null {
  const canonical = canonicalDigest(tables, digest);
  const layer = layerIn(tables, repositoryName, canonical);
  const policyText = tables.repository(repositoryName)?.policyText;
  return (
    layer && {
      ...layer,
      digest,
      referenced: tables.isBlobReferenced(repositoryName, canonical),
      ...(policyText !== undefined && { policyText }),
    }
  );
}

/**
 * Puts a stored layer in a repository: a new blob, or a link to the copy another repository already has (the
 * caller then deletes its own copy). `alias`, the layer's sha512 digest, is recorded first, so a repository
 * that already held the layer learns that name too.
 */
export function linkLayer(
  tables: CatalogTransaction,
  repositoryName: string,
  layer: LayerRecord,
  alias: string | undefined,
  linkedAt: number,
): Registration {
  if (alias !== undefined && tables.aliasOf(alias) === null) tables.insertAlias(alias, layer.digest);
  if (tables.linked(repositoryName, layer.digest)) {
    // The same upload registering again (its first answer was lost): its object is the blob's, so it stays.
    return tables.blob(layer.digest)?.objectKey === layer.objectKey ? 'created' : 'present';
  }
  const existing = tables.blob(layer.digest);
  // An object the catalog released is gone or going: registering it again would name missing bytes.
  if (!existing && tables.objectReleased(layer.objectKey)) return 'released';
  if (!existing) tables.insertBlob(layer);
  tables.link(repositoryName, layer.digest, linkedAt);
  // The blob may be this very object, registered by an attempt whose answer was lost (and unlinked from this
  // repository since, while another holds it): then it is the blob's, and stays.
  return existing && existing.objectKey !== layer.objectKey ? 'linked' : 'created';
}

/**
 * Links a blob repository `from` holds into `repositoryName` (an OCI mount), copying nothing: 'held' when
 * the repository already had it, 'absent' when `from` does not exist or lacks it.
 */
export function mountLayer(
  tables: CatalogTransaction,
  repositoryName: string,
  named: string,
  from: string,
  linkedAt: number,
): 'held' | 'linked' | 'absent' {
  const digest = canonicalDigest(tables, named);
  if (tables.linked(repositoryName, digest)) return 'held';
  if (!tables.repository(from) || !tables.linked(from, digest) || !tables.blob(digest)) return 'absent';
  tables.link(repositoryName, digest, linkedAt);
  return 'linked';
}

/**
 * The repositories holding a blob (by its sha256 digest or a known alias) whose name sorts after `after`, in
 * name order, at most `limit`: where an anonymous mount may take it from.
 */
export function layerHolders(
  tables: CatalogTransaction,
  named: string,
  after: string,
  limit: number,
): string[] {
  return tables.holdersAfter(canonicalDigest(tables, named), after, limit);
}

/**
 * Takes a blob (by its sha256 digest or a known alias) out of a repository: its link goes, and the blob with
 * it when no other repository holds it (releaseBlob, as DeleteRepository). A blob an image of the repository
 * references stays: deleting it would leave that image unpullable, so the image goes first.
 * @returns What was done, and the object key whose bytes the caller deletes after the commit, if any.
 */
export function deleteLayer(
  tables: CatalogTransaction,
  repositoryName: string,
  named: string,
): { deletion: LayerDeletion; orphan: string | null } {
  const digest = canonicalDigest(tables, named);
  if (!tables.linked(repositoryName, digest)) return { deletion: 'unknown', orphan: null };
  if (tables.isBlobReferenced(repositoryName, digest)) return { deletion: 'referenced', orphan: null };
  tables.unlink(repositoryName, digest);
  return { deletion: 'deleted', orphan: releaseBlob(tables, digest) };
}
