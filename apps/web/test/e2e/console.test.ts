// The console as a person meets it, in Debian's Chromium against a real `wrangler dev`: from the key to an
// image by keyboard alone, axe-core finding no violation on any view at 1280 and 390 px (screenshots of each
// into docs/), bad input answered in words, and a repository of 1,000 images.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { dockerSaveClassic, ociLayoutTwoPlatforms } from '@edgecr/image-archive/testing';
import { oras } from '@edgecr/testkit/ociClients';
import { describe, expect, it } from 'vitest';
import { expectAccessible, pressOn, seedImages, tabTo } from './_console.ts';
import { usePageHarness } from './_harness.ts';
import { imageChecks, listedImage, pushFromPage } from './_images.ts';

const harness = usePageHarness('console');
const { writeArchive } = imageChecks(harness);

/** The OCI door's login, as `aws ecr get-login-password` gives it. */
async function registryTarget() {
  const answer = await harness.sdk.send(new GetAuthorizationTokenCommand({}));
  const token = atob(answer.authorizationData?.[0]?.authorizationToken ?? '');
  return {
    host: new URL(harness.stack.endpoint).host,
    username: 'AWS',
    password: token.slice('AWS:'.length),
  };
}

describe('the registry console', () => {
  it('goes from the key to an image by keyboard alone, with no axe-core violation on any view', async () => {
    const uploader = await harness.newUploader();
    const { page } = uploader;
    await uploader.open(harness.server.url);
    expect(await page.title()).toBe('edgecr registry');
    await expectAccessible(page, 'key');
    await pressOn(page, 'Use the local development key');
    expect(await page.getByTestId('key-chip').textContent()).toMatch(/^AKIA…DEV01 on .+ · change$/);
    await page.getByText(/^No repository yet/).waitFor();
    await expectAccessible(page, 'repositories-empty');

    await tabTo(page, 'New repository');
    await page.keyboard.type('console/app');
    await page.keyboard.press('Enter');
    await uploader.pushPanel('console/app').waitFor();
    await page.getByText(/^No image yet\./).waitFor();
    const { archive: oci } = await ociLayoutTwoPlatforms();
    await uploader.chooseWith(
      page.getByRole('button', { name: /Drop image archives or layer files here/ }),
      await writeArchive('oci.tar', oci),
    );
    await page.locator('[data-testid="image"][data-name="oci.tar"]').getByLabel('Tag').fill('multi');
    const index = await pushFromPage(uploader, 'oci.tar', 'multi');
    await uploader.addFiles(await writeArchive('app.tar', (await dockerSaveClassic()).archive));
    await pushFromPage(uploader, 'app.tar', '1.0');
    await expectAccessible(page, 'push');

    // A signature of the index, attached with oras through the OCI door, shows under the index.
    const work = join(harness.dir, 'oras');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'sig.txt'), 'a signature\n');
    const registry = await registryTarget();
    await oras(
      registry,
      'attach',
      [
        `${registry.host}/console/app@${index}`,
        '--artifact-type',
        'application/vnd.example.signature',
        'sig.txt:text/plain',
      ],
      { cwd: work },
    );
    await pressOn(page, 'Close the push panel');
    await page.getByRole('button', { name: 'Refresh images' }).click();
    const listed = await listedImage(uploader, index);
    await expect
      .poll(() => listed.getByTestId('referrer').textContent())
      .toContain('application/vnd.example.signature');
    expect(await page.locator('[data-testid="images-table"] > tbody').count()).toBe(2);
    await expectAccessible(page, 'repository');

    await pressOn(page, 'multi');
    await page.getByTestId('image-view').getByTestId('platforms').waitFor();
    expect(page.url()).toContain(`#/repositories/console/app/-/images/${index}`);
    await expectAccessible(page, 'image-index');
    await pressOn(page, 'linux/amd64');
    const child = page.getByTestId('image-view');
    await child.getByTestId('image-config').waitFor();
    expect(await child.getByTestId('image-config').textContent()).toContain('linux/amd64');
    await child.getByTestId('layer-download').first().waitFor();
    await pressOn(page, 'Raw manifest');
    expect(JSON.parse(await child.getByTestId('raw-manifest').inputValue()).schemaVersion).toBe(2);
    await expectAccessible(page, 'image');
    // A reload opens the same view; back and forward walk the views.
    const childUrl = page.url();
    await page.reload();
    await page.getByTestId('image-config').waitFor();
    expect(page.url()).toBe(childUrl);
    await page.goBack();
    await page.getByTestId('image-view').getByTestId('platforms').waitFor();
    await page.goBack();
    await listedImage(uploader, index);
    await page.goForward();
    await page.getByTestId('image-view').getByTestId('platforms').waitFor();

    // Deleting a repository names what goes, and asks first; Escape keeps it.
    await pressOn(page, 'Repositories');
    await page.getByTestId('repository-row').getByText('5', { exact: true }).waitFor();
    await pressOn(page, 'Delete repository console/app');
    const question = page.getByRole('alertdialog');
    expect(await question.textContent()).toMatch(
      /^Delete repository console\/app and its 5 images \(.+; tags .*1\.0.*\)\?/,
    );
    await expectAccessible(page, 'repositories-delete');
    await page.keyboard.press('Escape');
    expect(await question.count()).toBe(0);
  });

  it('answers bad input in words: a wrong key, a vanished repository, a deleted image, a slow endpoint', async () => {
    await harness.sdk.send(new CreateRepositoryCommand({ repositoryName: 'console/gone' }));
    const uploader = await harness.newUploader();
    const { page } = uploader;
    // A slow endpoint: the view says it is loading, then that the endpoint is slow, and then shows the answer.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => url.pathname === '/',
      async (route) => {
        if (route.request().headers()['x-amz-target']?.endsWith('.DescribeRepositories')) await held;
        await route.continue();
      },
    );
    await uploader.open(harness.server.url);
    await uploader.useLocalKey();
    await page.getByText('Loading the repositories…').waitFor();
    await page.getByText(/The endpoint is slow to answer; still waiting\./).waitFor();
    release();
    await page.getByRole('link', { name: 'console/gone', exact: true }).waitFor();

    // A wrong key: the endpoint's refusal in words, its code under Details.
    await page.getByRole('button', { name: /^Change the key/ }).click();
    await page.getByLabel('Access key id').fill('AKIAEDGECRNOSUCHKEY1');
    await page.getByLabel('Secret access key').fill('not-a-secret');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const refused = page.getByTestId('repositories-view').getByRole('alert');
    await refused.waitFor();
    expect(await refused.locator('p').first().textContent()).toMatch(/key/i);
    expect(await refused.getAttribute('data-code')).toMatch(/Exception$/);
    await expectAccessible(page, 'wrong-key');
    await uploader.useLocalKey();

    // A repository that vanishes while its view is open.
    await page.getByRole('link', { name: 'console/gone', exact: true }).click();
    await page.getByText('No image yet.', { exact: false }).waitFor();
    await harness.sdk.send(new DeleteRepositoryCommand({ repositoryName: 'console/gone', force: true }));
    await page.getByRole('button', { name: 'Refresh images' }).click();
    const gone = page.getByTestId('repository-view').getByRole('alert');
    await gone.waitFor();
    expect(await gone.getAttribute('data-code')).toBe('RepositoryNotFoundException');
    expect(await gone.textContent()).toContain('The repository does not exist');
    await expectAccessible(page, 'repository-gone');

    // An image that is not there (deleted, or a link to another digest).
    await harness.sdk.send(new CreateRepositoryCommand({ repositoryName: 'console/images' }));
    await page.goto(`${harness.server.url}/#/repositories/console/images/-/images/sha256:${'0'.repeat(64)}`);
    await page.getByText(/This image is not in console\/images \(any more\)/).waitFor();
    await expectAccessible(page, 'image-gone');
  });

  it('shows a repository of 1,000 images a page of rows at a time', async () => {
    await harness.sdk.send(new CreateRepositoryCommand({ repositoryName: 'bench/1k' }));
    const seeding = Date.now();
    await seedImages(harness.sdk, 'bench/1k', 1000);
    console.log(`seeded 1,000 images in ${Date.now() - seeding} ms`);
    const uploader = await harness.newUploader();
    const { page } = uploader;
    await uploader.open(harness.server.url);
    await uploader.useLocalKey();
    // Benchmark, not a timed test: following the repository's link until its table shows, against the same
    // DescribeImages page fetched alone from Node, both with the endpoint idle (the list's counts are in).
    const row = page.locator('[data-testid="repository-row"][data-name="bench/1k"]');
    await row.getByText('1,000', { exact: true }).waitFor();
    const reference = Date.now();
    await harness.sdk.send(new DescribeImagesCommand({ repositoryName: 'bench/1k', maxResults: 1000 }));
    const described = Date.now() - reference;
    const started = Date.now();
    await row.getByRole('link', { name: 'bench/1k' }).click();
    await page.getByText('1,000 images.', { exact: true }).waitFor();
    await page.locator('[data-testid="images-table"] > tbody').nth(99).waitFor();
    const rendered = Date.now() - started;
    console.log(
      `1,000 images: view shown in ${rendered} ms; DescribeImages alone ${described} ms (ratio ${(rendered / described).toFixed(2)})`,
    );
    expect(await page.locator('[data-testid="images-table"] > tbody').count()).toBe(100);
    const pager = page.getByRole('navigation', { name: 'Pages of images' });
    expect(await pager.textContent()).toContain('Page 1 of 10');
    const first = await page
      .locator('[data-testid="images-table"] > tbody')
      .first()
      .getAttribute('data-digest');
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2 of 10').waitFor();
    expect(await page.locator('[data-testid="images-table"] > tbody').count()).toBe(100);
    expect(await page.locator(`[data-testid="images-table"] > tbody[data-digest="${first}"]`).count()).toBe(
      0,
    );
  });
});
