// Live memory of the real Worker with two 20 MiB UploadLayerPart requests in flight, measured in workerd itself:
// Miniflare runs the bundled Worker with its own inspector port (no proxy in between), and each isolate is
// sampled with a forced full collection (HeapProfiler.collectGarbage) then Runtime.getHeapUsage.
// The Worker and its Durable Objects run as two Miniflare workers, so each has its own isolate, as in
// production (locally one script would otherwise share one isolate for both).
import { dirname, join } from 'node:path';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { MiB } from '@edgecr/protocol';
import { freePort } from '@edgecr/testkit/localStack';
import { LOCAL_CREDENTIALS, layerStream, pushLayer } from '../test/e2e/_layers.ts';
import { type Bundle, bundle } from './bundle.ts';
import { PART_SIZE_BYTES } from './constants.ts';
import {
  type HeapUsage,
  type InspectorSession,
  listTargets,
  liveBytes,
  liveHeap,
  openSession,
} from './inspector.ts';
import { startWorkerd, type V4WorkerOptions, type Workerd } from './miniflare.ts';
import { WORKER_DIR, wranglerWorkerOptions } from './workerConfig.ts';

const FRONT = 'edgecr';
const OBJECTS = 'edgecr-objects';

/** Peak live memory of one isolate. */
export interface IsolatePeak {
  isolate: string;
  idle: HeapUsage;
  peak: HeapUsage;
  samples: number;
}

function workerOptions({ scriptPath, modules }: Bundle): V4WorkerOptions[] {
  // The bindings, vars and .dev.vars secrets exactly as `wrangler dev` reads them from wrangler.jsonc.
  const {
    compatibilityDate,
    compatibilityFlags,
    bindings,
    r2Buckets,
    durableObjects = {},
  } = wranglerWorkerOptions();
  const common: V4WorkerOptions = {
    compatibilityDate,
    compatibilityFlags,
    bindings,
    r2Buckets,
    modules,
    // Module names are paths relative to this root; the bundle lives in its own temporary folder.
    rootPath: dirname(scriptPath),
    // The page's assets are never asked for here; a stand-in keeps the ASSETS binding defined.
    serviceBindings: { ASSETS: () => new Response('no assets in this benchmark', { status: 404 }) },
  };
  const hostedBy = Object.fromEntries(
    Object.entries(durableObjects).map(([binding, target]) => [
      binding,
      { ...(typeof target === 'string' ? { className: target } : target), scriptName: OBJECTS },
    ]),
  );
  return [
    { ...common, name: FRONT, durableObjects: hostedBy },
    { ...common, name: OBJECTS, durableObjects: hostedBy },
  ];
}

/** Samples every session (collect, then measure) until `work` settles; keeps each isolate's largest reading. */
async function peaksDuring(
  sessions: Map<string, InspectorSession>,
  work: Promise<unknown>,
): Promise<Map<string, { peak: HeapUsage; samples: number }>> {
  const peaks = new Map<string, { peak: HeapUsage; samples: number }>();
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    for (const [name, session] of sessions) {
      const usage = await liveHeap(session);
      const seen = peaks.get(name);
      if (!seen || liveBytes(usage) > liveBytes(seen.peak))
        peaks.set(name, { peak: usage, samples: (seen?.samples ?? 0) + 1 });
      else seen.samples++;
    }
  }
  await finished;
  return peaks;
}

/** Two layers of `parts` 20 MiB parts pushed at once: two UploadLayerPart requests in flight throughout. */
export async function measureLiveMemory(parts = 3): Promise<IsolatePeak[]> {
  const built = await bundle(join(WORKER_DIR, 'src/index.ts'));
  const sessions = new Map<string, InspectorSession>();
  let workerd: Workerd | undefined;
  try {
    const inspectorPort = await freePort();
    workerd = await startWorkerd(workerOptions(built), inspectorPort);
    const endpoint = workerd.origin;
    const ecr = new ECRClient({
      endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/memory' }));
    // Warm both isolates (the objects' code loads on first use) before the idle reading.
    await pushLayer(ecr, 'bench/memory', layerStream(1 * MiB, 60));
    const targets = await listTargets(inspectorPort);
    for (const name of [FRONT, OBJECTS]) {
      const target = targets.find((t) => t.id === `core:user:${name}`);
      if (!target) throw new Error(`no inspector target for ${name}: ${JSON.stringify(targets)}`);
      sessions.set(name, await openSession(target));
    }
    const idle = new Map<string, HeapUsage>();
    for (const [name, session] of sessions) idle.set(name, await liveHeap(session));
    const size = parts * PART_SIZE_BYTES;
    const peaks = await peaksDuring(
      sessions,
      Promise.all([
        pushLayer(ecr, 'bench/memory', layerStream(size, 61), { partSize: PART_SIZE_BYTES }),
        pushLayer(ecr, 'bench/memory', layerStream(size, 62), { partSize: PART_SIZE_BYTES }),
      ]),
    );
    return [FRONT, OBJECTS].map((name) => ({
      isolate: name === FRONT ? 'Worker (API front)' : 'Durable Objects (LayerUpload, Registry)',
      idle: idle.get(name) as HeapUsage,
      peak: peaks.get(name)?.peak as HeapUsage,
      samples: peaks.get(name)?.samples ?? 0,
    }));
  } finally {
    for (const session of sessions.values()) session.close();
    await workerd?.stop();
    await built.remove();
  }
}
