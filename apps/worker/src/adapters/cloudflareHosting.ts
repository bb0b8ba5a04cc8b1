import {
  CATALOG_METHODS,
  type CatalogHandle,
  LAYER_CATALOG_METHODS,
  type LayerCatalog,
  type RegistryHosting,
  UPLOAD_METHODS,
  type UploadHandle,
} from '@edgecr/registry';
import { handleOf, type Outcome } from './outcome.ts';

/** The Durable Object that hosts a registry's catalog. */
function registryStub(env: Env, registryId: string) {
  return env.REGISTRY.get(env.REGISTRY.idFromName(registryId));
}

/** What an upload needs of its registry's catalog, by RPC to the registry's object. */
export function layerCatalog(env: Env, registryId: string): LayerCatalog {
  const stub = registryStub(env, registryId);
  return handleOf<LayerCatalog>(
    LAYER_CATALOG_METHODS,
    (method, args) => stub.call(method, args) as Promise<Outcome<unknown>>,
  );
}

/**
 * The registry hosted on Cloudflare: each registry's catalog in a `Registry` Durable Object, each upload in a
 * `LayerUpload` Durable Object, reached by their one generic call.
 */
export function cloudflareHosting(env: Env): RegistryHosting {
  return {
    catalog(registryId): CatalogHandle {
      const stub = registryStub(env, registryId);
      return handleOf<CatalogHandle>(
        CATALOG_METHODS,
        (method, args) => stub.call(method, args) as Promise<Outcome<unknown>>,
      );
    },
    upload(uploadId): UploadHandle {
      const stub = env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
      return handleOf<UploadHandle>(
        UPLOAD_METHODS,
        (method, args) => stub.call(method, args) as Promise<Outcome<unknown>>,
      );
    },
  };
}
