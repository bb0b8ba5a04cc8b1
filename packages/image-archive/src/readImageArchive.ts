/**
 * The entry point: tells the archive's format and reads its images.
 * @module
 */
import { type ArchiveFiles, type FolderFile, folderArchiveFiles, tarArchiveFiles } from './archiveFiles.ts';
import type { BlobLike } from './blobLike.ts';
import { readDockerClassic } from './dockerClassic.ts';
import { ImageArchiveError } from './errors.ts';
import type { ArchiveBlob, ImageArchive } from './model.ts';
import { readOciLayout } from './ociLayout.ts';

/**
 * An archive: a tar as a `Blob` (a browser `File`, a Node `fs.openAsBlob` Blob), or a folder as its files
 * with paths relative to it (a browser folder drop: `{ path: file.webkitRelativePath, blob: file }`). Any
 * {@link BlobLike} whose `slice` returns its own kind works too (the tests count bytes through one).
 */
export type ArchiveSource<B extends BlobLike = Blob> = B | { readonly files: Iterable<FolderFile<B>> };

function isFolder(
  source: ArchiveSource<BlobLike>,
): source is { readonly files: Iterable<FolderFile<BlobLike>> } {
  return 'files' in source;
}

/**
 * Indexes an image archive and lists each image with every blob to push, in push order. A tar is read header
 * by header through `slice`, so only headers and the small JSON documents (manifests, indexes, configs) are
 * read, never a layer; every blob handed back is a slice of the source, for the engine to stream.
 *
 * Accepts a `docker save` tarball (the classic `manifest.json` form, and the OCI layout form Docker 25 and later
 * writes), an OCI image layout as a tar, or an OCI image layout folder. Every platform of a multi-platform
 * index is kept.
 * @throws {ImageArchiveError} for a file that is not a tar, a tar or folder that is not an image archive, a
 * malformed `manifest.json`, `index.json`, manifest or config, a referenced blob missing from the archive or of
 * another size, a manifest or index whose bytes do not match its digest, or a manifest of an unknown type.
 * @example
 * const archive = await readImageArchive(file);
 * for (const image of archive.images) {
 *   for (const blob of image.blobs) {
 *     if (blob.kind === 'layer' || blob.kind === 'config') await pushLayer(blob.digest, blob.open());
 *     else if (blob !== image.blobs.at(-1)) await putImage(blob.digest, await new Response(blob.open()).text());
 *   }
 *   await putImage(image.tags[0] ?? 'latest', new TextDecoder().decode(image.manifest.bytes));
 * }
 */
export async function readImageArchive<B extends BlobLike = Blob>(
  source: ArchiveSource<B>,
): Promise<ImageArchive<B>> {
  // Every blob in the answer is the source's (or a folder file's) `slice`, of the source's kind, or a `Blob`
  // the reader made (a classic archive's manifest): what ImageArchive<B> states.
  return (await readArchive(source)) as ImageArchive<B>;
}

async function readArchive(source: ArchiveSource<BlobLike>): Promise<ImageArchive<BlobLike>> {
  const files: ArchiveFiles = isFolder(source)
    ? folderArchiveFiles(source.files)
    : await tarArchiveFiles(source);
  const isOci = files.has('index.json') || files.has('oci-layout');
  if (isOci) return { format: 'oci-layout', images: await readOciLayout(files) };
  const manifestJson = files.get('manifest.json');
  if (manifestJson !== undefined) {
    return { format: 'docker-save-classic', images: await readDockerClassic(files, manifestJson) };
  }
  throw new ImageArchiveError(
    'NotAnImageArchive',
    isFolder(source)
      ? 'This folder is not an image archive: it has neither index.json (an OCI image layout) nor manifest.json (docker save).'
      : 'This tar archive is not an image archive: it has neither index.json (an OCI image layout) nor manifest.json (docker save).',
  );
}

/**
 * Throws `DigestMismatch` when the digest the pusher computed while streaming `blob` differs from the one the
 * archive states (for a classic `docker save` layer: the config's `rootfs.diff_ids` entry). Call it before
 * completing the upload, so an archive whose bytes do not match its manifests is never tagged.
 */
export function assertBlobDigest(blob: ArchiveBlob<BlobLike>, computedDigest: string): void {
  if (computedDigest !== blob.digest) {
    throw new ImageArchiveError(
      'DigestMismatch',
      `The ${blob.kind} ${blob.digest} in the archive hashes to ${computedDigest}: the archive is damaged.`,
      { digest: blob.digest },
    );
  }
}
