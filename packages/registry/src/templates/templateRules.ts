/**
 * ECR's repository creation templates: Create/Describe/Update/DeleteRepositoryCreationTemplate, and which
 * template a new repository takes (the longest matching prefix, `ROOT` when none matches) and what it takes
 * from it. The catalog rules (controlPlane.ts, repositories.ts) run these inside their transactions.
 * @module
 */

import type {
  CreateRepositoryCreationTemplateRequest,
  CreateRepositoryRequest,
  DescribeRepositoryCreationTemplatesRequest,
  DescribeRepositoryCreationTemplatesResponse,
  RCTAppliedFor,
  UpdateRepositoryCreationTemplateRequest,
} from '@edgecr/protocol';
import { invalidParameter } from '@edgecr/protocol';
import { decodePageToken, encodePageToken } from '../catalog/pageToken.ts';
import { addTags } from '../catalog/repositoryTags.ts';
import { paginationWithNames, templateAlreadyExists, templateNotFound } from '../errors.ts';
import { checkExclusionFilters } from '../images/tagMutability.ts';
import { parseLifecyclePolicy } from '../lifecycle/policy.ts';
import { parsePolicy } from '../policies/policyDocument.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';
import type { TemplateRecord } from './records.ts';

/** The prefix of the template that applies to every repository no other template matches. */
const ROOT_PREFIX = 'ROOT';
/** ECR's bounds on a prefix other than `ROOT` (the model allows 1..256; ECR's API refuses outside these). */
const MIN_PREFIX_LENGTH = 2;
const MAX_PREFIX_LENGTH = 30;
/** DescribeRepositoryCreationTemplates' page size when the request names none. */
const DEFAULT_PAGE_SIZE = 100;

/**
 * Checks a template as it will be stored.
 * @throws EcrError `InvalidParameterException` for a prefix out of bounds, no `appliedFor`, exclusion filters
 * that do not fit the tag mutability, or a lifecycle policy PutLifecyclePolicy would refuse;
 * `InvalidTagParameterException` / `TooManyTagsException` for tags TagResource would refuse.
 */
function checkTemplate(template: TemplateRecord): void {
  const { prefix } = template;
  if (prefix !== ROOT_PREFIX && (prefix.length < MIN_PREFIX_LENGTH || prefix.length > MAX_PREFIX_LENGTH)) {
    throw invalidParameter(
      'prefix',
      `must be ${ROOT_PREFIX} or between ${MIN_PREFIX_LENGTH} and ${MAX_PREFIX_LENGTH} characters long`,
    );
  }
  if (template.appliedFor.length === 0) {
    throw invalidParameter(
      'appliedFor',
      'must name at least one of CREATE_ON_PUSH, REPLICATION, PULL_THROUGH_CACHE',
    );
  }
  checkExclusionFilters(
    template.imageTagMutability ?? 'MUTABLE',
    template.imageTagMutabilityExclusionFilters,
  );
  if (template.lifecyclePolicy) parseLifecyclePolicy(template.lifecyclePolicy);
  if (template.repositoryPolicy) parsePolicy(template.repositoryPolicy);
  addTags([], template.resourceTags ?? []);
}

/** The settings of a request with `appliedFor` named once each; absent members stay absent. */
function settingsOf(
  input: CreateRepositoryCreationTemplateRequest | UpdateRepositoryCreationTemplateRequest,
): Partial<TemplateRecord> {
  const { appliedFor, ...rest } = input;
  return { ...rest, ...(appliedFor && { appliedFor: [...new Set(appliedFor)] }) };
}

function find(tables: CatalogTransaction, prefix: string): TemplateRecord | undefined {
  return tables.templates().find((template) => template.prefix === prefix);
}

/**
 * CreateRepositoryCreationTemplate.
 * @throws EcrError `TemplateAlreadyExistsException` when the prefix has one; see checkTemplate.
 */
export function createTemplate(
  tables: CatalogTransaction,
  registryId: string,
  input: CreateRepositoryCreationTemplateRequest,
  now: number,
): TemplateRecord {
  const template = { ...settingsOf(input), createdAt: now, updatedAt: now } as TemplateRecord;
  checkTemplate(template);
  if (find(tables, input.prefix)) throw templateAlreadyExists(registryId, input.prefix);
  tables.putTemplate(template);
  return template;
}

/**
 * UpdateRepositoryCreationTemplate: the members the request names replace the template's, the others stay.
 * A new tag mutability without filters drops the old filters (they belong to the old setting).
 * @throws EcrError `TemplateNotFoundException`; see checkTemplate.
 */
export function updateTemplate(
  tables: CatalogTransaction,
  registryId: string,
  input: UpdateRepositoryCreationTemplateRequest,
  now: number,
): TemplateRecord {
  const existing = find(tables, input.prefix);
  if (!existing) throw templateNotFound(registryId, input.prefix);
  const kept: Partial<TemplateRecord> = { ...existing };
  if (input.imageTagMutability !== undefined) delete kept.imageTagMutabilityExclusionFilters;
  const template = { ...kept, ...settingsOf(input), updatedAt: now } as TemplateRecord;
  checkTemplate(template);
  tables.putTemplate(template);
  return template;
}

/**
 * DeleteRepositoryCreationTemplate; answers the template it deleted.
 * @throws EcrError `TemplateNotFoundException`.
 */
export function deleteTemplate(
  tables: CatalogTransaction,
  registryId: string,
  prefix: string,
): TemplateRecord {
  const existing = find(tables, prefix);
  if (!existing) throw templateNotFound(registryId, prefix);
  tables.deleteTemplate(prefix);
  return existing;
}

/**
 * DescribeRepositoryCreationTemplates: the named prefixes' templates (a prefix without one is left out), or a
 * page of all of them in prefix order; not both.
 * @throws EcrError `InvalidParameterException` for names with pagination, or a token this registry did not
 * issue.
 */
export function describeTemplates(
  tables: CatalogTransaction,
  registryId: string,
  input: DescribeRepositoryCreationTemplatesRequest,
): DescribeRepositoryCreationTemplatesResponse {
  const all = tables.templates().sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  if (input.prefixes) {
    if (input.maxResults !== undefined || input.nextToken !== undefined) throw paginationWithNames();
    const named = new Set(input.prefixes);
    return { registryId, repositoryCreationTemplates: all.filter((template) => named.has(template.prefix)) };
  }
  const after = input.nextToken === undefined ? '' : decodePageToken(input.nextToken).after;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rest = all.filter((template) => template.prefix > after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return {
    registryId,
    repositoryCreationTemplates: page,
    ...(rest.length > limit && last && { nextToken: encodePageToken({ after: last.prefix }) }),
  };
}

/** Whether a template's prefix covers the repository: `prod` covers `prod/app` (ECR assumes the `/`). */
function covers(prefix: string, repositoryName: string): boolean {
  const namespace = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return repositoryName.startsWith(namespace);
}

/**
 * The template a new repository takes: of the templates applied for `use` (any, when `use` is undefined),
 * the one with the longest prefix covering the name, else the `ROOT` one, else none.
 * @example
 * templateFor(tables, 'prod/team/app', 'CREATE_ON_PUSH'); // 'prod/team' over 'prod', either over ROOT
 */
export function templateFor(
  tables: CatalogTransaction,
  repositoryName: string,
  use?: RCTAppliedFor,
): TemplateRecord | undefined {
  const candidates = tables.templates().filter((template) => !use || template.appliedFor.includes(use));
  const covering = candidates
    .filter((template) => template.prefix !== ROOT_PREFIX && covers(template.prefix, repositoryName))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return covering[0] ?? candidates.find((template) => template.prefix === ROOT_PREFIX);
}

/**
 * A CreateRepository request completed from a template: what the request leaves unset (tag mutability with
 * its filters, encryption) comes from the template; its tags are the template's with the request's over them;
 * its repository policy is the template's.
 */
export function withTemplate(
  input: CreateRepositoryRequest,
  template: TemplateRecord | undefined,
): CreateRepositoryRequest & { policyText?: string } {
  if (!template) return input;
  const mutability =
    input.imageTagMutability === undefined && template.imageTagMutability !== undefined
      ? {
          imageTagMutability: template.imageTagMutability,
          ...(template.imageTagMutabilityExclusionFilters && {
            imageTagMutabilityExclusionFilters: template.imageTagMutabilityExclusionFilters,
          }),
        }
      : {};
  const encryption = input.encryptionConfiguration ?? template.encryptionConfiguration;
  const tags = [...(template.resourceTags ?? []), ...(input.tags ?? [])];
  return {
    ...input,
    ...mutability,
    ...(encryption && { encryptionConfiguration: encryption }),
    ...(tags.length > 0 && { tags }),
    ...(template.repositoryPolicy !== undefined && { policyText: template.repositoryPolicy }),
  };
}
