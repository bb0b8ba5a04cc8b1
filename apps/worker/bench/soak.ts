// The soak (issue 21, part 4): 8 clients of mixed pushes, pulls, deletes and listings against the local stack
// (`wrangler dev`), bounded in time and count. Afterwards: no unexpected error, every image still there read
// back byte for byte, the isolates' live memory flat (the least reading of the second window against the
// last's: requests in flight come and go, a leak stays), and the bucket's bytes equal to what the catalog's
// blobs name plus what open uploads hold. `node bench/soak.ts` runs the full ten minutes and prints the figures;
// test/e2e/soak.test.ts runs a short one.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { type InspectorSession, listTargets, liveBytes, liveHeap, openSession } from './inspector.ts';
import { readBack, runWorkload, sdkClient, type WorkloadTally } from './soakClients.ts';

/** How long and how hard the soak runs. */
export interface SoakOptions {
  durationMs: number;
  clients: number;
  maxOpsPerClient: number;
  bigLayerEvery: number;
  /** The windows compared for memory growth: the second and the last of this length. */
  windowMs: number;
  sampleEveryMs: number;
}

/** The full soak: ten minutes, memory compared between the second minute and the last. */
export const FULL_SOAK: SoakOptions = {
  durationMs: 600_000,
  clients: 8,
  maxOpsPerClient: 5_000,
  bigLayerEvery: 10,
  windowMs: 60_000,
  sampleEveryMs: 10_000,
};

/** One isolate's live memory over the soak. */
export interface IsolateMemory {
  isolate: string;
  samples: { atMs: number; bytes: number }[];
  /** The least reading in the second window and in the last. */
  second: number;
  last: number;
  growth: number;
}

/** What the soak found. */
export interface SoakReport {
  tally: WorkloadTally;
  elapsedMs: number;
  imagesReadBack: number;
  memory: IsolateMemory[];
  bucket: { objects: number; bytes: number; openUploadBytes: number };
  catalog: { blobs: number; bytes: number };
  /** Keys in the bucket no blob names, and blobs whose object is missing or of another size. */
  orphans: string[];
  missing: string[];
}

/** Samples every isolate's live memory every `everyMs` until `until` settles. */
async function sampleMemory(
  inspectorPort: number,
  everyMs: number,
  until: Promise<unknown>,
  started: number,
) {
  const sessions = new Map<string, InspectorSession>();
  for (const target of await listTargets(inspectorPort))
    sessions.set(target.title || target.id, await openSession(target));
  const samples = new Map<string, { atMs: number; bytes: number }[]>(
    [...sessions.keys()].map((k) => [k, []]),
  );
  let done = false;
  void until.finally(() => {
    done = true;
  });
  try {
    while (!done) {
      for (const [name, session] of sessions) {
        samples.get(name)?.push({ atMs: Date.now() - started, bytes: liveBytes(await liveHeap(session)) });
      }
      await Promise.race([
        until.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, everyMs)),
      ]);
    }
  } finally {
    for (const session of sessions.values()) session.close();
  }
  return samples;
}

function memoryOf(
  isolate: string,
  samples: { atMs: number; bytes: number }[],
  options: SoakOptions,
  elapsedMs: number,
) {
  const least = (from: number, to: number) =>
    Math.min(...samples.filter((s) => s.atMs >= from && s.atMs < to).map((s) => s.bytes));
  const second = least(options.windowMs, 2 * options.windowMs);
  const last = least(elapsedMs - options.windowMs, elapsedMs + 1);
  return { isolate, samples, second, last, growth: last / second - 1 };
}

/** The one SQLite database Miniflare keeps for a namespace under the stack's state (`v3/<kind>/<name>`). */
function database(persistTo: string, kind: string, name: string): DatabaseSync {
  const dir = join(persistTo, 'v3', kind, name);
  const files = readdirSync(dir).filter((file) => file.endsWith('.sqlite') && file !== 'metadata.sqlite');
  if (files.length !== 1) throw new Error(`expected one database in ${dir}, found ${files.join(', ')}`);
  return new DatabaseSync(join(dir, files[0] as string), { readOnly: true });
}

/** The bucket against the catalog, read from the stopped stack's state: Miniflare's R2 and the Registry's SQLite. */
function compareBytes(persistTo: string) {
  const r2 = database(persistTo, 'r2', 'miniflare-R2BucketObject');
  const catalog = database(persistTo, 'do', 'edgecr-Registry');
  try {
    const objects = new Map(
      r2
        .prepare('SELECT key, size FROM _mf_objects')
        .all()
        .map((row) => [row.key as string, Number(row.size)]),
    );
    const blobs = new Map(
      catalog
        .prepare('SELECT object_key, size FROM blob')
        .all()
        .map((row) => [row.object_key as string, Number(row.size)]),
    );
    // Parts of multipart uploads not completed yet: bytes an open upload holds, not an object.
    const open = r2
      .prepare(
        'SELECT COALESCE(SUM(p.size), 0) AS bytes FROM _mf_multipart_parts p JOIN _mf_multipart_uploads u USING (upload_id) WHERE u.state = 0',
      )
      .get() as { bytes: number };
    const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0);
    return {
      bucket: { objects: objects.size, bytes: sum(objects), openUploadBytes: Number(open.bytes) },
      catalog: { blobs: blobs.size, bytes: sum(blobs) },
      orphans: [...objects.keys()].filter((key) => !blobs.has(key)),
      missing: [...blobs].filter(([key, size]) => objects.get(key) !== size).map(([key]) => key),
    };
  } finally {
    r2.close();
    catalog.close();
  }
}

/** compareBytes once workerd, exiting after wrangler, has let go of its databases (30 s at most). */
async function stateOnceReleased(persistTo: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return compareBytes(persistTo);
    } catch (error) {
      const busy = (error as { errcode?: number }).errcode === 5; // SQLITE_BUSY
      if (!busy || attempt === 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Runs the soak on a fresh local stack and reports; the stack and its state are removed afterwards. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const stack = await startLocalStack();
  try {
    const started = Date.now();
    const workload = runWorkload({
      endpoint: stack.endpoint,
      clients: options.clients,
      deadline: started + options.durationMs,
      maxOpsPerClient: options.maxOpsPerClient,
      bigLayerEvery: options.bigLayerEvery,
    });
    const samples = await sampleMemory(stack.inspectorPort, options.sampleEveryMs, workload, started);
    const tally = await workload;
    const elapsedMs = Date.now() - started;
    const ecr = sdkClient(stack.endpoint);
    let imagesReadBack = 0;
    for (const image of tally.images) {
      try {
        await readBack(ecr, image);
        imagesReadBack += 1;
      } catch (error) {
        tally.errors.push(`read back: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const memory = [...samples].map(([isolate, s]) => memoryOf(isolate, s, options, elapsedMs));
    await stack.stop();
    return { tally, elapsedMs, imagesReadBack, memory, ...(await stateOnceReleased(stack.persistTo)) };
  } finally {
    await stack.stop();
    removeState(stack);
  }
}

const MiB = 1024 * 1024;

/** The report as the lines docs/faults.md quotes. */
export function describeSoak(report: SoakReport): string {
  const { tally } = report;
  return [
    `${(report.elapsedMs / 1000).toFixed(0)} s: ${tally.pushes} pushes (${(tally.bytesPushed / MiB).toFixed(1)} MiB sent), ${tally.pulls} pulls, ${tally.deletes} deletes, ${tally.listings} listings; ${tally.errors.length} errors`,
    `${report.imagesReadBack} of ${tally.images.length} images read back byte for byte`,
    ...report.memory.map(
      (m) =>
        `${m.isolate}: least live heap ${(m.second / MiB).toFixed(1)} MiB in the second window, ${(m.last / MiB).toFixed(1)} MiB in the last: ${(m.growth * 100).toFixed(1)}% (${m.samples.length} samples)`,
    ),
    `bucket ${report.bucket.objects} objects, ${report.bucket.bytes} bytes (+ ${report.bucket.openUploadBytes} in open uploads); catalog ${report.catalog.blobs} blobs, ${report.catalog.bytes} bytes; ${report.orphans.length} orphans, ${report.missing.length} missing`,
    ...tally.errors.slice(0, 10),
  ].join('\n');
}

if (import.meta.main) {
  const report = await runSoak(FULL_SOAK);
  console.log(describeSoak(report));
  const flat = report.memory.every((m) => m.growth <= 0.1);
  const whole = report.orphans.length === 0 && report.missing.length === 0;
  if (report.tally.errors.length > 0 || !flat || !whole) process.exitCode = 1;
}
