// Image pushes from the page beyond one drop of a file: a reload in the middle of a push, a folder holding an
// OCI layout, a key that may not push. Debian's Chromium against a real `wrangler dev`, as in images.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BatchCheckLayerAvailabilityCommand, CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { testLayerBytes } from '@edgecr/chunker/testing';
import {
  asFolder,
  dockerSaveClassic,
  type FixtureEntry,
  type OneLayerFacts,
  ociLayoutOneLayer,
  ociLayoutTwoPlatforms,
} from '@edgecr/image-archive/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { localKeys, usePageHarness } from './_harness.ts';
import { imageChecks, pushFromPage } from './_images.ts';
import type { UploaderPage } from './_uploader.ts';

const harness = usePageHarness('image-sources');
const { openUploader, newUploader } = harness;
const { writeArchive, expectInRepository } = imageChecks(harness);

/** Writes a fixture's entries as a folder `name` in the test file's temporary folder; returns its path. */
async function writeFolder(name: string, entries: readonly FixtureEntry[]): Promise<string> {
  for (const file of asFolder(entries, name)) {
    const path = join(harness.dir, 'folders', file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, new Uint8Array(await file.blob.arrayBuffer()));
  }
  return join(harness.dir, 'folders', name);
}

/** A 40 MiB one-layer image: four 10 MiB parts, slowed down so a reload comes in the middle of its push. */
function bigImage(seed: number) {
  return ociLayoutOneLayer(testLayerBytes(40 * MiB, seed));
}

/**
 * Adds an archive (`add`), pushes it under `tag` with its parts slowed down, reloads once 20 MiB are
 * acknowledged, and returns the row that lists the interrupted push, and how many parts were sent before.
 */
async function pushThenReload(uploader: UploaderPage, name: string, tag: string, add: () => Promise<void>) {
  await uploader.interceptParts();
  uploader.network.delayMs = 600;
  await add();
  const row = uploader.page.locator(`[data-testid="image"][data-name="${name}"]`);
  await row.getByLabel('Tag').fill(tag);
  await row.getByRole('button', { name: `Push ${name}` }).click();
  await uploader.page.waitForFunction(
    ([rowName, wanted]) =>
      Number(
        document
          .querySelector(`[data-testid="image"][data-name="${rowName}"]`)
          ?.getAttribute('data-bytes-done') ?? 0,
      ) >= (wanted as number),
    [name, 20 * MiB] as const,
  );
  await uploader.page.reload();
  const unfinished = uploader.page.locator(`[data-testid="unfinished-image"][data-name="${name}"]`);
  await unfinished.waitFor();
  // Its layer is not offered as a loose upload besides.
  expect(await uploader.page.getByTestId('saved-upload').count()).toBe(0);
  uploader.network.delayMs = 0;
  return { unfinished, sentBefore: uploader.partSizes.length };
}

/**
 * The push continued to the end with the repository and tag it had, sending after the reload only the layer's
 * parts the registry had not acknowledged (at most the last 20 MiB, none from the layer's start) and the config,
 * whose turn had not come; then nothing is left to continue, after another reload too.
 */
async function expectResumed(
  uploader: UploaderPage,
  at: { name: string; repositoryName: string; tag: string; sentBefore: number },
  facts: OneLayerFacts,
) {
  const row = uploader.page.locator(`[data-testid="image"][data-name="${at.name}"]`);
  await uploader.page.locator(`[data-testid="image"][data-name="${at.name}"][data-status="done"]`).waitFor();
  const digest = (await row.getByTestId('image-digest').textContent()) ?? '';
  expect(digest).toBe(facts.manifest.digest);
  await expectInRepository(at.repositoryName, at.tag, digest, [facts.layer.digest, facts.config.digest]);
  const sentAfter = uploader.partSizes.slice(at.sentBefore).reduce((sum, size) => sum + size, 0);
  expect(sentAfter).toBeGreaterThan(facts.config.size);
  expect(sentAfter).toBeLessThanOrEqual(20 * MiB + facts.config.size);
  expect(uploader.partStarts[at.sentBefore]).toBeGreaterThanOrEqual(20 * MiB);
  const unfinished = uploader.page.locator(`[data-testid="unfinished-image"][data-name="${at.name}"]`);
  expect(await unfinished.count()).toBe(0);
  await uploader.page.reload();
  await uploader.page.getByTestId('dropzone').waitFor();
  expect(await unfinished.count()).toBe(0);
  return sentAfter;
}

describe('image pushes from the page: reload, folders, permissions', () => {
  it('shows an image push again after a reload, and finishes it from the same file without re-sending acknowledged bytes', async () => {
    const uploader = await openUploader('e2e/image-reload');
    const { archive, facts } = await bigImage(21);
    const path = await writeArchive('reload.tar', archive);
    const { unfinished, sentBefore } = await pushThenReload(uploader, 'reload.tar', 'resumed', () =>
      uploader.addFiles(path),
    );
    expect(await unfinished.textContent()).toContain(
      'Resume pushing reload.tar to e2e/image-reload:resumed: choose the same file again.',
    );
    await uploader.screenshot('image-reload-unfinished');
    // Chosen from the keyboard, in its row: it continues at once.
    await uploader.chooseWith(unfinished.getByRole('button', { name: 'Choose reload.tar' }), path);
    const at = { name: 'reload.tar', repositoryName: 'e2e/image-reload', tag: 'resumed', sentBefore };
    expect(await expectResumed(uploader, at, facts)).toBeLessThan(archive.size);
  });

  it('continues a folder’s image push after a reload, from the same folder chosen again', async () => {
    const uploader = await openUploader('e2e/folder-reload');
    const { entries, facts } = await bigImage(22);
    const folder = await writeFolder('big', entries);
    const { unfinished, sentBefore } = await pushThenReload(uploader, 'big', 'resumed', () =>
      uploader.page.getByTestId('folder-input').setInputFiles(folder),
    );
    expect(await unfinished.textContent()).toContain('choose the same folder again.');
    await uploader.chooseWith(unfinished.getByRole('button', { name: 'Choose big' }), folder);
    const at = { name: 'big', repositoryName: 'e2e/folder-reload', tag: 'resumed', sentBefore };
    await expectResumed(uploader, at, facts);
  });

  it('pushes an OCI layout folder chosen with the folder picker, and says when a folder is no layout', async () => {
    const uploader = await openUploader('e2e/folder');
    const { entries, facts } = await ociLayoutTwoPlatforms();
    await uploader.page.getByTestId('folder-input').setInputFiles(await writeFolder('layout', entries));
    const digest = await pushFromPage(uploader, 'layout', facts.tag);
    expect(digest).toBe(facts.index.digest);
    const blobs = [...new Set(facts.platforms.flatMap((p) => [p.config, ...p.layers].map((b) => b.digest)))];
    await expectInRepository('e2e/folder', facts.tag, digest, blobs);

    const other = join(harness.dir, 'folders', 'notes');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'readme.txt'), 'not an image\n');
    await uploader.page.getByTestId('folder-input').setInputFiles(other);
    const failed = uploader.page.locator('[data-testid="image"][data-name="notes"][data-status="failed"]');
    await failed.waitFor();
    expect(await failed.getByTestId('failure').getAttribute('data-code')).toBe('NotAnImageArchive');
    expect(await failed.textContent()).toContain('This folder is not an image archive');
  });

  it('says in words that a pull-only key may not push, the ECR code under Details, and pushes nothing', async () => {
    const pullKey = localKeys().find((key) => key.permission === 'pull');
    if (!pullKey) throw new Error('apps/worker/.dev.vars lists no pull-only key');
    await harness.sdk.send(new CreateRepositoryCommand({ repositoryName: 'e2e/pull-only' }));
    const uploader = await newUploader();
    await uploader.open(harness.server.url);
    await uploader.page.getByLabel('Access key id').fill(pullKey.accessKeyId);
    await uploader.page.getByLabel('Secret access key').fill(pullKey.secretAccessKey);
    await uploader.page.getByRole('button', { name: 'Save settings' }).click();
    // The key may list and read: the repository is listed, and its push panel opens.
    await uploader.openPushPanel('e2e/pull-only');
    const { archive, facts } = await dockerSaveClassic();
    await uploader.addFiles(await writeArchive('denied.tar', archive));
    const row = uploader.page.locator('[data-testid="image"][data-name="denied.tar"]');
    await row.getByRole('button', { name: 'Push denied.tar' }).click();
    await uploader.page
      .locator('[data-testid="image"][data-name="denied.tar"][data-status="failed"]')
      .waitFor();
    const failure = row.getByTestId('failure');
    expect(await failure.getAttribute('data-code')).toBe('AccessDeniedException');
    expect(await failure.locator('p').first().textContent()).toContain(
      'This key may not push to e2e/pull-only',
    );
    await failure.getByText('Details').click();
    expect(await failure.locator('details').textContent()).toContain('AccessDeniedException');
    await expect
      .poll(() => uploader.page.getByTestId('image-announcer').textContent())
      .toContain('denied.tar: failed. This key may not push');
    await uploader.screenshot('image-pull-only-key');
    const checked = await harness.sdk.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: 'e2e/pull-only',
        layerDigests: facts.layers.map((l) => l.digest),
      }),
    );
    expect(checked.layers?.every((l) => l.layerAvailability === 'UNAVAILABLE')).toBe(true);
  });
});
