/**
 * A folder the user chose or dropped, as the image-archive folder reader takes it: every file with its path
 * relative to the folder's parent (the reader finds the layout's root itself). Browsers give folders two ways:
 * an `<input webkitdirectory>` lists the files with `webkitRelativePath`; a drop gives a directory entry to walk.
 * @module
 */

import type { FolderFile } from '@edgecr/image-archive';
import type { ArchiveIdentity } from './imageResume.ts';

/** A folder: its name (what the page calls it) and its files. */
export interface ChosenFolder {
  readonly name: string;
  readonly files: readonly FolderFile<File>[];
}

/**
 * What stands for a folder where a file's name, size and modification time would: its name, its files' total
 * size and their latest modification, so the same folder chosen again is recognised (and a changed one not).
 */
export function folderIdentity(folder: ChosenFolder): ArchiveIdentity {
  return {
    folder: true,
    name: folder.name,
    size: folder.files.reduce((sum, file) => sum + file.blob.size, 0),
    lastModified: folder.files.reduce((latest, file) => Math.max(latest, file.blob.lastModified), 0),
  };
}

/**
 * The folders of an `<input webkitdirectory>` choice: one, whose name is the first part of every path.
 * @example
 * const folder = folderOfInput([...input.files]);
 */
export function folderOfInput(files: readonly File[]): ChosenFolder | undefined {
  const first = files[0];
  if (!first) return undefined;
  return {
    name: first.webkitRelativePath.split('/')[0] || first.name,
    files: files.map((file) => ({ path: file.webkitRelativePath || file.name, blob: file })),
  };
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

/** Every entry of a directory: `readEntries` gives them in batches, and an empty batch says it is the end. */
async function readAll(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** The files under a dropped directory, each with its path from the directory's parent (`image/index.json`). */
async function walk(directory: FileSystemDirectoryEntry): Promise<FolderFile<File>[]> {
  const files: FolderFile<File>[] = [];
  for (const entry of await readAll(directory)) {
    if (isDirectory(entry)) files.push(...(await walk(entry)));
    else if (isFile(entry)) {
      const blob = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
      files.push({ path: entry.fullPath.replace(/^\/+/, ''), blob });
    }
  }
  return files;
}

/**
 * What a drop holds: the plain files, and each dropped directory walked into a {@link ChosenFolder}. The
 * entries are taken before the first `await`: a drop's items are readable only while its event runs.
 */
export async function dropContents(
  transfer: DataTransfer,
): Promise<{ files: File[]; folders: ChosenFolder[] }> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry());
  const plain = [...transfer.files];
  const directories = entries.filter(
    (entry): entry is FileSystemDirectoryEntry => !!entry && isDirectory(entry),
  );
  if (directories.length === 0) return { files: plain, folders: [] };
  const folderNames = new Set(directories.map((d) => d.name));
  const folders = await Promise.all(directories.map(async (d) => ({ name: d.name, files: await walk(d) })));
  // A directory also shows up in `files`, as an unreadable empty File of its name.
  return { files: plain.filter((file) => !folderNames.has(file.name)), folders };
}
