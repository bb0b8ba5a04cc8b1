/// <reference types="node" />
/**
 * `@edgecr/image-archive/node`: the Node side of a folder source. The reader itself is runtime-neutral; only
 * listing a directory needs Node's file system, so it lives in this subpath, which browsers never import.
 * @module
 */
import { openAsBlob } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FolderFile } from '../archiveFiles.ts';

/**
 * The regular files under `directory` (recursively) as {@link FolderFile}s for `readImageArchive({ files })`,
 * each a Blob backed by the file (`fs.openAsBlob`), so nothing is read until a blob is sliced or streamed.
 * Symbolic links are followed.
 * @example
 * const archive = await readImageArchive({ files: await directoryFiles('./my-oci-layout') });
 */
export async function directoryFiles(directory: string): Promise<FolderFile[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files: FolderFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const blob = await openAsBlob(path).catch(() => undefined); // a link to a folder or to nothing
    if (blob !== undefined) files.push({ path: relative(directory, path).split('\\').join('/'), blob });
  }
  return files;
}
