import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';

/** How many keys one BlobStore delete call takes (R2's and S3's limit). */
export const DELETE_BATCH = 1000;

/**
 * What happens to a blob when a link to it goes (DeleteRepository, the sweep, an OCI blob delete): once no
 * repository holds it, its row is deleted in the same transaction and its object key queued for deletion;
 * the caller deletes its bytes with {@link deleteObjects} after the commit, then forgets the key. Rows first:
 * a completion racing the deletion finds no blob and stores its own copy, never a link to bytes about to go.
 * The queue keeps the key when the host dies or the store fails between the two: the sweep deletes it then.
 * @returns The object key whose bytes the caller deletes, or `null` while another repository holds the blob.
 */
export function releaseBlob(tables: CatalogTransaction, digest: string): string | null {
  if (tables.held(digest)) return null;
  const blob = tables.blob(digest);
  tables.deleteBlob(digest);
  if (!blob) return null;
  tables.queueObjectDeletions([blob.objectKey]);
  return blob.objectKey;
}

/** Deletes the bytes of released blobs, in batches the store accepts. */
export async function deleteObjects(blobs: BlobStore, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) await blobs.delete(keys.slice(i, i + DELETE_BATCH));
}
