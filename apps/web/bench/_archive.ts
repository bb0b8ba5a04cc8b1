// The image-archive part of the page's benchmark: a generated OCI layout tar of one image, written to a file
// as a stream (Node never holds it), then dropped on the page and pushed whole.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { testLayerChunks, testLayerStream } from '@edgecr/chunker/testing';
import { streamOciLayout } from '@edgecr/image-archive/testing';
import type { Page } from 'playwright-core';

/** Layers of the generated image: several, as real images have, each large enough to span many parts. */
const LAYERS = 4;

/** An archive written by {@link writeArchiveFile}. */
export interface ArchiveFile {
  path: string;
  /** Layer bytes in it (the tar adds headers, index, manifest and config). */
  layerBytes: number;
  tag: string;
  /** The image's manifest digest: what the page must show once it has pushed it. */
  manifestDigest: string;
}

/** Writes an OCI layout tar of one image of {@link LAYERS} generated layers, `size` bytes of layers in all. */
export async function writeArchiveFile(path: string, size: number, seed: number): Promise<ArchiveFile> {
  const sizes = Array.from({ length: LAYERS }, (_, i) =>
    i < LAYERS - 1 ? Math.floor(size / LAYERS) : size - Math.floor(size / LAYERS) * (LAYERS - 1),
  );
  // Each layer is generated twice, once to hash it (node:crypto, the reference) and once to write it.
  const layers = sizes.map((layerSize, i) => {
    const hash = createHash('sha256');
    for (const chunk of testLayerChunks(layerSize, seed + i)) hash.update(chunk);
    return {
      descriptor: {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: `sha256:${hash.digest('hex')}`,
        size: layerSize,
      },
      stream: () => testLayerStream(layerSize, seed + i),
    };
  });
  const { tar, facts } = await streamOciLayout(layers);
  await tar.pipeTo(Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>);
  return { path, layerBytes: size, tag: facts.tag, manifestDigest: facts.manifest.digest };
}

/** The archive's row on the page, once the file is chosen. */
function imageRow(page: Page, name: string) {
  return page.locator(`[data-testid="image"][data-name="${name}"]`);
}

/** Presses the row's Push button (the archive's own tag) and resolves when the page says the image is pushed. */
export async function pushArchive(page: Page, name: string, timeout: number): Promise<void> {
  const row = imageRow(page, name);
  await row.waitFor();
  await row.getByRole('button', { name: `Push ${name}` }).click();
  await page.locator(`[data-testid="image"][data-name="${name}"][data-status="done"]`).waitFor({ timeout });
}

/** The image digest the page shows for the pushed archive. */
export async function pushedDigest(page: Page, name: string): Promise<string> {
  return (await imageRow(page, name).getByTestId('image-digest').textContent()) ?? '';
}
