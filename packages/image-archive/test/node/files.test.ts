// The CLI's sources: a tar on disk (fs.openAsBlob) and an OCI layout folder (directoryFiles).

import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageArchive } from '../../src/index.ts';
import { directoryFiles } from '../../src/node/index.ts';
import { dockerSaveClassic, ociLayoutTwoPlatforms } from '../../src/testing/index.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'image-archive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Node sources', () => {
  it('reads a docker save tar from disk through fs.openAsBlob', async () => {
    const { archive, facts } = await dockerSaveClassic({ sharedLayerImage: true });
    const path = join(dir, 'app.tar');
    await writeFile(path, new Uint8Array(await archive.arrayBuffer()));
    const { images } = await readImageArchive(await openAsBlob(path));
    expect(images.map((i) => i.references)).toEqual([facts.repoTags, ['example/base:1']]);
    const layer = images[0]?.blobs[1];
    expect(new Uint8Array(await new Response(layer?.open()).arrayBuffer())).toEqual(facts.layers[1]?.bytes);
  });

  it('reads an OCI layout folder through directoryFiles, following symbolic links', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const root = join(dir, 'layout');
    for (const entry of entries) {
      const path = join(root, entry.name);
      await mkdir(dirname(path), { recursive: true });
      const body = entry.body;
      if (body instanceof Uint8Array || typeof body === 'string') await writeFile(path, body);
    }
    // A blob stored elsewhere and linked in, as layout tools that share a blob store do.
    const base = facts.platforms[0]?.layers[0]?.digest.slice('sha256:'.length) ?? '';
    await rm(join(root, 'blobs/sha256', base));
    await writeFile(join(dir, 'shared-base'), facts.platforms[0]?.layers[0]?.bytes ?? '');
    await symlink(join(dir, 'shared-base'), join(root, 'blobs/sha256', base));

    const { format, images } = await readImageArchive({ files: await directoryFiles(root) });
    expect(format).toBe('oci-layout');
    expect(images[0]?.manifest.digest).toBe(facts.index.digest);
    expect(images[0]?.blobs).toHaveLength(8);
  });
});
