// Benchmark: a generated 1 GiB layer uploaded by the page in headless Chromium and by the same engine driven
// from Node, in one run, against the local stack (`wrangler dev`) and against a loopback server that answers
// the ECR calls and throws the bytes away (each client's own ceiling; the server runs in a process of its
// own); then a 1 GiB image archive (an OCI layout tar of four layers) dropped on the page and pushed whole to
// the local stack. Peak memory comes from each runtime's own metrics: Chromium's `Runtime.getHeapUsage` for
// the page (its JS heap, and the ArrayBuffer memory outside it) and Node's `process.memoryUsage()`.
// Run: pnpm --filter @edgecr/web bench (builds the page first). GIB=0.25 for a quicker run; BENCH_ROUNDS
// (default 3) sets the rounds of the ceiling pair.
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { blobSource, EcrClient, fetchTransport, LayerPush, MemoryStateStore } from '@edgecr/client';
import { MiB } from '@edgecr/protocol';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import type { Browser, Page } from 'playwright-core';
import { LOCAL_DEV_KEY } from '../src/ui/settings.ts';
import { launchChromium } from '../test/e2e/_browser.ts';
import { type LayerFile, writeLayerFile } from '../test/e2e/_files.ts';
import { startPageServer } from '../test/e2e/_server.ts';
import { UploaderPage } from '../test/e2e/_uploader.ts';
import { type ArchiveFile, pushArchive, pushedDigest, writeArchiveFile } from './_archive.ts';
import { ecrDiscardProcess } from './_discardProcess.ts';

const SIZE = Math.round(Number(process.env.GIB ?? 1) * 1024) * MiB;
/** Rounds of the ceiling pair (Node, page); the machine is shared, so one round's ratio says little. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const fmt = (n: number) => n.toFixed(1);
const fmt2 = (n: number) => n.toFixed(2);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const mib = (bytes: number) => `${fmt(bytes / MiB)} MiB`;

interface Run {
  ms: number;
  /** Largest JS heap seen, and largest JS heap + ArrayBuffer memory. */
  peakHeap: number;
  peakTotal: number;
  idleHeap: number;
}

/** Samples `sample` every `everyMs` while `work` runs. */
async function peakDuring(
  work: Promise<unknown>,
  sample: () => Promise<{ heap: number; total: number }>,
  everyMs: number,
): Promise<{ peakHeap: number; peakTotal: number }> {
  let done = false;
  let peakHeap = 0;
  let peakTotal = 0;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    const { heap, total } = await sample();
    peakHeap = Math.max(peakHeap, heap);
    peakTotal = Math.max(peakTotal, total);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await finished;
  return { peakHeap, peakTotal };
}

/** The engine in Node: the file through fs.openAsBlob, requests through fetch. */
async function nodeRun(endpoint: string, repositoryName: string, layer: LayerFile): Promise<Run> {
  const api = new EcrClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_DEV_KEY,
    transport: fetchTransport(),
  });
  const upload = new LayerPush({
    source: blobSource(await openAsBlob(layer.path), {
      name: basename(layer.path),
      lastModified: statSync(layer.path).mtimeMs,
    }),
    repositoryName,
    api,
    scope: { endpoint: api.endpoint, registryId: '' },
    store: new MemoryStateStore(),
  });
  const idleHeap = process.memoryUsage().heapUsed;
  const started = performance.now();
  const work = upload.start();
  const peaks = await peakDuring(
    work,
    async () => {
      const usage = process.memoryUsage();
      return { heap: usage.heapUsed, total: usage.heapUsed + usage.arrayBuffers };
    },
    50,
  );
  const ms = performance.now() - started;
  const { result, error } = await work;
  if (result?.digest !== layer.digest)
    throw new Error(`Node upload: ${result?.digest} ${JSON.stringify(error)}`);
  return { ms, idleHeap, ...peaks };
}

/**
 * The built page in headless Chromium with a new repository: `push` chooses the file with the file input and
 * resolves when the page says it is done.
 */
async function browserRun(
  browser: Browser,
  pageUrl: string,
  repositoryName: string,
  push: (uploader: UploaderPage) => Promise<void>,
): Promise<Run> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const uploader = new UploaderPage(page);
    await uploader.open(pageUrl);
    await uploader.useLocalKey();
    await uploader.createRepository(repositoryName);
    const cdp = await context.newCDPSession(page);
    const heapUsage = async () => {
      const usage = (await cdp.send('Runtime.getHeapUsage')) as {
        usedSize: number;
        backingStorageSize?: number;
      };
      return { heap: usage.usedSize, total: usage.usedSize + (usage.backingStorageSize ?? 0) };
    };
    await cdp.send('HeapProfiler.collectGarbage');
    const idleHeap = (await heapUsage()).heap;
    const started = performance.now();
    const peaks = await peakDuring(push(uploader), heapUsage, 100);
    const ms = performance.now() - started;
    return { ms, idleHeap, ...peaks };
  } finally {
    await context.close();
  }
}

const TIMEOUT = 30 * 60_000;

/** The page uploads `layer` as a loose layer; its digest must be the reference one. */
function layerPush(layer: LayerFile) {
  const name = basename(layer.path);
  return async (uploader: UploaderPage) => {
    await uploader.addFiles(layer.path);
    await uploader.waitForStatus(name, 'done', TIMEOUT);
    const digest = await uploader.digest(name);
    if (digest !== layer.digest) throw new Error(`Browser digest ${digest} != ${layer.digest}`);
  };
}

/** The page pushes `archive` as a whole image (the archive drop path); the image digest must be the archive's. */
function archivePush(archive: ArchiveFile) {
  const name = basename(archive.path);
  return async ({ page }: { page: Page }) => {
    await page.locator('[data-testid="file-input"]').setInputFiles(archive.path);
    await pushArchive(page, name, TIMEOUT);
    const digest = await pushedDigest(page, name);
    if (digest !== archive.manifestDigest)
      throw new Error(`Image digest ${digest} != ${archive.manifestDigest}`);
  };
}

const peaksOf = (run: Run) =>
  `JS heap: idle ${mib(run.idleHeap)}, peak ${mib(run.peakHeap)}; JS heap + ArrayBuffers: peak ${mib(run.peakTotal)}`;

const dir = mkdtempSync(join(tmpdir(), 'edgecr-web-bench-'));
console.log(`Generating a ${mib(SIZE)} layer…`);
const layer = await writeLayerFile(join(dir, 'layer.bin'), SIZE, 42);
const archive = await writeArchiveFile(join(dir, 'image.tar'), SIZE, 50);
const stack = await startLocalStack();
const discard = await ecrDiscardProcess();
const stackPage = await startPageServer(stack.endpoint);
const discardPage = await startPageServer(discard.endpoint);
const browser = await launchChromium();
try {
  const admin = new EcrClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_DEV_KEY,
    transport: fetchTransport(),
  });
  await admin.createRepository({ repositoryName: 'bench/node' });
  console.log(`Node ${process.version}, Chromium ${browser.version()}`);
  const node = await nodeRun(stack.endpoint, 'bench/node', layer);
  const page = await browserRun(browser, stackPage.url, 'bench/browser', layerPush(layer));
  const ceilings: { node: Run; page: Run }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Who goes first alternates, so that load changing on the shared machine favours neither.
    const nodeCeiling = () => nodeRun(discard.endpoint, 'bench/discard', layer);
    const pageCeiling = () => browserRun(browser, discardPage.url, 'bench/discard', layerPush(layer));
    if (round % 2 === 0) ceilings.push({ node: await nodeCeiling(), page: await pageCeiling() });
    else ceilings.push({ page: await pageCeiling(), node: await nodeCeiling() });
  }
  const pageArchive = await browserRun(browser, stackPage.url, 'bench/archive', archivePush(archive));

  console.log(`\nA ${mib(SIZE)} layer in 10 MiB parts; every digest checked against node:crypto`);
  console.log('Against the local stack (wrangler dev):');
  console.log(`  browser, headless Chromium: ${fmt(mbps(SIZE, page.ms))} MB/s; ${peaksOf(page)}`);
  console.log(`  Node client, same engine:   ${fmt(mbps(SIZE, node.ms))} MB/s; ${peaksOf(node)}`);
  console.log(`  ratio browser / Node: ${fmt2(node.ms / page.ms)}`);
  console.log(
    `Against a loopback server that discards the bytes (each client’s own ceiling), ${ROUNDS} rounds:`,
  );
  for (const side of ['page', 'node'] as const) {
    const runs = ceilings.map((pair) => pair[side]);
    const worst = runs.reduce((a, b) => (b.peakTotal > a.peakTotal ? b : a));
    console.log(
      `  ${side === 'page' ? 'browser' : 'Node   '}: median ${fmt(median(runs.map((r) => mbps(SIZE, r.ms))))} MB/s ` +
        `(${runs.map((r) => fmt(mbps(SIZE, r.ms))).join(', ')}); highest peaks: ${peaksOf(worst)}`,
    );
  }
  const ratios = ceilings.map((pair) => pair.node.ms / pair.page.ms);
  console.log(
    `  ratio browser / Node: median ${fmt2(median(ratios))} (per round ${ratios.map(fmt2).join(', ')})`,
  );
  console.log(
    `An image archive (OCI layout tar, 4 layers, ${mib(archive.layerBytes)}) pushed whole from the page:`,
  );
  console.log(
    `  to the local stack: ${fmt(mbps(archive.layerBytes, pageArchive.ms))} MB/s (${fmt(pageArchive.ms / 1000)} s); ${peaksOf(pageArchive)}`,
  );
  console.log('(The page reaches the stack through a loopback proxy that gives it one origin with the API.)');
} finally {
  await browser.close();
  await Promise.all([stackPage.close(), discardPage.close()]);
  await discard.close();
  await stack.stop();
  removeState(stack);
  rmSync(dir, { recursive: true, force: true });
}
