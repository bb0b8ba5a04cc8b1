/**
 * Where and as whom the CLI talks, by the AWS CLI's conventions: `--endpoint-url` or `AWS_ENDPOINT_URL_ECR`
 * (or `AWS_ENDPOINT_URL`), the AWS SDK's credential chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
 * `AWS_SESSION_TOKEN`, `AWS_PROFILE` in `~/.aws/credentials` and `~/.aws/config`, SSO, process credentials…),
 * and the region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile.
 * @module
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { loadConfig, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { CliFailure, UsageError } from './exitCodes.ts';

/** The endpoint, region and credentials of one run. */
export interface Connection {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Resolves the connection. The AWS SDK's own providers read the credential and config files (profiles, SSO,
 * `credential_process`), so the CLI finds keys exactly where the AWS CLI and the SDKs do.
 * @example
 * const { endpoint, region, credentials } = await resolveConnection({ endpointUrl: undefined, profile: undefined });
 */
export async function resolveConnection(options: {
  endpointUrl: string | undefined;
  profile: string | undefined;
  region: string | undefined;
  env?: NodeJS.ProcessEnv;
}): Promise<Connection> {
  const env = options.env ?? process.env;
  const endpoint = options.endpointUrl ?? env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new UsageError('No endpoint: pass --endpoint-url URL or set AWS_ENDPOINT_URL_ECR');
  }
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(`The endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  const profile = options.profile ?? env.AWS_PROFILE;
  // AWS_DEFAULT_REGION is the AWS CLI's name; the SDK's loader reads AWS_REGION and the profile's `region`.
  const region =
    options.region ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    (await loadConfig(NODE_REGION_CONFIG_OPTIONS, profile ? { profile } : {})().catch(() => undefined)) ??
    'us-east-1';
  const identity = await defaultProvider(profile ? { profile } : {})().catch((cause: unknown) => {
    throw new CliFailure(
      'No credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (~/.aws/credentials)' +
        (profile ? `; the profile ${JSON.stringify(profile)} gave none` : ''),
      { cause },
    );
  });
  return {
    endpoint,
    region,
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      ...(identity.sessionToken && { sessionToken: identity.sessionToken }),
    },
  };
}

/**
 * The ECR client of a run: fetch (Node's own) as the transport, the connection's endpoint, region and key.
 * @example
 * const ecr = ecrClient(await resolveConnection({ endpointUrl: undefined, profile: undefined, region: undefined }));
 */
export function ecrClient({ endpoint, region, credentials }: Connection): EcrClient {
  return new EcrClient({ endpoint, region, credentials, transport: fetchTransport() });
}
