import type { OperationName } from '@edgecr/protocol';
import {
  evaluatePolicy,
  keyArn,
  type PolicyCaller,
  type PolicyDocument,
  parsePolicy,
} from '@edgecr/registry';
import { type AccessKey, type AccessTarget, accessDenied, keyAllows } from './credentials.ts';

/** Who makes a request: an access key, or nobody (an anonymous pull on `/v2/`). */
export type Caller = AccessKey | undefined;

/** How many parsed policies an isolate keeps, by text: a pull parses its repository's policy once. */
const PARSED_LIMIT = 256;
const parsed = new Map<string, PolicyDocument>();

function parsedPolicy(text: string): PolicyDocument {
  let policy = parsed.get(text);
  if (!policy) {
    // Stored policies were checked when set; one that no longer parses denies nothing and allows nothing.
    try {
      policy = parsePolicy(text);
    } catch {
      policy = { statements: [] };
    }
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, policy);
  }
  return policy;
}

/**
 * How a repository policy names a caller: a key as its registry's account and as its own ARN
 * (`arn:aws:iam::<registryId>:user/<accessKeyId>`); an anonymous caller by neither, so only `*` matches it.
 */
export function policyCaller(caller: Caller): PolicyCaller {
  return caller ? { account: caller.registryId, arn: keyArn(caller.registryId, caller.accessKeyId) } : {};
}

/**
 * The one access decision of both doors. A repository policy's explicit Deny refuses; otherwise the key's own
 * permission (same registry, prefixes, level) or the policy's Allow lets the caller in. Operations that name no
 * repository, and GetAuthorizationToken, are the key's alone: a policy never grants them.
 * @param policyText The repository's policy, when it has one.
 * @example
 * if (!allows(key, 'BatchGetImage', { region, registryId, repositoryName: 'app' }, policyText)) throw …;
 */
export function allows(
  caller: Caller,
  operation: OperationName,
  target: AccessTarget,
  policyText: string | undefined,
): boolean {
  const byKey = caller !== undefined && keyAllows(caller, operation, target);
  if (operation === 'GetAuthorizationToken' || target.repositoryName === undefined) return byKey;
  const verdict =
    policyText === undefined
      ? 'None'
      : evaluatePolicy(parsedPolicy(policyText), { action: `ecr:${operation}`, ...policyCaller(caller) });
  return verdict !== 'Deny' && (byKey || verdict === 'Allow');
}

/**
 * Refuses what {@link allows} does not allow, with ECR's AccessDeniedException.
 * @throws EcrError `AccessDeniedException`.
 */
export function requireAccess(
  caller: Caller,
  operation: OperationName,
  target: AccessTarget,
  policyText: string | undefined,
): void {
  if (!allows(caller, operation, target, policyText)) {
    throw accessDenied(caller?.accessKeyId ?? 'anonymous', operation, target);
  }
}
