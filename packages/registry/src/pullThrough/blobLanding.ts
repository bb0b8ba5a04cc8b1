/**
 * Storing a blob brought in from upstream, in the pass that streams it to its pullers.
 * @module
 */

import { EcrError } from '@edgecr/protocol';
import type { LayerRecord, Registration } from '../catalog/records.ts';
import { type BlobStore, MIN_MULTIPART_PART_BYTES, type UploadedPart } from '../ports/blobStore.ts';
import type { CatalogHandle } from '../service.ts';
import { layerObjectKey } from '../uploads/layerUploadRules.ts';
import { PartLayout } from '../uploads/partLayout.ts';
import type { StoreVerdict } from './sharedBody.ts';

/** A SHA-256 fed piece by piece: the runtime's native one where it has one (workerd's DigestStream). */
export interface IncrementalSha256 {
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the input. @returns The hex digest. */
  digest(): Promise<string>;
}

/** What storing a pulled blob needs: where its bytes go, the catalog it is registered in, and a hash. */
export interface LandingPorts {
  blobs: BlobStore;
  catalog: Pick<CatalogHandle, 'registerLayer'>;
  sha256(): IncrementalSha256;
}

/** How storing a pulled blob went, as two moments. */
export interface Landing {
  /**
   * Whether the bytes hash to their digest: settled when the body ends, before the last part is stored, so
   * that pullers get their last bytes without waiting on the store.
   */
  verdict: Promise<StoreVerdict>;
  /** Whether the blob landed: stored whole and held by its repository (never rejects). */
  stored: Promise<boolean>;
}

/** The most parts a multipart upload takes (R2 and S3 alike). */
const MAX_PARTS = 10_000;

/**
 * The part size for a blob of `size` bytes: 5 MiB, the least the store takes (two parts are held per blob
 * under way), or as much larger, in whole MiB, as 10,000 parts need.
 */
export function pulledPartBytes(size: number | undefined): number {
  const mib = 1024 * 1024;
  const needed = Math.ceil((size ?? 0) / MAX_PARTS / mib) * mib;
  return Math.max(MIN_MULTIPART_PART_BYTES, needed);
}

/**
 * Stores `body`, the bytes upstream gave for `digest`, in the repository: hashed as it is read and laid
 * straight into the BlobStore in equal parts (one written while the next fills), then registered as an
 * upload's completion registers a layer. Not an upload, for nothing here is resumed: a blob that does not land
 * is fetched again by its next pull, and the layer is never read back. Reading goes on when the store fails,
 * so the verdict on the bytes always comes; bytes that do not hash to `digest` are dropped.
 * @param size The size upstream announced, if it did (it sets the part size).
 */
export function landPulledBlob(
  ports: LandingPorts,
  repositoryName: string,
  digest: string,
  body: ReadableStream<Uint8Array>,
  size: number | undefined,
): Landing {
  let settle: (verdict: StoreVerdict) => void = () => {};
  const verdict = new Promise<StoreVerdict>((resolve) => {
    settle = resolve;
  });
  const stored = land(ports, repositoryName, digest, body, size, settle).catch((error: unknown) => {
    settle('unknown');
    console.warn(`The upstream's blob ${digest} was not stored in ${repositoryName}`, String(error));
    return false;
  });
  return { verdict, stored };
}

async function land(
  { blobs, catalog, sha256 }: LandingPorts,
  repositoryName: string,
  digest: string,
  body: ReadableStream<Uint8Array>,
  size: number | undefined,
  settle: (verdict: StoreVerdict) => void,
): Promise<boolean> {
  const key = layerObjectKey(crypto.randomUUID());
  const hash = sha256();
  let multipart: Promise<string> | undefined;
  const writePart = async (partNumber: number, bytes: Uint8Array): Promise<UploadedPart> => {
    multipart ??= blobs.createMultipart(key);
    return await blobs.uploadPart(key, await multipart, partNumber, bytes);
  };
  const layout = new PartLayout(pulledPartBytes(size), 1, null, 0, writePart);
  let failure: unknown;
  let received = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      await hash.write(value);
      if (failure === undefined)
        await layout.write(value).catch((error: unknown) => (failure = error ?? 'failed'));
    }
    const computed = `sha256:${await hash.digest()}`;
    settle(computed === digest ? 'verified' : 'refused');
    if (failure !== undefined) throw failure;
    if (computed !== digest) throw new Error(`its bytes hash to ${computed}`);
    await layout.settle();
    const last = layout.remainder();
    if (!multipart) {
      await blobs.put(key, last);
    } else {
      const parts = layout.parts;
      if (last.length > 0) parts.push(await writePart(parts.length + 1, last));
      await blobs.completeMultipart(key, await multipart, parts);
    }
  } catch (error) {
    // Whatever was written goes: a multipart upload under way is aborted.
    await layout.settle().catch(() => undefined);
    await multipart?.then((id) => blobs.abortMultipart(key, id)).catch(() => undefined);
    throw error;
  }
  return await register(blobs, catalog, repositoryName, { digest, size: received, objectKey: key });
}

/**
 * Puts the stored blob in its repository; a copy the registry already had (another repository's, or one a
 * concurrent pull stored first) is kept instead, and this one deleted.
 */
async function register(
  blobs: BlobStore,
  catalog: LandingPorts['catalog'],
  repositoryName: string,
  layer: LayerRecord,
): Promise<boolean> {
  let registration: Registration;
  try {
    registration = await catalog.registerLayer(repositoryName, layer);
  } catch (error) {
    // Refused (the repository is gone): its bytes go. Anything else leaves them, unreferenced (the note in
    // docs/pull-through.md).
    if (error instanceof EcrError) await blobs.delete([layer.objectKey]);
    throw error;
  }
  // A fresh key was never registered, so never released: the repository holds the blob now.
  if (registration !== 'created') await blobs.delete([layer.objectKey]);
  return true;
}
