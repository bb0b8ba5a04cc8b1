/**
 * ECR's pull-through cache rules: Create/Describe/Update/DeletePullThroughCacheRule, and which rule a
 * repository name falls under. The catalog rules (catalogRules.ts) run these inside their transactions.
 * @module
 */

import type {
  CreatePullThroughCacheRuleRequest,
  DescribePullThroughCacheRulesRequest,
  DescribePullThroughCacheRulesResponse,
  UpdatePullThroughCacheRuleRequest,
} from '@edgecr/protocol';
import { invalidParameter } from '@edgecr/protocol';
import { decodePageToken, encodePageToken } from '../catalog/pageToken.ts';
import { paginationWithNames } from '../errors.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';
import { ruleAlreadyExists, ruleNotFound, ruleOverlaps } from './errors.ts';
import type { PullThroughRuleRecord, PullThroughSource } from './records.ts';
import { checkUpstreamUrl } from './upstreamUrl.ts';

/** The prefix of the rule that covers every repository no other rule covers. */
export const ROOT_PREFIX = 'ROOT';
/** ECR's bounds on a prefix other than `ROOT`. */
const MIN_PREFIX_LENGTH = 2;
const MAX_PREFIX_LENGTH = 30;
/** DescribePullThroughCacheRules' page size when the request names none. */
const DEFAULT_PAGE_SIZE = 100;

/** `prod` is the namespace `prod/` (ECR assumes the `/`). */
export function namespaceOf(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function checkPrefix(name: string, prefix: string): void {
  if (prefix !== ROOT_PREFIX && (prefix.length < MIN_PREFIX_LENGTH || prefix.length > MAX_PREFIX_LENGTH)) {
    throw invalidParameter(
      name,
      `must be ${ROOT_PREFIX} or between ${MIN_PREFIX_LENGTH} and ${MAX_PREFIX_LENGTH} characters long`,
    );
  }
}

function find(tables: CatalogTransaction, prefix: string): PullThroughRuleRecord | undefined {
  return tables.pullThroughRules().find((rule) => rule.ecrRepositoryPrefix === prefix);
}

/**
 * CreatePullThroughCacheRule. A prefix other than ROOT may not contain or lie inside another rule's, nor
 * cover an existing repository (its images would come from two places); ROOT takes what no other rule covers.
 * The credential's name is checked by the caller, which knows the secrets; here only its ARN's form.
 * @throws EcrError `PullThroughCacheRuleAlreadyExistsException` for a prefix that has one;
 * `InvalidParameterException` for a prefix out of bounds or overlapping, or a URL that is not a registry's.
 */
export function createRule(
  tables: CatalogTransaction,
  registryId: string,
  input: CreatePullThroughCacheRuleRequest,
  now: number,
): PullThroughRuleRecord {
  const prefix = input.ecrRepositoryPrefix;
  checkPrefix('ecrRepositoryPrefix', prefix);
  if (input.upstreamRepositoryPrefix !== undefined) {
    checkPrefix('upstreamRepositoryPrefix', input.upstreamRepositoryPrefix);
  }
  checkUpstreamUrl(input.upstreamRegistryUrl);
  if (find(tables, prefix)) throw ruleAlreadyExists(registryId, prefix);
  if (prefix !== ROOT_PREFIX) {
    const namespace = namespaceOf(prefix);
    const other = tables
      .pullThroughRules()
      .find(
        ({ ecrRepositoryPrefix: them }) =>
          them !== ROOT_PREFIX &&
          (namespaceOf(them).startsWith(namespace) || namespace.startsWith(namespaceOf(them))),
      );
    if (other) throw ruleOverlaps(prefix, `the rule with prefix '${other.ecrRepositoryPrefix}'`);
    const repository = tables.repositoriesAfter(namespace, 1)[0];
    if (repository?.repositoryName.startsWith(namespace)) {
      throw ruleOverlaps(prefix, `the repository '${repository.repositoryName}'`);
    }
  }
  const rule: PullThroughRuleRecord = {
    ecrRepositoryPrefix: prefix,
    upstreamRegistryUrl: input.upstreamRegistryUrl,
    registryId,
    createdAt: now,
    updatedAt: now,
    ...(input.upstreamRegistry && { upstreamRegistry: input.upstreamRegistry }),
    ...(input.credentialArn && { credentialArn: input.credentialArn }),
    ...(input.customRoleArn && { customRoleArn: input.customRoleArn }),
    ...(input.upstreamRepositoryPrefix && { upstreamRepositoryPrefix: input.upstreamRepositoryPrefix }),
  };
  tables.putPullThroughRule(rule);
  return rule;
}

/**
 * UpdatePullThroughCacheRule: the credential and role the request names replace the rule's.
 * @throws EcrError `PullThroughCacheRuleNotFoundException`.
 */
export function updateRule(
  tables: CatalogTransaction,
  registryId: string,
  input: UpdatePullThroughCacheRuleRequest,
  now: number,
): PullThroughRuleRecord {
  const existing = requireRule(tables, registryId, input.ecrRepositoryPrefix);
  const rule: PullThroughRuleRecord = {
    ...existing,
    ...(input.credentialArn && { credentialArn: input.credentialArn }),
    ...(input.customRoleArn && { customRoleArn: input.customRoleArn }),
    ...(input.upstreamRoleArn && { upstreamRoleArn: input.upstreamRoleArn }),
    updatedAt: now,
  };
  tables.putPullThroughRule(rule);
  return rule;
}

/**
 * DeletePullThroughCacheRule; answers the rule it deleted. The repositories it filled stay, as in ECR.
 * @throws EcrError `PullThroughCacheRuleNotFoundException`.
 */
export function deleteRule(
  tables: CatalogTransaction,
  registryId: string,
  prefix: string,
): PullThroughRuleRecord {
  const existing = requireRule(tables, registryId, prefix);
  tables.deletePullThroughRule(prefix);
  return existing;
}

/**
 * The rule of a prefix.
 * @throws EcrError `PullThroughCacheRuleNotFoundException`.
 */
export function requireRule(
  tables: CatalogTransaction,
  registryId: string,
  prefix: string,
): PullThroughRuleRecord {
  const rule = find(tables, prefix);
  if (!rule) throw ruleNotFound(registryId, prefix);
  return rule;
}

/**
 * DescribePullThroughCacheRules: the named prefixes' rules (each must exist, as ECR answers), or a page of all
 * of them in prefix order; not both.
 * @throws EcrError `PullThroughCacheRuleNotFoundException`; `InvalidParameterException` for names with
 * pagination, or a token this registry did not issue.
 */
export function describeRules(
  tables: CatalogTransaction,
  registryId: string,
  input: DescribePullThroughCacheRulesRequest,
): DescribePullThroughCacheRulesResponse {
  const all = tables
    .pullThroughRules()
    .sort((a, b) => (a.ecrRepositoryPrefix < b.ecrRepositoryPrefix ? -1 : 1));
  if (input.ecrRepositoryPrefixes) {
    if (input.maxResults !== undefined || input.nextToken !== undefined) throw paginationWithNames();
    return {
      pullThroughCacheRules: input.ecrRepositoryPrefixes.map((prefix) =>
        requireRule(tables, registryId, prefix),
      ),
    };
  }
  const after = input.nextToken === undefined ? '' : decodePageToken(input.nextToken).after;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rest = all.filter((rule) => rule.ecrRepositoryPrefix > after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return {
    pullThroughCacheRules: page,
    ...(rest.length > limit && last && { nextToken: encodePageToken({ after: last.ecrRepositoryPrefix }) }),
  };
}

/**
 * Where a repository's images come from: the rule whose prefix covers its name (the longest, else ROOT) and
 * the name upstream (the rest of the name under the rule's `upstreamRepositoryPrefix`), or null when no rule
 * covers it, with when each of `tags` was last checked upstream.
 * @example
 * // rule 'hub' with upstreamRepositoryPrefix 'library': 'hub/nginx' → upstream 'library/nginx'
 */
export function sourceOf(
  tables: CatalogTransaction,
  repositoryName: string,
  tags: string[],
): PullThroughSource | null {
  const rules = tables.pullThroughRules();
  const covering = rules
    .filter(
      (rule) =>
        rule.ecrRepositoryPrefix !== ROOT_PREFIX &&
        repositoryName.startsWith(namespaceOf(rule.ecrRepositoryPrefix)),
    )
    .sort((a, b) => b.ecrRepositoryPrefix.length - a.ecrRepositoryPrefix.length)[0];
  const rule = covering ?? rules.find((candidate) => candidate.ecrRepositoryPrefix === ROOT_PREFIX);
  if (!rule) return null;
  const rest = covering
    ? repositoryName.slice(namespaceOf(covering.ecrRepositoryPrefix).length)
    : repositoryName;
  const upstreamPrefix = rule.upstreamRepositoryPrefix;
  const upstreamRepository =
    upstreamPrefix === undefined || upstreamPrefix === ROOT_PREFIX
      ? rest
      : `${namespaceOf(upstreamPrefix)}${rest}`;
  const checkedAt: Record<string, number> = {};
  for (const tag of tags) {
    const at = tables.upstreamCheck(repositoryName, tag);
    if (at !== null) checkedAt[tag] = at;
  }
  return { rule, upstreamRepository, checkedAt };
}
