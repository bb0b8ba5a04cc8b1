/**
 * One view of an archive's files whatever holds them: a tar (indexed by its headers) or a folder (files with
 * relative paths). Paths are normalised, links resolved, and the layout's root found, so the format readers
 * see `index.json`, `manifest.json` and `blobs/sha256/…` at the top either way.
 * @module
 */
import type { BlobLike } from './blobLike.ts';
import { ImageArchiveError } from './errors.ts';
import { indexTar, type TarFile } from './tarIndex.ts';

const MAX_LINK_HOPS = 16;

/** One file of a folder: its path relative to the folder (or to the folder's parent) and its bytes. */
export interface FolderFile<B extends BlobLike = Blob> {
  readonly path: string;
  readonly blob: B;
}

/** The files of an archive, by path relative to the image layout's root. */
export interface ArchiveFiles {
  get(path: string): BlobLike | undefined;
  has(path: string): boolean;
}

/** `./a//b/` and `a/b` are the same file; `..` is resolved against its parent. */
function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

const ROOT_MARKERS = ['index.json', 'manifest.json', 'oci-layout'];

/**
 * The layout's root is the shallowest folder holding `index.json`, `manifest.json` or `oci-layout`: a
 * browser's folder drop prefixes every path with the folder's name, and some tools tar a layout in a folder.
 */
function findRoot(paths: Iterable<string>): string {
  let root: string | undefined;
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length);
  for (const path of paths) {
    if (!ROOT_MARKERS.includes(path.slice(path.lastIndexOf('/') + 1))) continue;
    const dir = dirname(path);
    if (root === undefined || depth(dir) < depth(root)) root = dir;
  }
  return root ?? '';
}

function relativeTo(root: string, map: Map<string, BlobLike>): ArchiveFiles {
  const prefix = root === '' ? '' : `${root}/`;
  const lookup = (path: string) => map.get(prefix + normalise(path));
  return { get: lookup, has: (path) => lookup(path) !== undefined };
}

/** Indexes a tar archive into {@link ArchiveFiles}, reading only its headers. */
export async function tarArchiveFiles(tar: BlobLike): Promise<ArchiveFiles> {
  const entries = await indexTar(tar);
  const byPath = new Map(entries.map((entry) => [normalise(entry.path), entry]));
  const map = new Map<string, BlobLike>();
  for (const [path, entry] of byPath) {
    // Follow links (docker save links a layer shared by two images); a loop or dangling link is left out,
    // so whatever references it gets a MissingBlob error naming it.
    let at = path;
    let target: TarFile | undefined = entry;
    for (let hops = 0; target?.link !== undefined && hops < MAX_LINK_HOPS; hops++) {
      const { kind, target: to } = target.link;
      // A hard link names a path from the archive's root; a symbolic link is relative to its own folder.
      at = normalise(kind === 'hard' || to.startsWith('/') ? to : `${dirname(at)}/${to}`);
      target = byPath.get(at);
    }
    if (target !== undefined && target.link === undefined) {
      map.set(path, tar.slice(target.offset, target.offset + target.size));
    }
  }
  return relativeTo(findRoot(map.keys()), map);
}

/** Wraps a folder's files (a browser folder drop, or files read from a directory in Node). */
export function folderArchiveFiles(files: Iterable<FolderFile<BlobLike>>): ArchiveFiles {
  const map = new Map<string, BlobLike>();
  for (const file of files) map.set(normalise(file.path), file.blob);
  if (map.size === 0) throw new ImageArchiveError('NotAnImageArchive', 'The folder is empty.');
  return relativeTo(findRoot(map.keys()), map);
}
