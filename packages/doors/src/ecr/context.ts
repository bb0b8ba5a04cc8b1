import type { AuthorizationData, OperationName, Operations, UploadLayerPartRequest } from '@edgecr/protocol';
import type { PolicyCaller, PullThrough, RegistryService, UpstreamCredentials } from '@edgecr/registry';
import { policyCaller, requireAccess } from '../auth/access.ts';
import { issueAuthorizationToken } from '../auth/authorizationToken.ts';
import { type AccessKey, keyAllows } from '../auth/credentials.ts';
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
  /**
   * Checks a pull's answer against the policy it carries (the door let the caller's key through without
   * asking for it): an explicit Deny refuses, with AccessDeniedException.
   */
  admit(operation: OperationName, repositoryName: string, policyText: string | undefined): void;
  /** Who the caller is to a repository policy (SetRepositoryPolicy's lock-out check). */
  caller: PolicyCaller;
  /** The pull path through the registry's pull-through cache rules. */
  pullThrough: PullThrough;
  /** Whether the request asked for no cached answer: pull-through tags are checked upstream now. */
  revalidate: boolean;
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

/**
 * What the ECR handlers get for a request by `key` to the endpoint at `origin`, acting on registry
 * `registryId` (the key's own, or another whose repository's policy let the key in); `revalidate` when the
 * request asked for no cached answer.
 */
export function ecrContext(
  endpoint: Endpoint,
  key: AccessKey,
  origin: string,
  registryId: string,
  revalidate = false,
): EcrContext {
  const { settings } = endpoint;
  const target = (repositoryName: string) => ({ region: settings.region, registryId, repositoryName });
  const registry = registryService(endpoint, registryId);
  return {
    registry,
    region: settings.region,
    host: new URL(origin).host,
    reaches: (repositoryName) => keyAllows(key, 'DescribeRepositories', target(repositoryName)),
    downloadUrl: (layer) => signDownloadUrl(origin, settings, { registryId, ...layer }),
    requireImageReference: settings.requireImageReference,
    async authorizationData() {
      const expiresAt = Math.floor(Date.now() / 1000) + settings.authorizationTokenTtlSeconds;
      return [{ ...issueAuthorizationToken(key, expiresAt), expiresAt, proxyEndpoint: origin }];
    },
    admit(operation, repositoryName, policyText) {
      requireAccess(key, operation, target(repositoryName), policyText);
    },
    caller: policyCaller(key),
    pullThrough: pullThrough(endpoint, registry),
    revalidate,
    upstreamCredentials: () => upstreamCredentials(endpoint),
  };
}
