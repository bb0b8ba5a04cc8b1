// One schedule from one seed: clients run their steps at once over faulty ports, then every object
// restarts (a deploy) and the invariants are checked, before and after the sweep's bound has passed.
import { RegistryService } from '../../src/index.ts';
import { createRepository, runStep, type World } from './driver.ts';
import { History } from './history.ts';
import { SimHost } from './host.ts';
import {
  checkFacts,
  checkImages,
  checkLinks,
  checkReclaimed,
  checkUploadsResume,
  REGISTRY,
} from './invariants.ts';
import { GRACE_SECONDS, PART_SIZE, REPOSITORIES, schedule, UPLOAD_TTL_SECONDS } from './schedule.ts';
import { type Fault, FaultPlan, Rng } from './sim.ts';

/** What one schedule did and found. */
export interface RunReport {
  seed: number;
  steps: number;
  injected: Map<Fault, number>;
  /** Multipart uploads only R2's lifecycle rule aborted (created, then their id lost). */
  lifecycleAborts: number;
  violations: string[];
}

/** Per port call: most schedules meet a few faults, some none, some many. */
const FAULT_RATES = [0, 0.01, 0.03, 0.03, 0.08];

/**
 * Runs the schedule of `seed`; the same seed runs the same schedule, faults and interleaving, and names its
 * uploads alike (upload ids are counted, not random, while it runs).
 */
export async function runSchedule(seed: number, trace: string[] | null = null): Promise<RunReport> {
  let uploads = 0;
  const uuid = () => `00000000-0000-4000-8000-${(++uploads).toString().padStart(12, '0')}` as const;
  Object.defineProperty(crypto, 'randomUUID', { value: uuid, configurable: true });
  try {
    return await run(seed, trace);
  } finally {
    Reflect.deleteProperty(crypto, 'randomUUID');
  }
}

async function run(seed: number, trace: string[] | null): Promise<RunReport> {
  const rng = new Rng(seed);
  const plan = new FaultPlan(new Rng(seed ^ 0x5bd1e995), rng.pick(FAULT_RATES));
  plan.trace = trace;
  const clock = { now: 1_800_000_000_000 };
  const host = new SimHost(plan, clock, GRACE_SECONDS);
  const w: World = {
    service: new RegistryService(REGISTRY, host, {
      partSize: PART_SIZE,
      uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    }),
    host,
    clock,
    history: new History(),
    rng: new Rng(seed ^ 0x27d4eb2d),
    uploads: new Map(),
    violations: [],
    lifecycleAborts: 0,
  };
  const clients = schedule(rng);
  plan.enabled = false;
  for (const repo of REPOSITORIES) await createRepository(w, repo);
  plan.enabled = true;
  await Promise.all(
    clients.map(async (steps, client) => {
      for (const step of steps) {
        trace?.push(`client ${client}: ${JSON.stringify(step)}`);
        await runStep(w, step).catch((error: unknown) => {
          w.violations.push(`client ${client} failed at ${step.kind}: ${(error as Error).stack ?? error}`);
        });
      }
    }),
  );
  plan.enabled = false;
  host.restartAll();
  await checkImages(w, 'after the schedule');
  await checkLinks(w, 'after the schedule');
  await checkFacts(w, 'after the schedule');
  await checkUploadsResume(w);
  await checkImages(w, 'after resuming uploads');
  await checkLinks(w, 'after resuming uploads');
  await checkReclaimed(w, (Math.max(GRACE_SECONDS, UPLOAD_TTL_SECONDS) + 1) * 1000);
  await checkImages(w, 'after the sweep');
  return {
    seed,
    steps: clients.reduce((sum, steps) => sum + steps.length, 0),
    injected: plan.injected,
    lifecycleAborts: w.lifecycleAborts,
    violations: w.violations,
  };
}
