// Miniflare (workerd) as the benchmark runs it: loopback only, its own inspector port, state in a fresh
// temporary folder, kept out of the machine-wide dev registry that other wrangler processes share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from 'miniflare';
import { deferCleanup } from './cleanup.ts';

export type { V4WorkerOptions };

/** A running workerd; `stop` disposes of it and deletes its state. */
export interface Workerd {
  origin: string;
  stop(): Promise<void>;
}

/** Starts workerd with `workers`, listening on a random loopback port. */
export async function startWorkerd(workers: V4WorkerOptions[], inspectorPort?: number): Promise<Workerd> {
  const persistTo = mkdtempSync(join(tmpdir(), 'edgecr-bench-workerd-'));
  let mf: Miniflare | undefined;
  const stop = deferCleanup(async () => {
    await mf?.dispose();
    rmSync(persistTo, { recursive: true, force: true });
  });
  try {
    mf = new Miniflare({
      ...convertV4MiniflareOptions({
        host: '127.0.0.1',
        port: 0,
        inspectorPort,
        resourcePersistencePath: persistTo,
        workers,
      }),
      enableDevRegistry: false,
      logRequests: false,
    });
    return { origin: (await mf.ready).origin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
