import { type Endpoint, PullMemo, route } from '@edgecr/doors';
import { cloudflareHosting } from './adapters/cloudflareHosting.ts';
import { R2BlobStore } from './adapters/r2BlobStore.ts';
import { workerdBodyStreams } from './adapters/workerdBodyStreams.ts';
import { readSettings } from './config.ts';

export { LayerUpload } from './hosts/layerUpload.ts';
export { Registry } from './hosts/registry.ts';

/** What this isolate's pulls keep: one for the isolate's life, so that a pull asked again finds it. */
const pulls = new PullMemo();

/** The doors' endpoint on this Worker's bindings: the Durable Objects, R2 and workerd's streams. */
function endpoint(env: Env): Endpoint {
  return {
    hosting: cloudflareHosting(env),
    blobs: new R2BlobStore(env.LAYERS),
    bodies: workerdBodyStreams,
    settings: readSettings(env),
    pulls,
  };
}

export default {
  fetch: (request, env) => route(request, endpoint(env), (asset) => env.ASSETS.fetch(asset)),
} satisfies ExportedHandler<Env>;
