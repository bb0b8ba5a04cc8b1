import type { CatalogTransaction } from '../ports/catalogStore.ts';
import { releaseBlob } from './orphans.ts';

/** How many links one sweep transaction looks at; a full batch of old links wakes the sweep again at once. */
export const SWEEP_BATCH = 500;

/**
 * One sweep over the catalog's unreferenced layers, inside one transaction: every link no image of its
 * repository references and made at or before `cutoff` is dropped, and the blobs no repository holds any
 * more are deleted from the tables.
 * @returns The object keys whose bytes the caller deletes once the transaction is committed.
 */
export function sweepLinks(tables: CatalogTransaction, cutoff: number): string[] {
  const orphans: string[] = [];
  for (const link of tables.unreferencedLinks(SWEEP_BATCH)) {
    if (link.linkedAt > cutoff) break;
    tables.unlink(link.repositoryName, link.digest);
    const orphan = releaseBlob(tables, link.digest);
    if (orphan) orphans.push(orphan);
  }
  return orphans;
}
