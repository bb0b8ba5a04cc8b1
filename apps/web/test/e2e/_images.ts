// What the image e2e files share: writing fixture archives, pushing one from the page, and checking the result
// with the AWS SDK, skopeo (through /v2/) and the repository view.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import type { FixtureBlob } from '@edgecr/image-archive/testing';
import { runTool, skopeoCopy } from '@edgecr/testkit/ociClients';
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import { digestOfResponse } from './_files.ts';
import type { PageHarness } from './_harness.ts';
import type { UploaderPage } from './_uploader.ts';

/** Pushes the archive from the page and returns the image digest the page shows. */
export async function pushFromPage(uploader: UploaderPage, name: string, tag: string): Promise<string> {
  const row = uploader.page.locator(`[data-testid="image"][data-name="${name}"]`);
  await row.waitFor();
  expect(await row.getByLabel('Tag').inputValue()).toBe(tag);
  await row.getByRole('button', { name: `Push ${name}` }).click();
  await uploader.page.locator(`[data-testid="image"][data-name="${name}"][data-status="done"]`).waitFor();
  expect(await row.getByTestId('image-stats').textContent()).toContain('(100%)');
  await expect
    .poll(() => uploader.page.getByTestId('image-announcer').textContent())
    .toContain(`${name}: image pushed.`);
  return (await row.getByTestId('image-digest').textContent()) ?? '';
}

/** The repository view's entry of the image, once it lists it. */
export async function listedImage(uploader: UploaderPage, digest: string) {
  const listed = uploader.page.locator(`[data-testid="repository-image"][data-digest="${digest}"]`);
  await listed.waitFor();
  return listed;
}

/** Opens the image's view from its row in the repository view (its first link). */
export async function openImage(uploader: UploaderPage, digest: string): Promise<Locator> {
  const listed = await listedImage(uploader, digest);
  await listed.getByRole('link').first().click();
  const view = uploader.page.locator(`[data-testid="image-view"][data-digest="${digest}"]`);
  await view.waitFor();
  return view;
}

/** Opens the image's view; each layer's download link serves exactly that blob's bytes. Returns the view. */
export async function expectLayerLinks(
  uploader: UploaderPage,
  digest: string,
  layers: readonly FixtureBlob[],
): Promise<Locator> {
  const view = await openImage(uploader, digest);
  const links = view.getByTestId('layer-download');
  await expect.poll(() => links.count()).toBe(layers.length);
  for (const layer of layers) {
    const href =
      (await links.and(view.locator(`[data-digest="${layer.digest}"]`)).getAttribute('href')) ?? '';
    expect(await digestOfResponse(await fetch(href))).toEqual({ digest: layer.digest, size: layer.size });
  }
  return view;
}

/** The pull command field shows the whole command: nothing scrolled out of sight, across or down. */
export async function expectWholeCommand(field: Locator) {
  const size = await field.evaluate((box) => ({
    width: [box.scrollWidth, box.clientWidth],
    height: [box.scrollHeight, box.clientHeight],
  }));
  expect(size.width[0]).toBeLessThanOrEqual(size.width[1] ?? 0);
  expect(size.height[0]).toBeLessThanOrEqual(size.height[1] ?? 0);
}

/** Every blob pulled back is the archive's, byte for byte. */
export function expectSameBlobs(pulled: (name: string) => Buffer, blobs: readonly FixtureBlob[]): void {
  for (const blob of blobs) {
    const copy = pulled(blob.digest.slice('sha256:'.length));
    expect(Buffer.compare(copy, blob.bytes), blob.digest).toBe(0);
  }
}

/** The checks that need the stack, the SDK or the file's temporary folder. */
export function imageChecks(harness: PageHarness) {
  /** Writes a fixture archive into the test file's temporary folder and returns its path. */
  async function writeArchive(name: string, archive: Blob): Promise<string> {
    const path = join(harness.dir, name);
    writeFileSync(path, new Uint8Array(await archive.arrayBuffer()));
    return path;
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

  return { writeArchive, expectInRepository, pullWithSkopeo };
}
