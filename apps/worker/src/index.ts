import { type Endpoint, PullMemo, route } from '@edgecr/doors';
import { cloudflareHosting } from './adapters/cloudflareHosting.ts';
import { R2BlobStore } from './adapters/r2BlobStore.ts';
import { workerdBodyStreams } from './adapters/workerdBodyStreams.ts';
import { workersEdgeCache } from './adapters/workersEdgeCache.ts';
import { readSettings } from './config.ts';

export { LayerUpload } from './hosts/layerUpload.ts';
export { Registry } from './hosts/registry.ts';

/** What this isolate's pulls keep: one for the isolate's life, so that a pull asked again finds it. */
const pulls = new PullMemo();

/**
 * The doors' endpoint on this Worker's bindings: the Durable Objects, R2, workerd's streams and the data
 * center's cache.
 */
function endpoint(env: Env, context: ExecutionContext): Endpoint {
  return {
    hosting: cloudflareHosting(env),
    blobs: new R2BlobStore(env.LAYERS),
    bodies: workerdBodyStreams,
    settings: readSettings(env),
    pulls,
    edge: workersEdgeCache(caches.default, context),
    defer: (work) => context.waitUntil(work),
  };
}

export default {
  fetch: (request, env, context) =>
    route(request, endpoint(env, context), (asset) => env.ASSETS.fetch(asset)),
} satisfies ExportedHandler<Env>;
