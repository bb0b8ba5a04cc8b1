import {
  ECR_TOKEN_USER,
  EcrError,
  OciError,
  type OperationName,
  ociErrorFromEcr,
  parseBasicAuthorization,
  wwwAuthenticate,
} from '@edgecr/protocol';
import { allows, type Caller } from '../auth/access.ts';
import { accessKeys } from '../auth/authenticate.ts';
import { verifyAuthorizationToken } from '../auth/authorizationToken.ts';
import { type AccessKey, type AccessTarget, accessDenied, keyAllows } from '../auth/credentials.ts';
import type { Settings } from '../settings.ts';
import type { OciRequest } from './context.ts';

/** A 401 with ECR's Basic challenge, whose realm is this endpoint. */
function challenge(origin: string, message: string): OciError {
  return new OciError('UNAUTHORIZED', message, {
    headers: { 'www-authenticate': wwwAuthenticate(`${origin}/`) },
  });
}

/**
 * The registry an anonymous caller reaches on `/v2/` (whose paths name no registry): the operator's
 * `publicRegistryId`, else the one registry every key belongs to; none when the keys span several.
 */
export function publicRegistry(settings: Settings, keys: ReadonlyMap<string, AccessKey>): string | undefined {
  if (settings.publicRegistryId) return settings.publicRegistryId;
  const registries = new Set([...keys.values()].map((key) => key.registryId));
  return registries.size === 1 ? [...registries][0] : undefined;
}

/**
 * Who a request is: the key behind `Authorization: Basic AWS:<password>`, the password being a
 * GetAuthorizationToken token, as `docker login` to ECR sends it; or anonymous (no credentials, or skopeo's
 * empty Basic ones), reaching the public registry, for what repository policies allow everyone. Malformed,
 * forged or expired credentials get a 401 challenge, never another status.
 */
export function ociCaller(
  request: Request,
  settings: Settings,
  origin: string,
): { caller: Caller; registryId: string } {
  let keys: Map<string, AccessKey>;
  try {
    keys = accessKeys(settings);
  } catch (error) {
    if (error instanceof EcrError) throw challenge(origin, error.message);
    throw error;
  }
  const header = request.headers.get('authorization');
  const basic = parseBasicAuthorization(header);
  if (header === null || (basic?.username === '' && basic.password === '')) {
    const registryId = publicRegistry(settings, keys);
    if (registryId === undefined) throw challenge(origin, 'authentication required');
    return { caller: undefined, registryId };
  }
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
  return { caller: key, registryId: key.registryId };
}

function targetOf(call: OciRequest, repositoryName: string | undefined): AccessTarget {
  return {
    region: call.settings.region,
    registryId: call.registry.registryId,
    ...(repositoryName !== undefined && { repositoryName }),
  };
}

/**
 * Refuses a caller the policy carried by a pull's answer (or fetched) does not let in: an anonymous caller with
 * the 401 challenge (it may log in), a key with 403 `DENIED` in ECR's wording.
 */
export function admit(
  call: OciRequest,
  operation: OperationName,
  repositoryName: string | undefined,
  policyText: string | undefined,
): void {
  const target = targetOf(call, repositoryName);
  if (allows(call.caller, operation, target, policyText)) return;
  if (!call.caller) throw challenge(call.url.origin, 'authentication required');
  const denied = accessDenied(call.caller.accessKeyId, operation, target);
  throw ociErrorFromEcr(denied, 'blob') ?? denied;
}

/**
 * Checks that the caller may perform the ECR operation an OCI action corresponds to, as the ECR door decides
 * it (auth/access.ts), with the repository's policy. With `answerCarriesPolicy` (a pull's reads, whose answer
 * brings the policy), a key its own permission lets in is not asked about the policy here: the caller then
 * calls {@link admit} with the answer's.
 */
export async function permit(
  call: OciRequest,
  operation: OperationName,
  repositoryName?: string,
  answerCarriesPolicy = false,
): Promise<void> {
  const target = targetOf(call, repositoryName);
  if (call.caller && keyAllows(call.caller, operation, target)) {
    if (repositoryName === undefined || answerCarriesPolicy) return;
  }
  const policy = repositoryName === undefined ? {} : await call.registry.catalog.accessPolicy(repositoryName);
  admit(call, operation, repositoryName, policy.policyText);
}

/** Whether the caller may perform the operation (a mount's source: a refusal falls back to an upload). */
export async function allowed(
  call: OciRequest,
  operation: OperationName,
  repositoryName: string,
): Promise<boolean> {
  const { policyText } = await call.registry.catalog.accessPolicy(repositoryName);
  return allows(call.caller, operation, targetOf(call, repositoryName), policyText);
}
