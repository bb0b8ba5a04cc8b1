/**
 * `@edgecr/image-archive`: reads container image archives (`docker save` tarballs, OCI image layouts as a tar
 * or a folder) without loading them, and lists every blob to push. Runs unchanged in browsers, Node and Workers.
 * @module
 */

export {
  DOCKER_CONFIG,
  DOCKER_LAYER_TAR,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  OCI_INDEX,
  OCI_MANIFEST,
} from '@edgecr/protocol';
export type { FolderFile } from './archiveFiles.ts';
export type { BlobLike } from './blobLike.ts';
export { ImageArchiveError, type ImageArchiveErrorCode } from './errors.ts';
export type {
  ArchiveBlob,
  ArchiveBlobKind,
  ArchiveFormat,
  ArchiveImage,
  ArchiveManifest,
  ArchivePlatform,
  ImageArchive,
} from './model.ts';
export { type ArchiveSource, assertBlobDigest, readImageArchive } from './readImageArchive.ts';
