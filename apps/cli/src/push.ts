/**
 * `edgecr push <archive|dir> <repository>[:<tag>]`: one image of a docker save or OCI layout archive (a tar or
 * a folder), pushed whole, resumable across runs.
 * @module
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ImagePushResult, pushImage } from '@edgecr/client';
import { type ArchiveImage, readImageArchive } from '@edgecr/image-archive';
import { directoryFiles } from '@edgecr/image-archive/node';
import { type Connection, ecrClient } from './config.ts';
import { UsageError } from './exitCodes.ts';
import { archiveFingerprint, cacheDir, FileStateStore } from './fileStateStore.ts';
import { pushReporter } from './report.ts';
import { parseTarget } from './target.ts';

/** What a push needs from the command line and the process. */
export interface PushCommand {
  archive: string;
  target: string;
  connection: Connection;
  signal: AbortSignal;
  /** Progress goes here (stderr): a bar on a terminal, lines otherwise. */
  progress: NodeJS.WriteStream;
}

/**
 * Reads the archive, picks the image, and pushes it; progress is saved under the archive's fingerprint in the
 * cache folder, so the same command continues after an interruption.
 */
export async function runPush(command: PushCommand): Promise<ImagePushResult> {
  const { repositoryName, tag } = parseTarget(command.target);
  const path = resolve(command.archive);
  const info = await stat(path).catch(() => {
    throw new UsageError(`No such file or folder: ${command.archive} (${path})`);
  });
  const archive = await readImageArchive(
    info.isDirectory() ? { files: await directoryFiles(path) } : await openAsBlob(path),
  );
  const image = chooseImage(archive.images, tag);
  const chosenTag = tag ?? image.tags[0];
  if (chosenTag === undefined) {
    throw new UsageError('The archive names no tag for the image: give one, as repository:tag');
  }
  const api = ecrClient(command.connection);
  const store = new FileStateStore(
    join(
      cacheDir(),
      'uploads',
      `${archiveFingerprint({ path, size: info.size, mtimeMs: info.mtimeMs })}.json`,
    ),
  );
  const reporter = pushReporter(command.progress);
  try {
    return await pushImage(image, {
      api,
      repositoryName,
      tag: chosenTag,
      scope: { endpoint: api.endpoint, registryId: '' },
      store,
      lastModified: info.mtimeMs,
      signal: command.signal,
      onProgress: (p) => reporter.update(p),
    });
  } finally {
    reporter.stop();
  }
}

/** The archive's only image, or the one the tag names among several. */
function chooseImage(images: readonly ArchiveImage[], tag: string | undefined): ArchiveImage {
  if (images.length === 1) return images[0] as ArchiveImage;
  const named = tag === undefined ? undefined : images.find((image) => image.tags.includes(tag));
  if (named) return named;
  const references = images.map((image) => image.references.join(', ') || image.manifest.digest);
  throw new UsageError(
    `The archive holds ${images.length} images (${references.join('; ')}): name one by its tag, as repository:tag`,
  );
}
