// The setup every e2e file of the page shares: a real `wrangler dev` of apps/worker, the built page served on
// one origin with it, Debian's Chromium, a fresh browser profile per test (own IndexedDB and storage), and a
// full-page screenshot of a test that failed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECRClient } from '@aws-sdk/client-ecr';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { LOCAL_DEV_KEY } from '../../src/ui/settings.ts';
import { launchChromium } from './_browser.ts';
import { type PageServer, startPageServer } from './_server.ts';
import { UploaderPage } from './_uploader.ts';

/** What a test file gets: filled in before its first test runs. */
export interface PageHarness {
  stack: LocalStack;
  server: PageServer;
  browser: Browser;
  /** A temporary folder for the test's files, deleted after the file's tests. */
  dir: string;
  /** The AWS SDK with the local development key, to check what the page did. */
  sdk: ECRClient;
  /** The page in a fresh browser profile, before any key is entered. */
  newUploader(): Promise<UploaderPage>;
  /** {@link newUploader}, signed in with the local key, with a new repository selected. */
  openUploader(repository: string): Promise<UploaderPage>;
}

/** An access key of the local stack's `.dev.vars`, as `EDGECR_CREDENTIALS` lists it. */
export interface LocalKey {
  accessKeyId: string;
  secretAccessKey: string;
  permission: string;
}

/** The keys the local stack knows, read from `.dev.vars` (the one place they are defined). */
export function localKeys(): LocalKey[] {
  const devVars = fileURLToPath(new URL('../../../worker/.dev.vars', import.meta.url));
  const line = readFileSync(devVars, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('EDGECR_CREDENTIALS='));
  const keys = JSON.parse(line?.slice('EDGECR_CREDENTIALS='.length) ?? '{}') as Record<
    string,
    { secretAccessKey: string; permission: string }
  >;
  return Object.entries(keys).map(([accessKeyId, key]) => ({ accessKeyId, ...key }));
}

/** Registers the hooks that start and stop the stack, server and browser; `name` prefixes the temporary folder. */
export function usePageHarness(name: string): PageHarness {
  let context: BrowserContext | undefined;
  const harness = {
    async newUploader() {
      context = await harness.browser.newContext();
      return new UploaderPage(await context.newPage());
    },
    async openUploader(repository: string) {
      const uploader = await harness.newUploader();
      await uploader.open(harness.server.url);
      await uploader.useLocalKey();
      await uploader.createRepository(repository);
      return uploader;
    },
  } as PageHarness;

  beforeAll(async () => {
    harness.dir = mkdtempSync(join(tmpdir(), `edgecr-web-${name}-`));
    [harness.stack, harness.browser] = await Promise.all([startLocalStack(), launchChromium()]);
    harness.server = await startPageServer(harness.stack.endpoint);
    harness.sdk = new ECRClient({
      endpoint: harness.stack.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_DEV_KEY,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    harness.sdk?.destroy();
    await harness.browser?.close();
    await harness.server?.close();
    await harness.stack?.stop();
    if (harness.stack) removeState(harness.stack);
    if (harness.dir) rmSync(harness.dir, { recursive: true, force: true });
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      const [page] = context?.pages() ?? [];
      await page?.screenshot({
        path: new URL(`../../.e2e/failed-${task.name.slice(0, 40)}.png`, import.meta.url).pathname,
        fullPage: true,
      });
    }
    await context?.close();
    context = undefined;
  });

  return harness;
}
