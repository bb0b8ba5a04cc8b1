import type { CatalogHandle, LayerCatalog, RegistryHosting, UploadHandle } from '@edgecr/registry';
import { unwrap } from './outcome.ts';

/** The Durable Object that hosts a registry's catalog. */
function registryStub(env: Env, registryId: string) {
  return env.REGISTRY.get(env.REGISTRY.idFromName(registryId));
}

/** What an upload needs of its registry's catalog, by RPC to the registry's object. */
export function layerCatalog(env: Env, registryId: string): LayerCatalog {
  const stub = registryStub(env, registryId);
  return {
    hasLayer: async (repositoryName, digest) => unwrap(await stub.hasLayer(repositoryName, digest)),
    registerLayer: async (repositoryName, layer, alias) =>
      unwrap(await stub.registerLayer(repositoryName, layer, alias)),
    objectInUse: async (objectKey) => unwrap(await stub.objectInUse(objectKey)),
  };
}

/**
 * The registry hosted on Cloudflare: each registry's catalog in a `Registry` Durable Object, each upload in a
 * `LayerUpload` Durable Object, reached by RPC.
 */
export function cloudflareHosting(env: Env): RegistryHosting {
  return {
    catalog(registryId): CatalogHandle {
      const stub = registryStub(env, registryId);
      return {
        createRepository: async (record) => unwrap(await stub.createRepository(record)),
        describeRepositories: async (query) => unwrap(await stub.describeRepositories(query)),
        deleteRepository: async (name, force = false) => unwrap(await stub.deleteRepository(name, force)),
        requireRepository: async (name) => unwrap(await stub.requireRepository(name)),
        checkLayers: async (name, digests) => unwrap(await stub.checkLayers(name, digests)),
        findLayer: async (name, digest) => unwrap(await stub.findLayer(name, digest)),
        mountLayer: async (name, digest, from) => unwrap(await stub.mountLayer(name, digest, from)),
        layerHolders: async (digest, after, limit) => unwrap(await stub.layerHolders(digest, after, limit)),
        deleteLayer: async (name, digest) => unwrap(await stub.deleteLayer(name, digest)),
        putImage: async (input, alias) => unwrap(await stub.putImage(input, alias)),
        batchGetImage: async (input) => unwrap(await stub.batchGetImage(input)),
        describeImages: async (input) => unwrap(await stub.describeImages(input)),
        listImages: async (input) => unwrap(await stub.listImages(input)),
        batchDeleteImage: async (input) => unwrap(await stub.batchDeleteImage(input)),
        putImageTagMutability: async (input) => unwrap(await stub.putImageTagMutability(input)),
        referrers: async (query) => unwrap(await stub.referrers(query)),
        tagRepository: async (name, tags) => unwrap(await stub.tagRepository(name, tags)),
        untagRepository: async (name, keys) => unwrap(await stub.untagRepository(name, keys)),
        putLifecyclePolicy: async (input) => unwrap(await stub.putLifecyclePolicy(input)),
        getLifecyclePolicy: async (name) => unwrap(await stub.getLifecyclePolicy(name)),
        deleteLifecyclePolicy: async (name) => unwrap(await stub.deleteLifecyclePolicy(name)),
        startLifecyclePolicyPreview: async (input) => unwrap(await stub.startLifecyclePolicyPreview(input)),
        getLifecyclePolicyPreview: async (input) => unwrap(await stub.getLifecyclePolicyPreview(input)),
      };
    },
    upload(uploadId): UploadHandle {
      const stub = env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
      return {
        begin: async (input) => unwrap(await stub.begin(input)),
        uploadPart: async (ref, range, body) => unwrap(await stub.uploadPart(ref, range, body)),
        complete: async (ref, digests) => unwrap(await stub.complete(ref, digests)),
        completeBlob: async (ref, digest) => unwrap(await stub.completeBlob(ref, digest)),
        received: async (ref) => unwrap(await stub.received(ref)),
        cancel: async (ref) => unwrap(await stub.cancel(ref)),
      };
    },
  };
}
