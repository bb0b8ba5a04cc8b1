// A dropped folder walked into the files the image-archive folder reader takes. Playwright cannot drop a
// directory on a page (a DataTransfer made in a page holds no directory entries), so the browser's entry tree is
// stood in for here by plain objects with the same members, as the File and Directory Entries API defines them;
// the picker path (`<input webkitdirectory>`) runs for real in Chromium in the e2e tests.

import { readImageArchive } from '@edgecr/image-archive';
import { ociLayoutTwoPlatforms } from '@edgecr/image-archive/testing';
import { describe, expect, it } from 'vitest';
import { dropContents, folderIdentity } from '../../src/ui/folderFiles.ts';

type Tree = { [name: string]: Tree | File };

/** A directory entry over `tree`, whose reader hands out at most two entries a call, as browsers batch them. */
function directory(name: string, tree: Tree, parent = ''): FileSystemDirectoryEntry {
  const fullPath = `${parent}/${name}`;
  const children = Object.entries(tree).map(([child, node]) =>
    node instanceof File ? file(child, node, fullPath) : directory(child, node, fullPath),
  );
  return {
    name,
    fullPath,
    isDirectory: true,
    isFile: false,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (resolve: (entries: FileSystemEntry[]) => void) => {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          queueMicrotask(() => resolve(batch));
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function file(name: string, blob: File, parent: string): FileSystemFileEntry {
  return {
    name,
    fullPath: `${parent}/${name}`,
    isDirectory: false,
    isFile: true,
    file: (resolve: (file: File) => void) => queueMicrotask(() => resolve(blob)),
  } as unknown as FileSystemFileEntry;
}

/** A drop of `entries`; `files` lists each as browsers do (a directory as an empty File of its name). */
function drop(entries: FileSystemEntry[], files: File[]): DataTransfer {
  return {
    items: entries.map((entry) => ({ webkitGetAsEntry: () => entry })),
    files,
  } as unknown as DataTransfer;
}

describe('dropContents', () => {
  it('walks a dropped OCI layout folder into paths the folder reader reads, beside a plain file', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const blobs: Tree = {};
    const layout: Tree = { blobs: { sha256: blobs } };
    for (const entry of entries) {
      if ((entry.type ?? 'file') !== 'file') continue;
      const parts = entry.name.split('/');
      const leaf = parts.at(-1) as string;
      const body = entry.body as string | Uint8Array<ArrayBuffer>;
      const made = new File([body], leaf, { lastModified: 1000 + parts.length });
      if (parts.length === 1) layout[leaf] = made;
      else blobs[leaf] = made;
    }
    const loose = new File(['layer bytes'], 'layer.tar');
    const folder = directory('layout', layout);
    const dropped = await dropContents(
      drop([folder, file('layer.tar', loose, '')], [new File([], 'layout'), loose]),
    );
    expect(dropped.files).toEqual([loose]);
    expect(dropped.folders).toHaveLength(1);
    const [chosen] = dropped.folders;
    expect(chosen?.name).toBe('layout');
    expect(chosen?.files.map((f) => f.path).sort()).toContain('layout/index.json');
    const archive = await readImageArchive({ files: chosen?.files ?? [] });
    expect(archive.images[0]?.manifest.digest).toBe(facts.index.digest);
    const identity = folderIdentity(chosen ?? { name: '', files: [] });
    expect(identity).toMatchObject({ folder: true, name: 'layout', lastModified: 1003 });
    expect(identity.size).toBe(chosen?.files.reduce((sum, f) => sum + f.blob.size, 0));
  });

  it('passes plain files through when nothing dropped is a folder', async () => {
    const loose = new File(['x'], 'a.tar');
    expect(await dropContents(drop([file('a.tar', loose, '')], [loose]))).toEqual({
      files: [loose],
      folders: [],
    });
  });
});
