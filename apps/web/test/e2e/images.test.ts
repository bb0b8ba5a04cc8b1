// Whole images from the page: Debian's Chromium drops `docker save` and OCI layout archives on the built page,
// served with a real `wrangler dev` of apps/worker behind it; the AWS SDK then checks what the repository holds,
// and skopeo pulls it back through the OCI door.
import { createHash } from 'node:crypto';
import { BatchGetImageCommand, CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { dockerSaveClassic, ociLayoutTwoPlatforms } from '@edgecr/image-archive/testing';
import { describe, expect, it } from 'vitest';
import { usePageHarness } from './_harness.ts';
import {
  expectLayerLinks,
  expectSameBlobs,
  expectWholeCommand,
  imageChecks,
  listedImage,
  openImage,
  pushFromPage,
} from './_images.ts';

const harness = usePageHarness('images');
const { openUploader, newUploader } = harness;
const { writeArchive, expectInRepository, pullWithSkopeo } = imageChecks(harness);

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
    const view = await expectLayerLinks(uploader, digest, facts.layers);
    expect(await view.getByLabel('docker pull command', { exact: true }).inputValue()).toBe(
      `docker pull ${host}/e2e/docker@${digest}`,
    );
    await expectWholeCommand(view.getByLabel('docker pull command', { exact: true }));
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
    // The repository view names both platforms, the child manifests nested under the index (not untagged
    // images of their own), and each child's view links its layers.
    const listed = await listedImage(uploader, digest);
    await expect
      .poll(() => listed.getByTestId('platforms').textContent())
      .toBe('linux/amd64, linux/arm64/v8');
    expect(await uploader.page.locator('[data-testid="images-table"] > tbody').count()).toBe(1);
    await uploader.screenshot('image-oci');
    for (const platform of facts.platforms) {
      // Nested: the index's own rows hold it (waited for, since going back loads the view again).
      await listed.locator(`[data-digest="${platform.manifest.digest}"]`).waitFor();
      const view = await expectLayerLinks(uploader, platform.manifest.digest, platform.layers);
      // An untagged image's command names its digest: longer than the row, wrapped, still whole.
      expect(await view.getByLabel('docker pull command', { exact: true }).inputValue()).toContain(
        '@sha256:',
      );
      await expectWholeCommand(view.getByLabel('docker pull command', { exact: true }));
      await uploader.page.goBack();
    }
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
    await expect
      .poll(() => uploader.page.getByTestId('image-announcer').textContent())
      .toContain('broken.tar: failed.');
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
    await expect
      .poll(() => uploader.page.getByTestId('image-announcer').textContent())
      .toBe('pause.tar: paused.');
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
    await uploader.openPushPanel('e2e/immutable');
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
    // The same image under a second tag, typed in the field of a second drop.
    await uploader.addFiles(path);
    const second = uploader.page.locator('[data-testid="image"][data-name="view.tar"]').nth(1);
    await second.getByLabel('Tag').fill('stable');
    await second.getByRole('button', { name: 'Push view.tar' }).click();
    await expect.poll(() => listed.textContent()).toContain('stable');
    const view = await openImage(uploader, digest);
    await expect
      .poll(() => view.textContent())
      .toContain('application/vnd.docker.distribution.manifest.v2+json');
    const tagsShown = view.getByTestId('image-facts');
    // Delete one tag: asked first, and "Keep" changes nothing.
    await view.getByRole('button', { name: 'Delete tag 1.0' }).click();
    await uploader.page.getByRole('button', { name: 'Keep' }).click();
    expect(await tagsShown.textContent()).toContain('1.0');
    await view.getByRole('button', { name: 'Delete tag 1.0' }).click();
    expect(await uploader.page.getByRole('alertdialog').textContent()).toContain(
      'Delete tag 1.0 from e2e/view?',
    );
    await uploader.screenshot('repository-view-confirm');
    await uploader.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => view.getByTestId('image-status').textContent()).toBe('Deleted the tag 1.0.');
    await expect.poll(() => tagsShown.textContent()).not.toContain('1.0');
    const tags = await harness.sdk.send(
      new BatchGetImageCommand({ repositoryName: 'e2e/view', imageIds: [{ imageTag: '1.0' }] }),
    );
    expect(tags.failures?.[0]?.failureCode).toBe('ImageNotFound');
    await expect.poll(() => view.getByTestId('layer-download').count()).toBe(2);
    await uploader.screenshot('repository-view');
    // Then the whole image, named with its tags in the question; the repository's view follows.
    await view.getByRole('button', { name: 'Delete image' }).click();
    expect(await uploader.page.getByRole('alertdialog').textContent()).toContain(
      `image ${digest} and its tags stable`,
    );
    await uploader.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => uploader.page.getByTestId('repository-view').textContent())
      .toContain('No image yet.');
    expect(await listed.count()).toBe(0);
  });
});
