// Bench-only Worker entry: the real Worker (src/index.ts, both doors, the upload objects, SQLite, the wasm
// hash) with one change: R2 multipart part writes (the upload objects', and the Worker's own when it stores a
// pulled blob) are answered without storing the bytes. The same push
// against it and against the real Worker, in the same run, shows what local R2's part writes cost (Miniflare's
// R2 simulation inside workerd, not R2 itself). Run by `wrangler dev` as the entry, with wrangler.jsonc.
//
// Completing the multipart upload stores an empty object under the layer's key, so completion and the catalog
// go on as usual; the benchmark never downloads these layers.
import worker, { LayerUpload as RealLayerUpload, Registry } from '../../src/index.ts';

/** A multipart upload whose parts go nowhere. */
function discardingUpload(bucket: R2Bucket, key: string, uploadId: string): R2MultipartUpload {
  return {
    key,
    uploadId,
    uploadPart: async (partNumber: number) => ({ partNumber, etag: `discarded-${partNumber}` }),
    abort: async () => undefined,
    complete: async () => {
      const object = await bucket.put(key, new Uint8Array(0));
      return object as R2Object;
    },
  };
}

/** `bucket`, but for its multipart uploads, whose part writes are discarded. */
function discardingParts(bucket: R2Bucket): R2Bucket {
  return new Proxy(bucket, {
    get(target, name) {
      if (name === 'createMultipartUpload') {
        return async (key: string) => discardingUpload(target, key, crypto.randomUUID());
      }
      if (name === 'resumeMultipartUpload') {
        return (key: string, uploadId: string) => discardingUpload(target, key, uploadId);
      }
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The upload object, its R2 part writes discarded. */
export class LayerUpload extends RealLayerUpload {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, { ...env, LAYERS: discardingParts(env.LAYERS) });
  }
}

export { Registry };

/** The Worker, its own R2 part writes (a pull-through cache's first pull stores blobs itself) discarded too. */
export default {
  fetch: (request, env, context) =>
    worker.fetch(request, { ...env, LAYERS: discardingParts(env.LAYERS) }, context),
} satisfies ExportedHandler<Env>;
