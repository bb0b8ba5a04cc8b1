// Whole images from the page: Debian's Chromium drops `docker save` and OCI layout archives on the built page,
// served with a real `wrangler dev` of apps/worker behind it; the AWS SDK then checks what the repository holds.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { testLayerBytes } from '@edgecr/chunker/testing';
import {
  asFolder,
  dockerSaveClassic,
  type FixtureBlob,
  ociLayoutOneLayer,
  ociLayoutTwoPlatforms,
} from '@edgecr/image-archive/testing';
import { MiB } from '@edgecr/protocol';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runTool, skopeoCopy } from '../../../worker/test/e2e/_ociClients.ts';
import { digestOfResponse } from './_files.ts';
import { localKeys, usePageHarness } from './_harness.ts';
import type { UploaderPage } from './_uploader.ts';

const harness = usePageHarness('images');
const { openUploader, newUploader } = harness;

async function writeArchive(name: string, archive: Blob): Promise<string> {
  const path = join(harness.dir, name);
  writeFileSync(path, new Uint8Array(await archive.arrayBuffer()));
  return path;
}

/** Pushes the archive from the page and returns the image digest the page shows. */
async function pushFromPage(uploader: UploaderPage, name: string, tag: string): Promise<string> {
  const row = uploader.page.locator(`[data-testid="image"][data-name="${name}"]`);
  await row.waitFor();
  expect(await row.getByLabel('Tag').inputValue()).toBe(tag);
  await row.getByRole('button', { name: `Push ${name}` }).click();
  await uploader.page.locator(`[data-testid="image"][data-name="${name}"][data-status="done"]`).waitFor();
  expect(await row.getByTestId('image-stats').textContent()).toContain('(100%)');
  expect(await uploader.page.getByTestId('image-announcer').textContent()).toContain(
    `${name}: image pushed.`,
  );
  return (await row.getByTestId('image-digest').textContent()) ?? '';
}

/** The repository view's entry of the image, once it lists it. */
async function listedImage(uploader: UploaderPage, digest: string) {
  const listed = uploader.page.locator(`[data-testid="repository-image"][data-digest="${digest}"]`);
  await listed.waitFor();
  return listed;
}

/** Opens the image's layers in the repository view; each download link serves exactly that blob's bytes. */
async function expectLayerLinks(uploader: UploaderPage, digest: string, layers: readonly FixtureBlob[]) {
  const listed = await listedImage(uploader, digest);
  await listed.getByText('Layers', { exact: true }).click();
  const links = listed.getByTestId('layer-download');
  await expect.poll(() => links.count()).toBe(layers.length);
  for (const layer of layers) {
    const href =
      (await links.and(listed.locator(`[data-digest="${layer.digest}"]`)).getAttribute('href')) ?? '';
    expect(await digestOfResponse(await fetch(href))).toEqual({ digest: layer.digest, size: layer.size });
  }
}

/** The pull command field shows the whole command: nothing scrolled out of sight, across or down. */
async function expectWholeCommand(field: Locator) {
  const size = await field.evaluate((box) => ({
    width: [box.scrollWidth, box.clientWidth],
    height: [box.scrollHeight, box.clientHeight],
  }));
  expect(size.width[0]).toBeLessThanOrEqual(size.width[1] ?? 0);
  expect(size.height[0]).toBeLessThanOrEqual(size.height[1] ?? 0);
}

/** The manifest is in the repository under the tag, and every blob it names is AVAILABLE. */
async function expectInRepository(repositoryName: string, tag: string, digest: string, blobs: string[]) {
  const got = await harness.sdk.send(
    new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: tag }] }),
  );
  expect(got.failures).toEqual([]);
  expect(got.images?.[0]?.imageId?.imageDigest).toBe(digest);
  const checked = await harness.sdk.send(
    new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: blobs }),
  );
  expect(checked.failures).toEqual([]);
  expect(checked.layers?.map((layer) => [layer.layerDigest, layer.layerAvailability])).toEqual(
    blobs.map((blob) => [blob, 'AVAILABLE']),
  );
}

/**
 * Pulls `repository:tag` through the OCI door with skopeo, logged in with the password GetAuthorizationToken
 * gives (as `aws ecr get-login-password` prints it), into a `dir:` copy: every blob a file named by its hex
 * digest, the top manifest as `manifest.json`, exactly as served (an OCI layout would make skopeo convert a
 * Docker manifest). Returns a reader of the pulled files.
 */
async function pullWithSkopeo(repository: string, tag: string): Promise<(name: string) => Buffer> {
  const answer = await harness.sdk.send(new GetAuthorizationTokenCommand({}));
  const token = answer.authorizationData?.[0]?.authorizationToken ?? '';
  const [username, password] = Buffer.from(token, 'base64').toString().split(':');
  const registry = { host: `127.0.0.1:${harness.stack.port}`, username, password };
  const login = await runTool('skopeo', [
    'login',
    '--tls-verify=false',
    '--authfile',
    join(harness.dir, `auth-${repository.replaceAll('/', '-')}.json`),
    '-u',
    username ?? '',
    '-p',
    password ?? '',
    registry.host,
  ]);
  expect(login.stdout).toContain('Login Succeeded');
  const to = join(harness.dir, `pulled-${repository.replaceAll('/', '-')}-${tag}`);
  await skopeoCopy(`docker://${registry.host}/${repository}:${tag}`, `dir:${to}`, { src: registry });
  return (name) => readFileSync(join(to, name));
}

/** Every blob pulled back is the archive's, byte for byte. */
function expectSameBlobs(pulled: (name: string) => Buffer, blobs: readonly FixtureBlob[]): void {
  for (const blob of blobs) {
    const copy = pulled(blob.digest.slice('sha256:'.length));
    expect(Buffer.compare(copy, blob.bytes), blob.digest).toBe(0);
  }
}

describe('whole images pushed from the page', () => {
  it('pushes a docker save archive under its own tag, with the digest and the pull command', async () => {
    const uploader = await openUploader('e2e/docker');
    const { archive, facts } = await dockerSaveClassic();
    await uploader.addFiles(await writeArchive('app.tar', archive));
    const digest = await pushFromPage(uploader, 'app.tar', '1.0');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const host = new URL(harness.server.url).host;
    expect(await uploader.page.getByLabel('Pull command for app.tar', { exact: true }).inputValue()).toBe(
      `docker pull ${host}/e2e/docker:1.0`,
    );
    await expectWholeCommand(uploader.page.getByLabel('Pull command for app.tar', { exact: true }));
    await expectWholeCommand(uploader.page.getByLabel(`Pull command for ${digest}`, { exact: true }));
    await expectLayerLinks(uploader, digest, facts.layers);
    await expectInRepository(
      'e2e/docker',
      '1.0',
      digest,
      [facts.config, ...facts.layers].map((b) => b.digest),
    );
    await uploader.screenshot('image-docker');
    // skopeo pulls it through the OCI door: the manifest the page built, the config and the layers as archived.
    const pulled = await pullWithSkopeo('e2e/docker', '1.0');
    expect(`sha256:${createHash('sha256').update(pulled('manifest.json')).digest('hex')}`).toBe(digest);
    expectSameBlobs(pulled, [facts.config, ...facts.layers]);
  });

  it('pushes a two-platform OCI layout under a tag typed in the field', async () => {
    const uploader = await openUploader('e2e/oci');
    const { archive, facts } = await ociLayoutTwoPlatforms();
    await uploader.addFiles(await writeArchive('oci.tar', archive));
    const row = uploader.page.locator('[data-testid="image"][data-name="oci.tar"]');
    await row.waitFor();
    expect(await row.getByLabel('Tag').inputValue()).toBe(facts.tag);
    await row.getByLabel('Tag').fill('multi');
    const digest = await pushFromPage(uploader, 'oci.tar', 'multi');
    expect(digest).toBe(facts.index.digest);
    const blobs = [...new Set(facts.platforms.flatMap((p) => [p.config, ...p.layers].map((b) => b.digest)))];
    await expectInRepository('e2e/oci', 'multi', digest, blobs);
    // The child manifests are in the repository too, by digest.
    const children = await harness.sdk.send(
      new BatchGetImageCommand({
        repositoryName: 'e2e/oci',
        imageIds: facts.platforms.map((p) => ({ imageDigest: p.manifest.digest })),
      }),
    );
    expect(children.images?.length).toBe(2);
    // The repository view names both platforms, and links every layer of both, the shared one once.
    const listed = await listedImage(uploader, digest);
    await expect
      .poll(() => listed.getByTestId('platforms').textContent())
      .toBe('Platforms: linux/amd64, linux/arm64/v8');
    // An untagged image's command names its digest: longer than the row, wrapped, still whole.
    const untagged = await listedImage(uploader, facts.platforms[0]?.manifest.digest ?? '');
    expect(await untagged.getByRole('textbox').inputValue()).toContain('@sha256:');
    await expectWholeCommand(untagged.getByRole('textbox'));
    const layers = [...new Map(facts.platforms.flatMap((p) => p.layers).map((l) => [l.digest, l])).values()];
    await expectLayerLinks(uploader, digest, layers);
    await uploader.screenshot('image-oci');
    // skopeo pulls every platform: the index, both manifests, configs and layers, byte for byte.
    const pulled = await pullWithSkopeo('e2e/oci', 'multi');
    expect(Buffer.compare(pulled('manifest.json'), facts.index.bytes)).toBe(0);
    for (const platform of facts.platforms) {
      const hex = platform.manifest.digest.slice('sha256:'.length);
      expect(Buffer.compare(pulled(`${hex}.manifest.json`), platform.manifest.bytes)).toBe(0);
      expectSameBlobs(pulled, [platform.config, ...platform.layers]);
    }
  });

  it('says in words that an archive misses a blob its manifest names', async () => {
    const uploader = await openUploader('e2e/broken');
    const { archive } = await ociLayoutTwoPlatforms({
      omit: (facts) => facts.platforms[0]?.layers[1]?.digest ?? '',
    });
    await uploader.addFiles(await writeArchive('broken.tar', archive));
    const row = uploader.page.locator('[data-testid="image"][data-name="broken.tar"][data-status="failed"]');
    await row.waitFor();
    const failure = row.getByTestId('failure');
    expect(await failure.getAttribute('data-code')).toBe('MissingBlob');
    expect(await uploader.page.getByTestId('image-announcer').textContent()).toContain('broken.tar: failed.');
    await uploader.screenshot('image-missing-blob');
  });

  it('pauses, resumes and cancels an image push', async () => {
    const uploader = await openUploader('e2e/pause');
    await uploader.interceptParts();
    uploader.network.delayMs = 1500;
    const { archive, facts } = await dockerSaveClassic();
    await uploader.addFiles(await writeArchive('pause.tar', archive));
    const row = uploader.page.locator('[data-testid="image"][data-name="pause.tar"]');
    await row.getByRole('button', { name: 'Push pause.tar' }).click();
    await expect.poll(() => uploader.operations.includes('UploadLayerPart')).toBe(true);
    await row.getByRole('button', { name: 'Pause pause.tar' }).click();
    await uploader.page
      .locator('[data-testid="image"][data-name="pause.tar"][data-status="paused"]')
      .waitFor();
    expect(await uploader.page.getByTestId('image-announcer').textContent()).toBe('pause.tar: paused.');
    await uploader.screenshot('image-paused');
    uploader.network.delayMs = 0;
    await row.getByRole('button', { name: 'Resume pause.tar' }).click();
    await uploader.page.locator('[data-testid="image"][data-name="pause.tar"][data-status="done"]').waitFor();
    const digest = (await row.getByTestId('image-digest').textContent()) ?? '';
    await expectInRepository(
      'e2e/pause',
      '1.0',
      digest,
      [facts.config, ...facts.layers].map((b) => b.digest),
    );
    // A second drop of the same archive, cancelled while its tag push is slowed down.
    uploader.network.delayMs = 1500;
    const other = await ociLayoutTwoPlatforms();
    await uploader.addFiles(await writeArchive('cancel.tar', other.archive));
    const cancelRow = uploader.page.locator('[data-testid="image"][data-name="cancel.tar"]');
    await cancelRow.getByRole('button', { name: 'Push cancel.tar' }).click();
    await cancelRow.getByRole('button', { name: 'Cancel cancel.tar' }).click();
    await uploader.page
      .locator('[data-testid="image"][data-name="cancel.tar"][data-status="cancelled"]')
      .waitFor();
    // Its index never reached the repository (the archive's tag may be one the first image has).
    const index = await harness.sdk.send(
      new BatchGetImageCommand({
        repositoryName: 'e2e/pause',
        imageIds: [{ imageDigest: other.facts.index.digest }],
      }),
    );
    expect(index.images).toEqual([]);
  });

  it('says in words that an immutable tag already names another image, the ECR code under Details', async () => {
    await harness.sdk.send(
      new CreateRepositoryCommand({ repositoryName: 'e2e/immutable', imageTagMutability: 'IMMUTABLE' }),
    );
    const uploader = await newUploader();
    await uploader.open(harness.server.url);
    await uploader.useLocalKey();
    await uploader.page.locator('#repository').selectOption('e2e/immutable');
    await uploader.addFiles(await writeArchive('first.tar', (await dockerSaveClassic()).archive));
    await pushFromPage(uploader, 'first.tar', '1.0');
    await uploader.addFiles(await writeArchive('other.tar', (await ociLayoutTwoPlatforms()).archive));
    const row = uploader.page.locator('[data-testid="image"][data-name="other.tar"]');
    await row.getByLabel('Tag').fill('1.0');
    await row.getByRole('button', { name: 'Push other.tar' }).click();
    await uploader.page
      .locator('[data-testid="image"][data-name="other.tar"][data-status="failed"]')
      .waitFor();
    const failure = row.getByTestId('failure');
    expect(await failure.getAttribute('data-code')).toBe('ImageTagAlreadyExistsException');
    expect(await failure.locator('p').first().textContent()).toContain('the repository’s tags are immutable');
    await failure.getByText('Details').click();
    expect(await failure.locator('details').textContent()).toContain('ImageTagAlreadyExistsException');
    await uploader.screenshot('image-immutable-tag');
  });

  it('lists what the repository holds after a push, and deletes a tag and then the image after confirmation', async () => {
    const uploader = await openUploader('e2e/view');
    const { archive } = await dockerSaveClassic();
    const path = await writeArchive('view.tar', archive);
    await uploader.addFiles(path);
    const digest = await pushFromPage(uploader, 'view.tar', '1.0');
    const listed = uploader.page.locator(`[data-testid="repository-image"][data-digest="${digest}"]`);
    await expect.poll(() => listed.textContent()).toContain('1.0');
    expect(await listed.textContent()).toContain('application/vnd.docker.distribution.manifest.v2+json');
    // The same image under a second tag, typed in the field of a second drop.
    await uploader.addFiles(path);
    const second = uploader.page.locator('[data-testid="image"][data-name="view.tar"]').nth(1);
    await second.getByLabel('Tag').fill('stable');
    await second.getByRole('button', { name: 'Push view.tar' }).click();
    await expect.poll(() => listed.textContent()).toContain('stable');
    // Delete one tag: asked first, and "Keep" changes nothing.
    await listed.getByRole('button', { name: 'Delete tag 1.0' }).click();
    await uploader.page.getByRole('button', { name: 'Keep' }).click();
    expect(await listed.textContent()).toContain('1.0');
    await listed.getByRole('button', { name: 'Delete tag 1.0' }).click();
    expect(await uploader.page.getByRole('alertdialog').textContent()).toContain(
      'Delete tag 1.0 from e2e/view?',
    );
    await uploader.screenshot('repository-view-confirm');
    await uploader.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => uploader.page.getByTestId('repository-status').textContent())
      .toBe('Deleted the tag 1.0.');
    await expect.poll(() => listed.textContent()).not.toContain('1.0');
    const tags = await harness.sdk.send(
      new BatchGetImageCommand({ repositoryName: 'e2e/view', imageIds: [{ imageTag: '1.0' }] }),
    );
    expect(tags.failures?.[0]?.failureCode).toBe('ImageNotFound');
    await listed.getByText('Layers', { exact: true }).click();
    await expect.poll(() => listed.getByTestId('layer-download').count()).toBe(2);
    await uploader.screenshot('repository-view');
    // Then the whole image.
    await listed.getByRole('button', { name: /^Delete image / }).click();
    await uploader.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => listed.count()).toBe(0);
    expect(await uploader.page.getByTestId('repository-view').textContent()).toContain('No image yet.');
  });

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
