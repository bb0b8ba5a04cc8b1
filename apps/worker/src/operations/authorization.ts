import type { GetAuthorizationTokenRequest, GetAuthorizationTokenResponse } from '@edgecr/protocol';
import { issueAuthorizationToken } from '../authorizationToken.ts';
import type { OperationContext } from '../context.ts';

/** GetAuthorizationToken: one token for the caller's registry, valid for AUTHORIZATION_TOKEN_TTL_SECONDS. */
export async function getAuthorizationToken(
  _input: GetAuthorizationTokenRequest,
  { key, settings, origin }: OperationContext,
): Promise<GetAuthorizationTokenResponse> {
  const expiresAt = Math.floor(Date.now() / 1000) + settings.authorizationTokenTtlSeconds;
  return {
    authorizationData: [{ ...issueAuthorizationToken(key, expiresAt), expiresAt, proxyEndpoint: origin }],
  };
}
