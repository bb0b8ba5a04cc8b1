import { invalidParameter } from '@edgecr/protocol';

// Written by hand rather than taken from @cloud-copilot/iam-simulate, the maintained evaluator: that library is
// AGPL-3.0 (edgecr is Apache-2.0 and served over the network, where the AGPL binds), and it carries the
// catalogue of every AWS action (megabytes) to evaluate the handful of `ecr:` actions a repository policy names.

/** The version strings IAM accepts in a policy's `Version`. */
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

/** The condition operators edgecr evaluates; any other is refused when the policy is set. */
const OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']);

/** The condition keys edgecr knows the value of for every request; any other is refused when the policy is set. */
const CONDITION_KEYS = new Set(['aws:principalaccount', 'aws:principalarn']);

const STATEMENT_MEMBERS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Condition',
]);

/** One condition test: an operator on one key, true when any of the values matches. */
export interface PolicyCondition {
  operator: string;
  /** The key, lower case (IAM's keys are case-insensitive). */
  key: string;
  values: string[];
}

/** One statement, its members normalised to lists. */
export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  /** `Principal` (or, when `negated`, `NotPrincipal`): `*` or AWS principals. */
  principals: string[];
  principalsNegated: boolean;
  actions: string[];
  actionsNegated: boolean;
  conditions: PolicyCondition[];
}

/** A parsed repository policy. */
export interface PolicyDocument {
  statements: PolicyStatement[];
}

/** InvalidParameterException as ECR words a refused policy text, with what is wrong. */
function refuse(detail: string): never {
  throw invalidParameter('PolicyText', `Invalid repository policy provided: ${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or a non-empty list of strings, as a list. */
function strings(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item === '')) {
    refuse(`${what} must be a string or a non-empty list of strings`);
  }
  return list as string[];
}

const ACCOUNT = /^\d{12}$/;
const IAM_ARN = /^arn:aws:iam::(\d{12}):(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;

function principalsOf(value: unknown, member: string): string[] {
  if (value === '*') return ['*'];
  if (!isObject(value)) refuse(`${member} must be "*" or an object such as {"AWS": ...}`);
  const types = Object.keys(value);
  const other = types.find((type) => type !== 'AWS');
  if (other !== undefined) refuse(`${member} type "${other}" is not supported (only "AWS")`);
  if (types.length === 0) refuse(`${member} names no principal`);
  const principals = strings(value.AWS, `${member}.AWS`);
  for (const principal of principals) {
    if (principal !== '*' && !ACCOUNT.test(principal) && !IAM_ARN.test(principal)) {
      refuse(`${member} "${principal}" is not "*", an account id or an IAM ARN`);
    }
  }
  return principals;
}

function actionsOf(value: unknown, member: string): string[] {
  const actions = strings(value, member);
  for (const action of actions) {
    if (action !== '*' && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(action)) {
      refuse(`${member} "${action}" is not "*" or service:action`);
    }
  }
  return actions;
}

function conditionsOf(value: unknown): PolicyCondition[] {
  if (!isObject(value)) refuse('Condition must be an object of operators');
  const conditions: PolicyCondition[] = [];
  for (const [operator, tests] of Object.entries(value)) {
    if (!OPERATORS.has(operator)) refuse(`condition operator "${operator}" is not supported`);
    if (!isObject(tests)) refuse(`Condition.${operator} must be an object of condition keys`);
    for (const [key, values] of Object.entries(tests)) {
      if (!CONDITION_KEYS.has(key.toLowerCase())) refuse(`condition key "${key}" is not supported`);
      conditions.push({ operator, key: key.toLowerCase(), values: strings(values, `Condition key ${key}`) });
    }
  }
  return conditions;
}

function statementOf(value: unknown, index: number): PolicyStatement {
  if (!isObject(value)) refuse(`Statement ${index} is not an object`);
  const unknown = Object.keys(value).find((member) => !STATEMENT_MEMBERS.has(member));
  if (unknown !== undefined)
    refuse(`Statement ${index}: "${unknown}" is not supported in a repository policy`);
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') {
    refuse(`Statement ${index}: Effect must be "Allow" or "Deny"`);
  }
  if ('Principal' in value === 'NotPrincipal' in value) {
    refuse(`Statement ${index} must have exactly one of Principal and NotPrincipal`);
  }
  if ('Action' in value === 'NotAction' in value) {
    refuse(`Statement ${index} must have exactly one of Action and NotAction`);
  }
  if ('Sid' in value && typeof value.Sid !== 'string') refuse(`Statement ${index}: Sid must be a string`);
  const principalMember = 'Principal' in value ? 'Principal' : 'NotPrincipal';
  const actionMember = 'Action' in value ? 'Action' : 'NotAction';
  return {
    effect: value.Effect,
    principals: principalsOf(value[principalMember], principalMember),
    principalsNegated: principalMember === 'NotPrincipal',
    actions: actionsOf(value[actionMember], actionMember),
    actionsNegated: actionMember === 'NotAction',
    conditions: 'Condition' in value ? conditionsOf(value.Condition) : [],
  };
}

/**
 * Parses and checks a repository policy: IAM's JSON with `Version`, and `Statement` (one or a list), each with
 * `Effect`, `Principal` or `NotPrincipal`, `Action` or `NotAction`, an optional `Sid` and `Condition`. What
 * edgecr could not honour (another principal type, `Resource`, an unknown condition key or operator) is
 * refused rather than ignored.
 * @throws EcrError `InvalidParameterException` naming what is wrong.
 * @example
 * parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}');
 */
export function parsePolicy(text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    refuse('the text is not JSON');
  }
  if (!isObject(parsed)) refuse('the policy must be a JSON object');
  const unknown = Object.keys(parsed).find((member) => !['Version', 'Id', 'Statement'].includes(member));
  if (unknown !== undefined) refuse(`"${unknown}" is not a policy member`);
  if (typeof parsed.Version !== 'string' || !VERSIONS.has(parsed.Version)) {
    refuse('Version must be "2012-10-17" or "2008-10-17"');
  }
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  if (parsed.Statement === undefined || list.length === 0) refuse('the policy has no Statement');
  return { statements: list.map(statementOf) };
}
