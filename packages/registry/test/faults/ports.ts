// The core's ports, wrapped: every call of one object's life first lets other clients run, then meets the
// fault the plan decides for it. The durable store underneath is untouched by a crash; only the life ends.
import type {
  BlobStore,
  CatalogStore,
  CatalogTransaction,
  PartCommit,
  UploadedPart,
  UploadRecord,
  UploadStore,
} from '../../src/index.ts';
import { Crashed, type FaultPlan, InjectedFault, type Life } from './sim.ts';

/** What a wrapped port needs: the plan, the life making the call, and how to end lives. */
export interface CallSite {
  plan: FaultPlan;
  /** Which object calls, for the trace. */
  label: string;
  life: Life;
  /** Ends `life` (or, `everything`, every object's current life). */
  crash(life: Life, everything: boolean): void;
}

/** Runs one port call under the plan; `local` for the object's own storage (see Fault). */
export async function portCall<T>(
  site: CallSite,
  name: string,
  run: () => Promise<T>,
  local = false,
): Promise<T> {
  site.life.check();
  await site.plan.interleave();
  site.life.check();
  const fault = site.plan.next(`${site.label}: ${name}`, local);
  if (fault === 'fail') throw new InjectedFault(`${name} failed`);
  if (fault === 'crash-before') {
    site.crash(site.life, false);
    throw new Crashed(`crashed before ${name}`);
  }
  const result = await run();
  if (fault === 'lost') throw new InjectedFault(`${name} timed out`);
  if (fault === 'crash-after' || fault === 'restart-all') {
    site.crash(site.life, fault === 'restart-all');
    throw new Crashed(`crashed after ${name}`);
  }
  return result;
}

/** What the simulation remembers of BlobStore writes, to tell leaked bytes from R2's own clean-up. */
export interface Written {
  /** Every key a put or a multipart completion ever named. */
  keys: Set<string>;
  /** Every multipart upload created: id → key. */
  multiparts: Map<string, string>;
  /** The multipart ids an upload's state ever durably named (the rest only R2's lifecycle aborts). */
  recorded: Set<string>;
}

/** The BlobStore (R2) as one object's life reaches it. */
export function faultyBlobs(inner: BlobStore, site: CallSite, written: Written): BlobStore {
  return {
    createMultipart: (key) =>
      portCall(site, `createMultipart ${key}`, async () => {
        const id = await inner.createMultipart(key);
        written.multiparts.set(id, key);
        return id;
      }),
    uploadPart: (key, id, partNumber, bytes) =>
      portCall(site, `uploadPart ${key}`, () => inner.uploadPart(key, id, partNumber, bytes)),
    completeMultipart: (key, id, parts) =>
      portCall(site, `completeMultipart ${key}`, () => {
        written.keys.add(key);
        return inner.completeMultipart(key, id, parts);
      }),
    abortMultipart: (key, id) => portCall(site, `abortMultipart ${key}`, () => inner.abortMultipart(key, id)),
    put: (key, bytes) =>
      portCall(site, `put ${key}`, () => {
        written.keys.add(key);
        return inner.put(key, bytes);
      }),
    get: (key, range) => portCall(site, `get ${key}`, () => inner.get(key, range)),
    head: (key) => portCall(site, `head ${key}`, () => inner.head(key)),
    delete: (keys) => portCall(site, `delete ${keys.join(' ')}`, () => inner.delete(keys)),
  };
}

/** The catalog's SQLite as one life of the Registry object reaches it. */
export function faultyCatalog(inner: CatalogStore, site: CallSite): CatalogStore {
  return {
    transaction: <T>(fn: (tables: CatalogTransaction) => T) =>
      portCall(site, 'catalog.transaction', () => inner.transaction(fn), true),
    wakeBy: (at) => portCall(site, 'catalog.wakeBy', () => inner.wakeBy(at), true),
  };
}

/** An upload's SQLite as one life of its LayerUpload object reaches it. */
export function faultyUpload(inner: UploadStore, site: CallSite, written: Written): UploadStore {
  const recording = (record: UploadRecord) => {
    if (record.multipartId) written.recorded.add(record.multipartId);
  };
  return {
    read: () => portCall(site, 'upload.read', () => inner.read(), true),
    write: (record: UploadRecord) =>
      portCall(
        site,
        'upload.write',
        async () => {
          await inner.write(record);
          recording(record);
        },
        true,
      ),
    readStaged: () => portCall(site, 'upload.readStaged', () => inner.readStaged(), true),
    parts: (): Promise<UploadedPart[]> => portCall(site, 'upload.parts', () => inner.parts(), true),
    commitPart: (commit: PartCommit) =>
      portCall(
        site,
        'upload.commitPart',
        async () => {
          await inner.commitPart(commit);
          recording(commit.record);
        },
        true,
      ),
    wakeAt: (at) => portCall(site, 'upload.wakeAt', () => inner.wakeAt(at), true),
    clear: () => portCall(site, 'upload.clear', () => inner.clear(), true),
  };
}

/**
 * An RPC from one object to another, a port call of the caller's (it may fail or lose its answer): a dead
 * caller makes none, and gets no answer after it died.
 */
export async function rpc<T>(site: CallSite, name: string, run: () => Promise<T>): Promise<T> {
  const result = await portCall(site, name, run);
  site.life.check();
  return result;
}
