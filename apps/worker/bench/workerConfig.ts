// What the benchmark's Miniflare workers take from apps/worker/wrangler.jsonc (read by wrangler itself, with
// the .dev.vars secrets), so they run with the same compatibility date and bindings as `wrangler dev`.
import { fileURLToPath } from 'node:url';
import type { V4WorkerOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

/** apps/worker. */
export const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The Worker's Miniflare options as wrangler derives them (typed by wrangler's own copy of Miniflare). */
export function wranglerWorkerOptions(): V4WorkerOptions {
  return unstable_getMiniflareWorkerOptions(`${WORKER_DIR}/wrangler.jsonc`).workerOptions as V4WorkerOptions;
}
