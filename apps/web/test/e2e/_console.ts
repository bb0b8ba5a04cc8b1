// What the console's e2e tests share: axe-core run in the page at both widths with a screenshot of each into
// docs/, moving by keyboard alone, and repositories filled with many small images through the AWS SDK.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CompleteLayerUploadCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DOCS = new URL('../../../../docs/', import.meta.url).pathname;

/** The widths the console is checked and shown at: a laptop, and a phone held upright. */
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;

/** The rules axe-core finds broken on the page as it is now, each with the elements it names. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations as { id: string; nodes: { target: string[] }[] }[];
  });
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Runs axe-core on the view at 1280 px and at 390 px, expecting no violation at either, and writes
 * `docs/console-<name>-<width>.png` (the whole page) at each.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    expect(await violations(page), `axe-core on ${name} at ${size.width} px`).toEqual([]);
    await page.screenshot({ path: `${DOCS}console-${name}-${size.width}.png`, fullPage: true });
  }
  await page.setViewportSize(WIDTHS[0]);
}

/** The accessible name (roughly) of the focused element: its aria-label, its label's text, or its text. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return '';
    const labelled = element.getAttribute('aria-label');
    if (labelled) return labelled;
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : undefined;
    return (label ?? element.textContent ?? '').trim();
  });
}

/** Presses Tab until the focus is on the control named `name` (at most 60 presses), as a keyboard user would. */
export async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  for (let press = 0; press < 60; press++) {
    await page.keyboard.press('Tab');
    const focused = await focusedName(page);
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

/** {@link tabTo} the control, then Enter. */
export async function pressOn(page: Page, name: string | RegExp): Promise<void> {
  await tabTo(page, name);
  await page.keyboard.press('Enter');
}

/**
 * Fills `repositoryName` with `count` small images (one config and one layer they share; manifests that differ
 * by an annotation), several PutImage calls at a time. Returns the digests.
 */
export async function seedImages(sdk: ECRClient, repositoryName: string, count: number): Promise<string[]> {
  // A blob this small is one part: the ECR upload sequence, the digest computed by node:crypto.
  const blob = async (text: string) => {
    const bytes = new TextEncoder().encode(text);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const { uploadId } = await sdk.send(new InitiateLayerUploadCommand({ repositoryName }));
    const part = { repositoryName, uploadId, partFirstByte: 0, partLastByte: bytes.length - 1 };
    await sdk.send(new UploadLayerPartCommand({ ...part, layerPartBlob: bytes }));
    await sdk.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [digest] }));
    return { digest, size: bytes.length };
  };
  const config = await blob('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const layer = await blob(`a layer of ${repositoryName}\n`);
  const digests: string[] = [];
  const put = async (n: number) => {
    const imageManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      annotations: { 'org.example.n': String(n) },
    });
    await sdk.send(new PutImageCommand({ repositoryName, imageManifest, imageTag: `v${n}` }));
    digests.push(`sha256:${createHash('sha256').update(imageManifest).digest('hex')}`);
  };
  const lanes = 16;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let n = lane; n < count; n += lanes) await put(n);
    }),
  );
  return digests;
}
