// Worker benchmark: upload throughput through the local stack, CompleteLayerUpload latency against layer
// size, a 1 GiB layer end to end, and the isolate's peak JS heap with two 20 MiB parts in flight.
// Run: pnpm --filter @edgecr/worker bench. Figures are ratios against references measured in this run.
import { CreateRepositoryCommand, ECRClient, GetDownloadUrlForLayerCommand } from '@aws-sdk/client-ecr';
import { MAX_LAYER_PART_BYTES, MiB } from '@edgecr/protocol';
import { digestOfResponse, LOCAL_CREDENTIALS, layerStream, pushLayer } from '../test/e2e/_layers.ts';
import { type LocalStack, startLocalStack } from '../test/e2e/_wrangler.ts';
import { discardServer } from './_discardServer.ts';

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const fmt = (n: number) => n.toFixed(1);

function client(endpoint: string): ECRClient {
  return new ECRClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

/** Runtime.getHeapUsage: the JS heap, and the ArrayBuffer backing stores kept outside it. */
interface HeapUsage {
  usedSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** What counts against the isolate's 128 MB: JS objects plus the bytes behind ArrayBuffers. */
const isolateBytes = (usage: HeapUsage) =>
  usage.usedSize + (usage.embedderHeapUsedSize ?? 0) + (usage.backingStorageSize ?? 0);

/** Polls the isolate's JS heap through workerd's inspector (wrangler dev's inspector port). */
async function heapSampler(stack: LocalStack) {
  let url: string | undefined;
  for (let i = 0; i < 50 && !url; i++) {
    await fetch(stack.endpoint, { method: 'POST', body: '{}' });
    const targets = (await (await fetch(`http://127.0.0.1:${stack.inspectorPort}/json`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    url = targets[0]?.webSocketDebuggerUrl;
    if (!url) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!url) throw new Error('The inspector lists no target');
  // The inspector proxy wants a local Origin; Node's WebSocket (undici) takes headers as an extension.
  const socket = new WebSocket(url, { headers: { origin: 'http://localhost' } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  };
  const command = <T>(method: string) =>
    new Promise<T>((resolve) => {
      pending.set(++id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method }));
    });
  // An upper bound: what V8 holds, garbage it has not needed to collect yet included (a real isolate near
  // its limit collects; the inspector proxy of wrangler dev does not pass HeapProfiler.collectGarbage on).
  const sample = () => command<HeapUsage>('Runtime.getHeapUsage');
  return {
    sample,
    /** Runs `work` while sampling every 20 ms; the largest JS heap and JS heap + ArrayBuffers seen. */
    async peakDuring(work: Promise<unknown>) {
      let peakHeap = 0;
      let peakTotal = 0;
      let done = false;
      const finished = work.finally(() => {
        done = true;
      });
      while (!done) {
        const usage = await sample();
        peakHeap = Math.max(peakHeap, usage.usedSize);
        peakTotal = Math.max(peakTotal, isolateBytes(usage));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await finished;
      return { peakHeap, peakTotal };
    },
    close: () => socket.close(),
  };
}

const PART = MAX_LAYER_PART_BYTES;

const baseline = await discardServer();
const stack = await startLocalStack();
try {
  const ecr = client(stack.endpoint);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench' }));

  console.log('Upload throughput, 256 MiB layer in 20 MiB parts, Node client (AWS SDK v3 + @edgecr/chunker)');
  const size = 256 * MiB;
  let started = performance.now();
  await pushLayer(client(baseline.endpoint), 'bench', layerStream(size, 11), { partSize: PART });
  const referenceMbps = mbps(size, performance.now() - started);
  started = performance.now();
  await pushLayer(ecr, 'bench', layerStream(size, 12), { partSize: PART });
  const edgecrMbps = mbps(size, performance.now() - started);
  console.log(`  reference (same client, loopback server that discards): ${fmt(referenceMbps)} MB/s`);
  console.log(`  edgecr local stack:                                      ${fmt(edgecrMbps)} MB/s`);
  console.log(
    `  ratio edgecr / reference:                                ${(edgecrMbps / referenceMbps).toFixed(2)}`,
  );

  console.log('CompleteLayerUpload latency (median of 3 for 16 MiB; one 512 MiB layer)');
  const small: number[] = [];
  for (let i = 0; i < 3; i++)
    small.push((await pushLayer(ecr, 'bench', layerStream(16 * MiB, 20 + i), { partSize: PART })).completeMs);
  small.sort((a, b) => a - b);
  const large = (await pushLayer(ecr, 'bench', layerStream(512 * MiB, 30), { partSize: PART })).completeMs;
  console.log(`  16 MiB layer:  ${fmt(small[1] as number)} ms`);
  console.log(`  512 MiB layer: ${fmt(large)} ms`);
  console.log(`  ratio 512 MiB / 16 MiB: ${(large / (small[1] as number)).toFixed(2)} (size ratio 32)`);

  console.log('A 1 GiB layer end to end (push, then download through the signed URL)');
  started = performance.now();
  const gib = await pushLayer(ecr, 'bench', layerStream(1024 * MiB, 40), { partSize: PART });
  const pushMs = performance.now() - started;
  const { downloadUrl } = await ecr.send(
    new GetDownloadUrlForLayerCommand({ repositoryName: 'bench', layerDigest: gib.digest }),
  );
  started = performance.now();
  const downloaded = await digestOfResponse(await fetch(downloadUrl as string));
  const downloadMs = performance.now() - started;
  console.log(
    `  push ${fmt(mbps(gib.size, pushMs))} MB/s, complete ${fmt(gib.completeMs)} ms, download ${fmt(mbps(gib.size, downloadMs))} MB/s`,
  );
  console.log(
    `  downloaded digest ${downloaded.digest === gib.digest && downloaded.size === gib.size ? 'matches' : 'DIFFERS'}`,
  );

  // Locally the Worker, both upload objects and the catalog share one isolate: an upper bound for each.
  console.log(
    'Peak isolate memory, two uploads of 20 MiB parts in flight (Worker + Durable Objects, one isolate)',
  );
  const heap = await heapSampler(stack);
  const idle = await heap.sample();
  const { peakHeap, peakTotal } = await heap.peakDuring(
    Promise.all([
      pushLayer(ecr, 'bench', layerStream(100 * MiB, 50), { partSize: PART }),
      pushLayer(ecr, 'bench', layerStream(100 * MiB, 51), { partSize: PART }),
    ]),
  );
  heap.close();
  console.log(`  idle: ${fmt(isolateBytes(idle) / MiB)} MiB; peak JS heap ${fmt(peakHeap / MiB)} MiB`);
  console.log(
    `  peak JS heap + ArrayBuffers: ${fmt(peakTotal / MiB)} MiB = ${(peakTotal / 128e6).toFixed(2)} of the 128 MB limit`,
  );
} finally {
  await stack.stop();
  baseline.server.close();
}
