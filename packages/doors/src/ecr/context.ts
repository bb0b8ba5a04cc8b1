import type { AuthorizationData, OperationName, Operations, UploadLayerPartRequest } from '@edgecr/protocol';
import type { PullThrough, RegistryService, UpstreamCredentials } from '@edgecr/registry';
import { issueAuthorizationToken } from '../auth/authorizationToken.ts';
import { type AccessKey, reachesRepository } from '../auth/credentials.ts';
import { signDownloadUrl } from '../downloads.ts';
import { type Endpoint, registryService } from '../endpoint.ts';
import { pullThrough, upstreamCredentials } from '../pullThrough.ts';

/** What the ECR door's handlers need besides the request: the registry and what depends on the endpoint. */
export interface EcrContext {
  /** The registry the request acts on. */
  registry: RegistryService;
  /** The region named in repository ARNs. */
  region: string;
  /** The host named in repository URIs (the endpoint's). */
  host: string;
  /** Whether the caller may see a repository: a listing shows only those. */
  reaches(repositoryName: string): boolean;
  /** A URL that serves the layer's bytes. */
  downloadUrl(layer: { repositoryName: string; digest: string }): Promise<string>;
  /** ECR's rule that only layers an image references may be downloaded. */
  requireImageReference: boolean;
  /** GetAuthorizationToken's answer for the caller. */
  authorizationData(): Promise<AuthorizationData[]>;
  /** The pull path through the registry's pull-through cache rules. */
  pullThrough: PullThrough;
  /** The operator's upstream credentials by name (a rule's `credentialArn` must name one). */
  upstreamCredentials(): Map<string, UpstreamCredentials>;
}

/** UploadLayerPart's input at the door: the blob is a stream of its decoded bytes, never held whole. */
export type StreamedUploadLayerPartRequest = Omit<UploadLayerPartRequest, 'layerPartBlob'> & {
  layerPartBlob: ReadableStream<Uint8Array>;
};

/** An operation's validated input as the door takes it. */
export type EcrInput<Op extends OperationName> = Op extends 'UploadLayerPart'
  ? StreamedUploadLayerPartRequest
  : Operations[Op]['input'];

/** The one signature of every ECR operation: validated input and context in, the operation's output out. */
export type EcrHandler<Op extends OperationName> = (
  input: EcrInput<Op>,
  context: EcrContext,
) => Promise<Operations[Op]['output']>;

/** What the ECR handlers get for a request by `key` to the endpoint at `origin`. */
export function ecrContext(endpoint: Endpoint, key: AccessKey, origin: string): EcrContext {
  const { settings } = endpoint;
  const registryId = key.registryId;
  const registry = registryService(endpoint, registryId);
  return {
    registry,
    region: settings.region,
    host: new URL(origin).host,
    reaches: (repositoryName) => reachesRepository(key, repositoryName),
    downloadUrl: (layer) => signDownloadUrl(origin, settings, { registryId, ...layer }),
    requireImageReference: settings.requireImageReference,
    async authorizationData() {
      const expiresAt = Math.floor(Date.now() / 1000) + settings.authorizationTokenTtlSeconds;
      return [{ ...issueAuthorizationToken(key, expiresAt), expiresAt, proxyEndpoint: origin }];
    },
    pullThrough: pullThrough(endpoint, registry),
    upstreamCredentials: () => upstreamCredentials(endpoint),
  };
}
