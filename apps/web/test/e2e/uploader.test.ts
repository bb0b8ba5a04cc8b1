// The uploader end to end: Debian's Chromium (playwright-core) drives the built page, served on one origin with
// a real `wrangler dev` of apps/worker behind it, and uploads generated 40 MiB layers (four 10 MiB parts).
import { join } from 'node:path';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { MiB } from '@edgecr/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_KEY } from '../../src/ui/settings.ts';
import { digestOfResponse, type LayerFile, writeLayerFile } from './_files.ts';
import { usePageHarness } from './_harness.ts';
import type { UploaderPage } from './_uploader.ts';

const SIZE = 40 * MiB;

const harness = usePageHarness('e2e');
const { openUploader, newUploader } = harness;
const files: Record<string, LayerFile> = {};

beforeAll(async () => {
  for (const [name, seed] of [
    ['plain.bin', 1],
    ['paused.bin', 2],
    ['cut.bin', 3],
    ['offline.bin', 4],
    ['reload.bin', 5],
    ['present.bin', 6],
  ] as const) {
    files[name] = await writeLayerFile(join(harness.dir, name), SIZE, seed);
  }
});

function file(name: string): LayerFile {
  const layer = files[name];
  if (!layer) throw new Error(`no file ${name}`);
  return layer;
}

/** Checks the page's digest and size, and that the download link serves exactly the file's bytes. */
async function expectUploaded(uploader: UploaderPage, name: string): Promise<void> {
  const layer = file(name);
  expect(await uploader.digest(name)).toBe(layer.digest);
  const downloaded = await digestOfResponse(await fetch(await uploader.downloadUrl(name)));
  expect(downloaded).toEqual({ digest: layer.digest, size: SIZE });
}

describe('the uploader against the local stack', () => {
  it('uploads a 40 MiB layer chosen from the keyboard, with its digest and a working download link', async () => {
    const uploader = await openUploader('e2e/plain');
    await uploader.addFilesByKeyboard(file('plain.bin').path);
    await uploader.waitForStatus('plain.bin', 'done');
    await expectUploaded(uploader, 'plain.bin');
    expect(new Set(uploader.partStarts)).toEqual(new Set([0, 10 * MiB, 20 * MiB, 30 * MiB]));
    expect(await uploader.layer('plain.bin').textContent()).toContain('40.0 MiB');
    await expect
      .poll(() => uploader.page.getByTestId('announcer').textContent())
      .toContain('plain.bin: uploaded.');
    // The download link is same-origin: the page itself can fetch the layer back.
    const href = await uploader.downloadUrl('plain.bin');
    expect(new URL(href).origin).toBe(harness.server.url);
    await uploader.screenshot('upload');
  });

  it('pauses, sends nothing while paused, and resumes from the acknowledged parts', async () => {
    const uploader = await openUploader('e2e/paused');
    await uploader.interceptParts();
    uploader.network.delayMs = 600;
    await uploader.addFiles(file('paused.bin').path);
    await uploader.waitForUploaded('paused.bin', 10 * MiB);
    await uploader.page.getByRole('button', { name: 'Pause paused.bin' }).click();
    await uploader.waitForStatus('paused.bin', 'paused');
    const sentBeforePause = uploader.partStarts.length;
    const acknowledged = Number(await uploader.attribute('paused.bin', 'data-bytes-acknowledged'));
    expect(await uploader.attribute('paused.bin', 'data-bytes-uploaded')).toBe(String(acknowledged));
    expect(acknowledged).toBeGreaterThanOrEqual(10 * MiB);
    expect(acknowledged % (10 * MiB)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(uploader.partStarts.length).toBe(sentBeforePause);

    uploader.network.delayMs = 0;
    await uploader.page.getByRole('button', { name: 'Resume paused.bin' }).click();
    await uploader.waitForStatus('paused.bin', 'done');
    await expectUploaded(uploader, 'paused.bin');
    // Resumed where the endpoint had acknowledged, not from the start.
    expect(uploader.partStarts[sentBeforePause]).toBe(acknowledged);
    expect(uploader.partStarts.filter((start) => start === 0)).toHaveLength(1);
    await uploader.screenshot('pause-resume');
  });

  it('retries through a network cut (requests aborted) and recovers', async () => {
    const uploader = await openUploader('e2e/cut');
    await uploader.interceptParts();
    uploader.network.delayMs = 300;
    await uploader.addFiles(file('cut.bin').path);
    await uploader.waitForUploaded('cut.bin', 10 * MiB);
    uploader.network.cut = true;
    await uploader.waitForStatus('cut.bin', 'retrying');
    await expect
      .poll(() => uploader.layer('cut.bin').getByTestId('retrying').textContent())
      .toContain('Could not reach the endpoint');
    await uploader.screenshot('network-cut-retrying');
    uploader.network.cut = false;
    uploader.network.delayMs = 0;
    await uploader.waitForStatus('cut.bin', 'done');
    await expectUploaded(uploader, 'cut.bin');
    await uploader.screenshot('network-cut');
  });

  it('waits while the browser is offline and goes on when it is back', async () => {
    const uploader = await openUploader('e2e/offline');
    await uploader.interceptParts();
    uploader.network.delayMs = 400;
    await uploader.addFiles(file('offline.bin').path);
    await uploader.waitForUploaded('offline.bin', 10 * MiB);
    await uploader.page.context().setOffline(true);
    await uploader.waitForStatus('offline.bin', 'offline');
    await uploader.screenshot('offline-waiting');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await uploader.attribute('offline.bin', 'data-status')).toBe('offline');
    await uploader.page.context().setOffline(false);
    uploader.network.delayMs = 0;
    await uploader.waitForStatus('offline.bin', 'done');
    await expectUploaded(uploader, 'offline.bin');
    await uploader.screenshot('offline');
  });

  it('resumes after a page reload from the saved state, without re-hashing what was sent', async () => {
    const uploader = await openUploader('e2e/reload');
    await uploader.interceptParts();
    uploader.network.delayMs = 600;
    await uploader.addFiles(file('reload.bin').path);
    await uploader.waitForUploaded('reload.bin', 20 * MiB);
    await uploader.page.reload();

    // The saved upload is listed; choosing the same file again continues it.
    const saved = uploader.page.getByTestId('saved-upload');
    await saved.waitFor();
    const offset = Number(await saved.getAttribute('data-offset'));
    expect(offset).toBeGreaterThanOrEqual(20 * MiB);
    expect(await saved.textContent()).toContain('reload.bin');
    const sentBeforeReload = uploader.partStarts.length;
    uploader.network.delayMs = 0;
    await uploader.addFiles(file('reload.bin').path);
    await uploader.waitForStatus('reload.bin', 'done');
    await expectUploaded(uploader, 'reload.bin');
    expect(await uploader.attribute('reload.bin', 'data-resumed-from')).toBe(String(offset));
    expect(await uploader.attribute('reload.bin', 'data-rehashed-bytes')).toBe('0');
    expect(uploader.partStarts[sentBeforeReload]).toBe(offset);
    expect(uploader.operations.filter((op) => op === 'InitiateLayerUpload')).toHaveLength(1);
    await expect.poll(() => saved.count()).toBe(0);
    await uploader.screenshot('reload-resume');
  });

  it('skips a layer already in the repository, and reports one found at completion as present', async () => {
    const uploader = await openUploader('e2e/present');
    await uploader.addFiles(file('present.bin').path);
    await uploader.waitForStatus('present.bin', 'done');
    await uploader.page.getByRole('button', { name: 'Remove present.bin from the list' }).click();

    // With the pre-check: hashed, asked, and not one byte sent.
    await uploader.setSkipExisting(true);
    const partsBefore = uploader.partStarts.length;
    await uploader.addFiles(file('present.bin').path);
    await uploader.waitForStatus('present.bin', 'done');
    expect(uploader.partStarts.length).toBe(partsBefore);
    expect(uploader.operations).toContain('BatchCheckLayerAvailability');
    await expect.poll(() => uploader.layer('present.bin').getByTestId('already-present').count()).toBe(1);
    expect(await uploader.digest('present.bin')).toBe(file('present.bin').digest);
    await uploader.page.getByRole('button', { name: 'Remove present.bin from the list' }).click();

    // Without it: the bytes go, and LayerAlreadyExistsException at completion is no failure.
    await uploader.setSkipExisting(false);
    await uploader.addFiles(file('present.bin').path);
    await uploader.waitForStatus('present.bin', 'done');
    expect(uploader.partStarts.length).toBe(partsBefore + 4);
    await expect.poll(() => uploader.layer('present.bin').getByTestId('already-present').count()).toBe(1);
    // The live region is set by an effect after the row renders: polled, not read once.
    await expect
      .poll(() => uploader.page.getByTestId('announcer').textContent())
      .toContain('already in the repository');
    await uploader.screenshot('already-present');
  });

  it('says in words when the endpoint refuses the credentials', async () => {
    const wrong = { accessKeyId: LOCAL_DEV_KEY.accessKeyId, secretAccessKey: 'not-the-secret' };
    const probe = new EcrClient({
      endpoint: harness.stack.endpoint,
      region: 'us-east-1',
      credentials: wrong,
      transport: fetchTransport(),
    });
    // The Worker checks every SigV4 signature: a known key with the wrong secret is refused as ECR refuses it.
    await expect(probe.describeRepositories()).rejects.toMatchObject({ code: 'InvalidSignatureException' });
    const uploader = await newUploader();
    await uploader.open(harness.server.url);
    await uploader.page.getByLabel('Access key id').fill(wrong.accessKeyId);
    await uploader.page.getByLabel('Secret access key').fill(wrong.secretAccessKey);
    await uploader.page.getByRole('button', { name: 'Save settings' }).click();
    const failure = uploader.page.locator('.repositories [data-testid="failure"]');
    await failure.waitFor();
    expect(await failure.textContent()).toContain('did not accept the access key and secret');
    await uploader.screenshot('bad-credentials');
  });

  it('says in words when the repository is gone', async () => {
    const uploader = await newUploader();
    await uploader.open(harness.server.url);
    // Before any key: the page says what is missing.
    expect(await uploader.page.getByTestId('no-key').textContent()).toContain('Enter an access key');
    await uploader.useLocalKey();
    await uploader.createRepository('e2e/errors');
    await uploader.addFiles(file('plain.bin').path);
    await uploader.waitForStatus('plain.bin', 'done');
    await uploader.page.getByRole('button', { name: 'Remove plain.bin from the list' }).click();
    // The repository disappears behind the page's back.
    const admin = new EcrClient({
      endpoint: harness.stack.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_DEV_KEY,
      transport: fetchTransport(),
    });
    await admin.send('DeleteRepository', { repositoryName: 'e2e/errors', force: true });
    await uploader.addFiles(file('paused.bin').path);
    await uploader.waitForStatus('paused.bin', 'failed');
    const failure = uploader.layer('paused.bin').getByTestId('failure');
    expect(await failure.getAttribute('data-code')).toBe('RepositoryNotFoundException');
    expect(await failure.textContent()).toContain('The repository does not exist');
    // The repository's open view is read again, and says the repository is gone.
    const gone = uploader.page.getByTestId('repository-view').getByRole('alert');
    await expect.poll(() => gone.getAttribute('data-code')).toBe('RepositoryNotFoundException');
    expect(await gone.textContent()).toContain('The repository does not exist');
    await uploader.screenshot('errors');
  });

  it('accepts every repository name ECR accepts, and says the rule in words when it refuses one', async () => {
    const uploader = await openUploader('e2e/names');
    await uploader.openRepositories();
    const field = uploader.page.getByLabel('New repository');
    const create = uploader.page.getByRole('button', { name: 'Create', exact: true });
    await field.fill('Team/App');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await create.isDisabled()).toBe(true);
    const rule = uploader.page.locator('#new-repository-rule');
    expect(await rule.textContent()).toContain('lowercase letters and digits');
    expect(await field.getAttribute('aria-describedby')).toBe('new-repository-rule');
    await uploader.screenshot('repository-name-rule');
    // `__` and runs of `-` are in ECR's rule.
    await uploader.createRepository('e2e/team__app--web');
    expect(await rule.count()).toBe(0);
  });
});
