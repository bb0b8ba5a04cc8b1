// The fault schedule the test entry (entry.ts) applies to every R2 call of the Worker and its objects. The
// tests and the entry share this module: the vitest workers pool runs the main Worker, its Durable Objects
// and the tests in one isolate.

/** The R2 calls R2BlobStore makes; a multipart upload's calls by their method's name. */
export type R2Call =
  | 'get'
  | 'head'
  | 'put'
  | 'delete'
  | 'createMultipartUpload'
  | 'uploadPart'
  | 'complete'
  | 'abort';

/**
 * What a call meets: `fail` throws before the call is made (R2 refused it); `timeout` makes the call, waits,
 * then throws as a caller whose time-out passed (the call landed, its answer lost); `reset-before` and
 * `reset-after` reset the calling Durable Object (`ctx.abort()`) before or after the call lands.
 */
export type Fault = 'fail' | 'timeout' | 'reset-before' | 'reset-after';

/** Where the call is made: the Worker's fetch, the Registry object or a LayerUpload object. */
export type Site = 'worker' | 'Registry' | 'LayerUpload';

/** One planned fault: the `skip`+1-th matching call meets it, and the `times`-1 matching calls after it. */
export interface FaultRule {
  call: R2Call;
  fault: Fault;
  site?: Site;
  skip?: number;
  times?: number;
}

/** A fault that was met. */
export interface InjectedFault {
  call: R2Call;
  fault: Fault;
  site: Site;
}

/** How long a `timeout` call keeps its caller waiting before it throws. */
const TIMEOUT_MS = 50;

interface ActiveRule {
  rule: FaultRule;
  skip: number;
  times: number;
}

const active: ActiveRule[] = [];
const met: InjectedFault[] = [];
let random: (() => number) | null = null;
let drawnFaults: readonly Fault[] = [];
let randomRate = 0;

/** Plans faults; they stay planned until met or {@link clearFaults}. */
export function injectFaults(...rules: FaultRule[]): void {
  for (const rule of rules) active.push({ rule, skip: rule.skip ?? 0, times: rule.times ?? 1 });
}

/**
 * Gives every R2 call a `rate` chance of one of `faults`, drawn from a seeded generator: the same seed, the
 * same faults for the same calls in the same order.
 */
export function randomFaults(seed: number, rate: number, faults: readonly Fault[]): void {
  let state = seed >>> 0;
  // mulberry32: small, seedable, good enough to spread faults over calls.
  random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  randomRate = rate;
  drawnFaults = faults;
}

/** Forgets every planned fault; returns the faults met since the last clear. */
export function clearFaults(): InjectedFault[] {
  active.length = 0;
  random = null;
  return met.splice(0);
}

function take(site: Site, call: R2Call, canReset: boolean): Fault | null {
  for (const [index, entry] of active.entries()) {
    const { rule } = entry;
    if (rule.call !== call || (rule.site !== undefined && rule.site !== site)) continue;
    if (entry.skip > 0) {
      entry.skip -= 1;
      continue;
    }
    entry.times -= 1;
    if (entry.times === 0) active.splice(index, 1);
    return rule.fault;
  }
  if (random && random() < randomRate) {
    const usable = drawnFaults.filter((fault) => canReset || !fault.startsWith('reset'));
    return usable[Math.floor(random() * usable.length)] ?? null;
  }
  return null;
}

/** Runs one R2 call through the schedule; `reset` resets the calling object (absent in the Worker). */
async function faulted<T>(site: Site, call: R2Call, run: () => Promise<T>, reset?: () => void): Promise<T> {
  const fault = take(site, call, reset !== undefined);
  if (fault === null) return run();
  met.push({ call, fault, site });
  if (fault === 'fail') throw new Error(`injected fault: R2 ${call} failed`);
  if (fault === 'reset-before') reset?.();
  const result = await run();
  if (fault === 'reset-after') reset?.();
  if (fault === 'timeout') {
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
    throw new Error(`injected fault: R2 ${call} timed out`);
  }
  return result;
}

/** `bucket` with every call R2BlobStore makes going through the fault schedule. */
export function faultyBucket(bucket: R2Bucket, site: Site, reset?: () => void): R2Bucket {
  const through = <T>(call: R2Call, run: () => Promise<T>) => faulted(site, call, run, reset);
  const multipart = (upload: R2MultipartUpload): R2MultipartUpload =>
    Object.assign(Object.create(upload) as R2MultipartUpload, {
      uploadPart: (...args: Parameters<R2MultipartUpload['uploadPart']>) =>
        through('uploadPart', () => upload.uploadPart(...args)),
      complete: (parts: R2UploadedPart[]) => through('complete', () => upload.complete(parts)),
      abort: () => through('abort', () => upload.abort()),
    });
  return Object.assign(Object.create(bucket) as R2Bucket, {
    get: (...args: Parameters<R2Bucket['get']>) => through('get', () => bucket.get(...args)),
    head: (key: string) => through('head', () => bucket.head(key)),
    put: (...args: Parameters<R2Bucket['put']>) => through('put', () => bucket.put(...args)),
    delete: (keys: string | string[]) => through('delete', () => bucket.delete(keys)),
    createMultipartUpload: (...args: Parameters<R2Bucket['createMultipartUpload']>) =>
      through('createMultipartUpload', () => bucket.createMultipartUpload(...args)).then(multipart),
    resumeMultipartUpload: (key: string, uploadId: string) =>
      multipart(bucket.resumeMultipartUpload(key, uploadId)),
  });
}

/** `env` with its R2 binding behind the fault schedule. */
export function faultyEnv(env: Env, site: Site, reset?: () => void): Env {
  return { ...env, LAYERS: faultyBucket(env.LAYERS, site, reset) };
}
