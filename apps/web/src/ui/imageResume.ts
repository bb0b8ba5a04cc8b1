/**
 * Image pushes that survive a reload. The engine saves each layer's upload (IndexedDB) and continues it when the
 * same bytes come again; what it cannot know after a reload is which archive was being pushed where, under
 * which tag. That is kept here, in localStorage, from a push's start until it is done or cancelled, so the page
 * can say "choose the same file again" and then continue with the same repository and tag.
 * @module
 */

import { recordKey } from '@edgecr/client';
import type { ArchiveImage } from '@edgecr/image-archive';
import { read, storages, write } from './settings.ts';

const STORAGE_KEY = 'edgecr.image-pushes';

/** What identifies an archive: a file's name, size and modification time, or a folder's ({@link folderIdentity}). */
export type ArchiveIdentity = Pick<File, 'name' | 'size' | 'lastModified'> & {
  /** True for a folder: choosing it again takes a folder picker. */
  readonly folder?: boolean;
};

/** Endpoint and registry a push went to: unfinished pushes are shown only for the same ones. */
export interface PushScope {
  readonly endpoint: string;
  readonly registryId: string;
}

/** An image push that started and has not ended: enough to recognise its archive and continue it. */
export interface UnfinishedImagePush extends PushScope {
  /** {@link unfinishedKey} of the rest. */
  readonly key: string;
  readonly repositoryName: string;
  readonly tag: string;
  readonly fileName: string;
  readonly fileSize: number;
  /** The archive was a folder (an OCI layout), not a file. */
  readonly folder: boolean;
  readonly lastModified: number;
  /** The image's top manifest digest: the same file name and size holding another image is not it. */
  readonly imageDigest: string;
  /** The layers and configs, to find (and forget) their saved uploads. */
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
}

/** What identifies an image push: where, which archive file, which image of it. */
function unfinishedKey(
  scope: PushScope,
  repositoryName: string,
  file: ArchiveIdentity,
  imageDigest: string,
): string {
  return JSON.stringify([
    scope.endpoint,
    scope.registryId,
    repositoryName,
    file.name,
    file.size,
    file.lastModified,
    imageDigest,
  ]);
}

/** Every unfinished push saved by this browser, whatever its endpoint. */
export function loadUnfinishedPushes(): UnfinishedImagePush[] {
  const saved = read(storages().local, STORAGE_KEY).pushes;
  return Array.isArray(saved) ? (saved as UnfinishedImagePush[]) : [];
}

function save(pushes: readonly UnfinishedImagePush[]): void {
  write(storages().local, STORAGE_KEY, { pushes });
}

/**
 * Records that `image` of `file` is being pushed to `repositoryName` under `tag` (replacing an earlier record
 * of the same push, whose tag may have been another) and returns every unfinished push.
 */
export function rememberPush(
  scope: PushScope,
  push: { file: ArchiveIdentity; image: ArchiveImage; repositoryName: string; tag: string },
): UnfinishedImagePush[] {
  const { file, image, repositoryName, tag } = push;
  const record: UnfinishedImagePush = {
    key: unfinishedKey(scope, repositoryName, file, image.manifest.digest),
    endpoint: scope.endpoint,
    registryId: scope.registryId,
    repositoryName,
    tag,
    fileName: file.name,
    fileSize: file.size,
    folder: file.folder === true,
    lastModified: file.lastModified,
    imageDigest: image.manifest.digest,
    layers: image.blobs
      .filter((blob) => blob.kind === 'layer' || blob.kind === 'config')
      .map(({ digest, size }) => ({ digest, size })),
  };
  const pushes = [...loadUnfinishedPushes().filter((p) => p.key !== record.key), record];
  save(pushes);
  return pushes;
}

/** Drops the record of a push (done, cancelled, or forgotten by the user) and returns the others. */
export function forgetPush(key: string): UnfinishedImagePush[] {
  const pushes = loadUnfinishedPushes().filter((p) => p.key !== key);
  save(pushes);
  return pushes;
}

/** The unfinished push of this image of this file, when there is one in `pushes`. */
export function unfinishedPushOf(
  pushes: readonly UnfinishedImagePush[],
  scope: PushScope,
  file: ArchiveIdentity,
  image: ArchiveImage,
): UnfinishedImagePush | undefined {
  return pushes.find(
    (p) =>
      p.endpoint === scope.endpoint &&
      p.registryId === scope.registryId &&
      p.fileName === file.name &&
      p.fileSize === file.size &&
      p.lastModified === file.lastModified &&
      p.imageDigest === image.manifest.digest,
  );
}

/**
 * The keys of the layer uploads the engine saves for this push: the same key the engine builds, since each
 * layer of an archive is saved under its digest as the name and the archive's modification time.
 */
export function layerRecordKeys(push: UnfinishedImagePush): string[] {
  return push.layers.map((layer) =>
    recordKey({
      endpoint: push.endpoint,
      registryId: push.registryId,
      repositoryName: push.repositoryName,
      name: layer.digest,
      size: layer.size,
      lastModified: push.lastModified,
    }),
  );
}
