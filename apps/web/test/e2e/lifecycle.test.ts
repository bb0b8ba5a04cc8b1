// A repository's lifecycle policy in the console, in Debian's Chromium against a real `wrangler dev`: images
// pushed through the ECR API first, a policy the registry refuses (ECR's words shown, the text kept, nothing
// stored), a policy saved by keyboard, its rules in words, a preview listing exactly the images it would expire
// (as GetLifecyclePolicyPreview does) and expiring none; a pull-only key sees it read-only and is told why it
// may not change it; deletion asked first. axe-core finds no violation on any of these views.
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  LifecyclePolicyNotFoundException,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { KEEP_ONE_UNTAGGED_AND_ONE_RELEASE } from '@edgecr/testkit/lifecyclePolicy';
import { describe, expect, it } from 'vitest';
import { expectAccessible, pressOn, seedImages } from './_console.ts';
import { localKeys, usePageHarness } from './_harness.ts';

const harness = usePageHarness('lifecycle');
const REPOSITORY = 'console/lifecycle';

/** Keep the newest untagged image and the newest release (`v*`); an image of neither kind stays. */
const POLICY = KEEP_ONE_UNTAGGED_AND_ONE_RELEASE;

/**
 * Release v0 (seedImages), then v1, v2 and two untagged images, one a second (the registry keeps push times in
 * whole seconds, and a policy keeps the newest). Returns the digests by name.
 */
async function seed(): Promise<Record<string, string>> {
  await harness.sdk.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  const [v0 = ''] = await seedImages(harness.sdk, REPOSITORY, 1);
  const got = await harness.sdk.send(
    new BatchGetImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: v0 }] }),
  );
  const manifest = JSON.parse(got.images?.[0]?.imageManifest ?? '{}');
  const digests: Record<string, string> = { v0 };
  for (const name of ['v1', 'v2', 'u1', 'u2']) {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const put = await harness.sdk.send(
      new PutImageCommand({
        repositoryName: REPOSITORY,
        imageManifest: JSON.stringify({ ...manifest, annotations: { name } }),
        ...(name.startsWith('v') && { imageTag: name }),
      }),
    );
    digests[name] = put.image?.imageId?.imageDigest ?? '';
  }
  return digests;
}

async function storedPolicy(): Promise<string | undefined> {
  try {
    const answer = await harness.sdk.send(new GetLifecyclePolicyCommand({ repositoryName: REPOSITORY }));
    return answer.lifecyclePolicyText;
  } catch (error) {
    if (error instanceof LifecyclePolicyNotFoundException) return undefined;
    throw error;
  }
}

describe('the lifecycle policy in the console', () => {
  it('refuses a bad policy in ECR’s words, saves one, and previews exactly what it would expire', async () => {
    const digests = await seed();
    const uploader = await harness.newUploader();
    const { page } = uploader;
    await uploader.open(`${harness.server.url}/#/repositories/${REPOSITORY}`);
    await uploader.useLocalKey();
    const section = page.getByTestId('lifecycle-section');
    await section.getByTestId('lifecycle-none').waitFor();

    // By keyboard: the editor opens with the focus in it, prefilled with an example.
    await pressOn(page, 'Add a lifecycle policy');
    const editor = page.getByLabel('Lifecycle policy JSON');
    expect(await editor.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(JSON.parse(await editor.inputValue()).rules).toHaveLength(1);

    const twice = JSON.parse(POLICY);
    twice.rules[1].rulePriority = 1;
    const bad = JSON.stringify(twice, null, 2);
    await editor.fill(bad);
    await pressOn(page, 'Save the lifecycle policy');
    const refused = section.getByTestId('lifecycle-failure');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).toBe('InvalidParameterException');
    expect(await refused.textContent()).toContain('The registry refused the policy, and nothing changed.');
    expect(await refused.getByTestId('lifecycle-failure-detail').textContent()).toContain(
      'Lifecycle policy validation failure: ',
    );
    expect(await editor.inputValue()).toBe(bad);
    expect(await storedPolicy()).toBeUndefined();
    await expectAccessible(page, 'lifecycle-refused');

    await editor.fill(POLICY);
    await pressOn(page, 'Save the lifecycle policy');
    await section.getByTestId('lifecycle-rules').waitFor();
    expect(await page.getByTestId('lifecycle-said').textContent()).toBe('Lifecycle policy saved.');
    expect(await storedPolicy()).toBe(POLICY);
    const rules = await section.getByTestId('lifecycle-rule-row').allTextContents();
    expect(rules).toEqual([
      '1one untagged imageuntagged images, beyond the newest 1expire',
      '2one releaseimages with tags matching v*, beyond the newest 1expire',
    ]);
    await pressOn(page, 'The policy as JSON');
    expect(JSON.parse(await section.getByTestId('lifecycle-json').inputValue())).toEqual(JSON.parse(POLICY));

    await pressOn(page, 'Preview what it would expire');
    const status = section.getByTestId('lifecycle-preview-status');
    await status.getByText('3 images would expire under the saved policy.').waitFor();
    const expiring = section.getByTestId('lifecycle-expiring');
    const shown = await Promise.all(
      (await expiring.all()).map(async (row) => [
        await row.getAttribute('data-digest'),
        await row.getByTestId('lifecycle-rule').textContent(),
      ]),
    );
    // Oldest push first: the two older releases by rule 2, the older untagged image by rule 1.
    expect(shown).toEqual([
      [digests.v0, '2 · one release'],
      [digests.v1, '2 · one release'],
      [digests.u1, '1 · one untagged image'],
    ]);
    const answer = await harness.sdk.send(
      new GetLifecyclePolicyPreviewCommand({ repositoryName: REPOSITORY }),
    );
    expect(answer.previewResults?.map((r) => r.imageDigest)).toEqual(shown.map(([digest]) => digest));
    const images = await harness.sdk.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }));
    expect(images.imageDetails).toHaveLength(5);
    await expectAccessible(page, 'lifecycle-preview');
  });

  it('shows a pull-only key the policy read-only and says why it may not change it; deletion asked first', async () => {
    const pullKey = localKeys().find((key) => key.permission === 'pull');
    if (!pullKey) throw new Error('apps/worker/.dev.vars lists no pull-only key');
    const reader = await harness.newUploader();
    await reader.open(`${harness.server.url}/#/repositories/${REPOSITORY}`);
    await reader.page.getByLabel('Access key id').fill(pullKey.accessKeyId);
    await reader.page.getByLabel('Secret access key').fill(pullKey.secretAccessKey);
    await reader.page.getByRole('button', { name: 'Save settings' }).click();
    const section = reader.page.getByTestId('lifecycle-section');
    await section.getByTestId('lifecycle-rules').waitFor();
    await section.getByRole('button', { name: 'Preview what it would expire' }).click();
    const denied = section.getByTestId('lifecycle-failure');
    await denied.waitFor();
    expect(await denied.getAttribute('data-code')).toBe('AccessDeniedException');
    expect(await denied.textContent()).toContain('This key may not change or preview lifecycle policies');
    await expectAccessible(reader.page, 'lifecycle-denied');
    await section.getByRole('button', { name: 'Edit the lifecycle policy' }).click();
    await section.getByRole('button', { name: 'Save the lifecycle policy' }).click();
    await section.locator('[data-testid="lifecycle-failure"][data-code="AccessDeniedException"]').waitFor();
    expect(await storedPolicy()).toBe(POLICY);
    // The harness closes the test's last browser profile; this one is closed here.
    await reader.page.context().close();

    const admin = await harness.newUploader();
    const { page } = admin;
    await admin.open(`${harness.server.url}/#/repositories/${REPOSITORY}`);
    await admin.useLocalKey();
    await page.getByTestId('lifecycle-rules').waitFor();
    await pressOn(page, 'Delete the lifecycle policy');
    const question = page.getByRole('alertdialog');
    expect(await question.textContent()).toContain(`Delete the lifecycle policy of ${REPOSITORY}?`);
    await page.keyboard.press('Escape');
    expect(await storedPolicy()).toBe(POLICY);
    await pressOn(page, 'Delete the lifecycle policy');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('lifecycle-none').waitFor();
    expect(await storedPolicy()).toBeUndefined();
  });
});
