import {
  ECR_TOKEN_USER,
  EcrError,
  OciError,
  type OperationName,
  ociErrorFromEcr,
  parseBasicAuthorization,
  wwwAuthenticate,
} from '@edgecr/protocol';
import { accessKeys } from '../auth/authenticate.ts';
import { verifyAuthorizationToken } from '../auth/authorizationToken.ts';
import { type AccessKey, authorize } from '../auth/credentials.ts';
import type { Settings } from '../settings.ts';

/** A 401 with ECR's Basic challenge, whose realm is this endpoint. */
function challenge(origin: string, message: string): OciError {
  return new OciError('UNAUTHORIZED', message, {
    headers: { 'www-authenticate': wwwAuthenticate(`${origin}/`) },
  });
}

/**
 * The key behind a request's `Authorization: Basic AWS:<password>`, the password being a GetAuthorizationToken
 * token, as `docker login` to ECR sends it. No, malformed, forged or expired credentials get a 401
 * challenge, never another status.
 */
export function ociCaller(request: Request, settings: Settings, origin: string): AccessKey {
  let keys: Map<string, AccessKey>;
  try {
    keys = accessKeys(settings);
  } catch (error) {
    if (error instanceof EcrError) throw challenge(origin, error.message);
    throw error;
  }
  const basic = parseBasicAuthorization(request.headers.get('authorization'));
  if (!basic) throw challenge(origin, 'authentication required: log in with user AWS and a token');
  let token: string | undefined;
  try {
    // The verifier reads the token as GetAuthorizationToken issued it: base64 of `AWS:<password>`.
    token = basic.username === ECR_TOKEN_USER ? btoa(`${ECR_TOKEN_USER}:${basic.password}`) : undefined;
  } catch {
    // A password outside Latin-1 is no token.
  }
  const key = token && verifyAuthorizationToken(token, keys, Date.now() / 1000);
  if (!key) throw challenge(origin, 'the authorization token is not valid or has expired');
  return key;
}

/**
 * Checks that the key may perform the ECR operation an OCI action corresponds to, with the same permission,
 * registry and prefix rules as the ECR door; a refusal is 403 `DENIED` with ECR's wording.
 */
export function permit(
  key: AccessKey,
  settings: Settings,
  operation: OperationName,
  repositoryName?: string,
): void {
  try {
    authorize(key, operation, {
      region: settings.region,
      registryId: key.registryId,
      ...(repositoryName !== undefined && { repositoryName }),
    });
  } catch (error) {
    if (error instanceof EcrError) throw ociErrorFromEcr(error, 'blob') ?? error;
    throw error;
  }
}

/** Whether the key may perform the operation (a mount's source: a refusal falls back to an upload). */
export function allowed(
  key: AccessKey,
  settings: Settings,
  operation: OperationName,
  repositoryName: string,
): boolean {
  try {
    permit(key, settings, operation, repositoryName);
    return true;
  } catch {
    return false;
  }
}
