import { type EcrContext, RegistryService } from '@edgecr/registry';
import { cloudflareHosting } from '../../adapters/cloudflareHosting.ts';
import { issueAuthorizationToken } from '../../auth/authorizationToken.ts';
import { type AccessKey, reachesRepository } from '../../auth/credentials.ts';
import { PART_SIZE, type Settings } from '../../config.ts';
import { signDownloadUrl } from '../downloads.ts';

/** The registry service of one registry, hosted in this Worker's Durable Objects. */
export function registryService(env: Env, settings: Settings, registryId: string): RegistryService {
  return new RegistryService(registryId, cloudflareHosting(env), {
    partSize: PART_SIZE,
    uploadTtlSeconds: settings.uploadTtlSeconds,
    createRepositoryOnPush: settings.createRepositoryOnPush,
  });
}

/** What the ECR handlers get for a request by `key` to the endpoint at `origin`. */
export function ecrContext(env: Env, settings: Settings, key: AccessKey, origin: string): EcrContext {
  const registryId = key.registryId;
  return {
    registry: registryService(env, settings, registryId),
    region: settings.region,
    host: new URL(origin).host,
    reaches: (repositoryName) => reachesRepository(key, repositoryName),
    downloadUrl: (layer) => signDownloadUrl(origin, settings, { registryId, ...layer }),
    requireImageReference: settings.requireImageReference,
    async authorizationData() {
      const expiresAt = Math.floor(Date.now() / 1000) + settings.authorizationTokenTtlSeconds;
      return [{ ...issueAuthorizationToken(key, expiresAt), expiresAt, proxyEndpoint: origin }];
    },
  };
}
