// Image pushes from the page beyond one drop of a file: a reload in the middle of a push, a folder holding an
// OCI layout, a key that may not push. Debian's Chromium against a real `wrangler dev`, as in images.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BatchCheckLayerAvailabilityCommand, CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { testLayerBytes } from '@edgecr/chunker/testing';
import {
  asFolder,
  dockerSaveClassic,
  ociLayoutOneLayer,
  ociLayoutTwoPlatforms,
} from '@edgecr/image-archive/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { localKeys, usePageHarness } from './_harness.ts';
import { imageChecks, pushFromPage } from './_images.ts';

const harness = usePageHarness('image-sources');
const { openUploader, newUploader } = harness;
const { writeArchive, expectInRepository } = imageChecks(harness);

describe('image pushes from the page: reload, folders, permissions', () => {
  it('shows an image push again after a reload, and finishes it from the same file without re-sending acknowledged bytes', async () => {
    const uploader = await openUploader('e2e/image-reload');
    await uploader.interceptParts();
    uploader.network.delayMs = 600;
    // One 40 MiB layer: four 10 MiB parts, slowed down so the reload comes in the middle.
    const { archive, facts } = await ociLayoutOneLayer(testLayerBytes(40 * MiB, 21));
    const path = await writeArchive('reload.tar', archive);
    await uploader.addFiles(path);
    const row = uploader.page.locator('[data-testid="image"][data-name="reload.tar"]');
    await row.getByLabel('Tag').fill('resumed');
    await row.getByRole('button', { name: 'Push reload.tar' }).click();
    await uploader.page.waitForFunction(
      (wanted) =>
        Number(
          document
            .querySelector('[data-testid="image"][data-name="reload.tar"]')
            ?.getAttribute('data-bytes-done') ?? 0,
        ) >= wanted,
      20 * MiB,
    );
    await uploader.page.reload();

    // The push is listed, with where it was going; choosing the file from its row continues it.
    const unfinished = uploader.page.locator('[data-testid="unfinished-image"][data-name="reload.tar"]');
    await unfinished.waitFor();
    expect(await unfinished.textContent()).toContain('Resume pushing reload.tar to e2e/image-reload:resumed');
    // Its layer is not offered as a loose upload besides.
    expect(await uploader.page.getByTestId('saved-upload').count()).toBe(0);
    await uploader.screenshot('image-reload-unfinished');
    const sentBefore = uploader.partSizes.length;
    uploader.network.delayMs = 0;
    await uploader.chooseWith(unfinished.getByRole('button', { name: 'Choose reload.tar' }), path);
    await uploader.page
      .locator('[data-testid="image"][data-name="reload.tar"][data-status="done"]')
      .waitFor();
    const digest = (await row.getByTestId('image-digest').textContent()) ?? '';
    expect(digest).toBe(facts.manifest.digest);
    await expectInRepository('e2e/image-reload', 'resumed', digest, [
      facts.layer.digest,
      facts.config.digest,
    ]);
    // After the reload: only the layer's parts the registry had not acknowledged (at most the last 20 MiB),
    // none from the layer's start, and the config, whose turn had not come.
    const sentAfter = uploader.partSizes.slice(sentBefore).reduce((sum, size) => sum + size, 0);
    expect(sentAfter).toBeGreaterThan(facts.config.size);
    expect(sentAfter).toBeLessThanOrEqual(20 * MiB + facts.config.size);
    expect(sentAfter).toBeLessThan(archive.size);
    expect(uploader.partStarts[sentBefore]).toBeGreaterThanOrEqual(20 * MiB);
    expect(await unfinished.count()).toBe(0);
    // Done: a reload no longer offers it.
    await uploader.page.reload();
    await uploader.page.getByTestId('dropzone').waitFor();
    expect(await unfinished.count()).toBe(0);
  });

  it('pushes an OCI layout folder chosen with the folder picker, and says when a folder is no layout', async () => {
    const uploader = await openUploader('e2e/folder');
    const { entries, facts } = await ociLayoutTwoPlatforms();
    for (const file of asFolder(entries, 'layout')) {
      const path = join(harness.dir, 'folders', file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, new Uint8Array(await file.blob.arrayBuffer()));
    }
    await uploader.page.getByTestId('folder-input').setInputFiles(join(harness.dir, 'folders', 'layout'));
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
    // The key may list and read: the repository is offered.
    await uploader.page.waitForFunction(() =>
      [...((document.querySelector('#repository') as HTMLSelectElement | null)?.options ?? [])].some(
        (option) => option.value === 'e2e/pull-only',
      ),
    );
    await uploader.page.locator('#repository').selectOption('e2e/pull-only');
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
    expect(await uploader.page.getByTestId('image-announcer').textContent()).toContain(
      'denied.tar: failed. This key may not push',
    );
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
