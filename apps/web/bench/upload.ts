// Benchmark: a generated 1 GiB layer uploaded by the page in headless Chromium and by the same engine driven
// from Node, in one run, against the local stack (`wrangler dev`) and against a loopback server that answers
// the ECR calls and throws the bytes away (each client's own ceiling). Peak memory comes from each runtime's
// own metrics: Chromium's `Runtime.getHeapUsage` for the page (its JS heap, and the ArrayBuffer memory outside
// it) and Node's `process.memoryUsage()`.
// Run: pnpm --filter @edgecr/web bench (builds the page first). GIB=0.25 for a quicker run.
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { blobSource, EcrClient, fetchTransport, LayerPush, MemoryStateStore } from '@edgecr/client';
import { MiB } from '@edgecr/protocol';
import type { Browser } from 'playwright-core';
import { ecrDiscardServer } from '../../worker/bench/discard.ts';
import { removeState, startLocalStack } from '../../worker/test/e2e/_wrangler.ts';
import { LOCAL_DEV_KEY } from '../src/ui/settings.ts';
import { launchChromium } from '../test/e2e/_browser.ts';
import { type LayerFile, writeLayerFile } from '../test/e2e/_files.ts';
import { startPageServer } from '../test/e2e/_server.ts';
import { UploaderPage } from '../test/e2e/_uploader.ts';

const SIZE = Math.round(Number(process.env.GIB ?? 1) * 1024) * MiB;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const fmt = (n: number) => n.toFixed(1);
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

/** The built page in headless Chromium, the file chosen with the file input. */
async function browserRun(
  browser: Browser,
  pageUrl: string,
  repositoryName: string,
  layer: LayerFile,
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
    await uploader.addFiles(layer.path);
    const name = basename(layer.path);
    const peaks = await peakDuring(uploader.waitForStatus(name, 'done', 30 * 60_000), heapUsage, 100);
    const ms = performance.now() - started;
    const digest = await uploader.digest(name);
    if (digest !== layer.digest) throw new Error(`Browser digest ${digest} != ${layer.digest}`);
    return { ms, idleHeap, ...peaks };
  } finally {
    await context.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'edgecr-web-bench-'));
console.log(`Generating a ${mib(SIZE)} layer…`);
const layer = await writeLayerFile(join(dir, 'layer.bin'), SIZE, 42);
const stack = await startLocalStack();
const discard = await ecrDiscardServer();
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
  const page = await browserRun(browser, stackPage.url, 'bench/browser', layer);
  const nodeCeiling = await nodeRun(discard.endpoint, 'bench/discard', layer);
  const pageCeiling = await browserRun(browser, discardPage.url, 'bench/discard', layer);

  console.log(`\nA ${mib(SIZE)} layer in 10 MiB parts; every digest checked against node:crypto`);
  console.log('Against the local stack (wrangler dev):');
  console.log(`  browser, headless Chromium: ${fmt(mbps(SIZE, page.ms))} MB/s`);
  console.log(
    `    page JS heap: idle ${mib(page.idleHeap)}, peak ${mib(page.peakHeap)}; JS heap + ArrayBuffers: peak ${mib(page.peakTotal)}`,
  );
  console.log(`  Node client, same engine:   ${fmt(mbps(SIZE, node.ms))} MB/s`);
  console.log(`    heap: peak ${mib(node.peakHeap)}; heap + ArrayBuffers: peak ${mib(node.peakTotal)}`);
  console.log(`  ratio browser / Node: ${(node.ms / page.ms).toFixed(2)}`);
  console.log('Against a loopback server that discards the bytes (each client’s own ceiling):');
  console.log(
    `  browser: ${fmt(mbps(SIZE, pageCeiling.ms))} MB/s, page JS heap peak ${mib(pageCeiling.peakHeap)}`,
  );
  console.log(`  Node:    ${fmt(mbps(SIZE, nodeCeiling.ms))} MB/s, heap peak ${mib(nodeCeiling.peakHeap)}`);
  console.log('(The page reaches the stack through a loopback proxy that gives it one origin with the API.)');
} finally {
  await browser.close();
  await Promise.all([stackPage.close(), discardPage.close()]);
  await discard.close();
  await stack.stop();
  removeState(stack);
  rmSync(dir, { recursive: true, force: true });
}
