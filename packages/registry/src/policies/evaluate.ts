import type { PolicyCondition, PolicyDocument, PolicyStatement } from './policyDocument.ts';

/** Who asks, and for what, as a repository policy sees it. */
export interface PolicyRequest {
  /** The action, `ecr:<Operation>`. */
  action: string;
  /** The caller's account (its registry id); none for an anonymous caller. */
  account?: string;
  /** The caller's own ARN (see {@link keyArn}); none for an anonymous caller. */
  arn?: string;
}

/** What a policy says of a request: an explicit Deny, an Allow, or nothing (the caller's key decides). */
export type PolicyVerdict = 'Deny' | 'Allow' | 'None';

/**
 * The ARN a policy names one access key by: `arn:aws:iam::<registryId>:user/<accessKeyId>`, as if each key
 * were an IAM user of its registry's account named after the key.
 * @example
 * keyArn('123456789012', 'AKIAEXAMPLE0000001'); // arn:aws:iam::123456789012:user/AKIAEXAMPLE0000001
 */
export function keyArn(registryId: string, accessKeyId: string): string {
  return `arn:aws:iam::${registryId}:user/${accessKeyId}`;
}

/** IAM's wildcards: `*` any run of characters, `?` one. */
function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function principalMatches(principal: string, request: PolicyRequest): boolean {
  if (principal === '*') return true;
  if (request.account === undefined) return false;
  // An account id, or its root ARN, stands for every principal of that account.
  if (principal === request.account || principal === `arn:aws:iam::${request.account}:root`) return true;
  return principal === request.arn;
}

function conditionHolds(condition: PolicyCondition, request: PolicyRequest): boolean {
  const value = condition.key === 'aws:principalaccount' ? request.account : request.arn;
  const negated = condition.operator.includes('Not');
  // IAM: a key the request lacks fails a positive test and passes a negated one.
  if (value === undefined) return negated;
  const like = condition.operator.endsWith('Like');
  const any = condition.values.some((expected) => (like ? glob(expected, value, false) : expected === value));
  return negated ? !any : any;
}

function applies(statement: PolicyStatement, request: PolicyRequest): boolean {
  const principal = statement.principals.some((p) => principalMatches(p, request));
  const action = statement.actions.some((pattern) => glob(pattern, request.action, true));
  return (
    principal !== statement.principalsNegated &&
    action !== statement.actionsNegated &&
    statement.conditions.every((condition) => conditionHolds(condition, request))
  );
}

/**
 * What a repository policy says of a request: `Deny` when any statement that applies denies it (an explicit
 * Deny wins), else `Allow` when one allows it, else `None`.
 * @example
 * evaluatePolicy(parsePolicy(text), { action: 'ecr:BatchGetImage' }); // an anonymous pull
 */
export function evaluatePolicy(policy: PolicyDocument, request: PolicyRequest): PolicyVerdict {
  let verdict: PolicyVerdict = 'None';
  for (const statement of policy.statements) {
    if (!applies(statement, request)) continue;
    if (statement.effect === 'Deny') return 'Deny';
    verdict = 'Allow';
  }
  return verdict;
}
