/**
 * The catalog's control plane beyond images: a repository's tags (repositoryTags.ts has the rules), the
 * repository creation templates (templates/templateRules.ts) and repository policies (policies/), each one
 * transaction over the context.
 * Lifecycle policies are the context's LifecycleRules.
 * @module
 */

import type {
  CreateRepositoryCreationTemplateRequest,
  CreateRepositoryCreationTemplateResponse,
  DeleteRepositoryCreationTemplateResponse,
  DescribeRepositoryCreationTemplatesRequest,
  DescribeRepositoryCreationTemplatesResponse,
  SetRepositoryPolicyRequest,
  Tag,
  UpdateRepositoryCreationTemplateRequest,
  UpdateRepositoryCreationTemplateResponse,
} from '@edgecr/protocol';
import type { PolicyCaller, RepositoryPolicyAnswer } from '../policies/policyRules.ts';
import * as policies from '../policies/policyRules.ts';
import {
  createTemplate,
  deleteTemplate,
  describeTemplates,
  updateTemplate,
} from '../templates/templateRules.ts';
import type { CatalogContext } from './context.ts';
import { addTags, removeTags } from './repositoryTags.ts';

/** TagResource on a repository. */
export function tagRepository(ctx: CatalogContext, repositoryName: string, tags: Tag[]): Promise<void> {
  return ctx.store.transaction((tables) => {
    const record = ctx.require(tables, repositoryName);
    tables.setRepositoryTags(repositoryName, addTags(record.tags, tags));
  });
}

/** UntagResource on a repository. */
export function untagRepository(
  ctx: CatalogContext,
  repositoryName: string,
  tagKeys: string[],
): Promise<void> {
  return ctx.store.transaction((tables) => {
    const record = ctx.require(tables, repositoryName);
    tables.setRepositoryTags(repositoryName, removeTags(record.tags, tagKeys));
  });
}

/** ListTagsForResource on a repository. */
export function repositoryTags(ctx: CatalogContext, repositoryName: string): Promise<Tag[]> {
  return ctx.store.transaction((tables) => ctx.require(tables, repositoryName).tags);
}

/** CreateRepositoryCreationTemplate. */
export async function createRepositoryCreationTemplate(
  ctx: CatalogContext,
  input: CreateRepositoryCreationTemplateRequest,
): Promise<CreateRepositoryCreationTemplateResponse> {
  const template = await ctx.store.transaction((tables) =>
    createTemplate(tables, ctx.registryId, input, ctx.seconds()),
  );
  return { registryId: ctx.registryId, repositoryCreationTemplate: template };
}

/** DescribeRepositoryCreationTemplates. */
export function describeRepositoryCreationTemplates(
  ctx: CatalogContext,
  input: DescribeRepositoryCreationTemplatesRequest,
): Promise<DescribeRepositoryCreationTemplatesResponse> {
  return ctx.store.transaction((tables) => describeTemplates(tables, ctx.registryId, input));
}

/** UpdateRepositoryCreationTemplate. */
export async function updateRepositoryCreationTemplate(
  ctx: CatalogContext,
  input: UpdateRepositoryCreationTemplateRequest,
): Promise<UpdateRepositoryCreationTemplateResponse> {
  const template = await ctx.store.transaction((tables) =>
    updateTemplate(tables, ctx.registryId, input, ctx.seconds()),
  );
  return { registryId: ctx.registryId, repositoryCreationTemplate: template };
}

/** DeleteRepositoryCreationTemplate. */
export async function deleteRepositoryCreationTemplate(
  ctx: CatalogContext,
  prefix: string,
): Promise<DeleteRepositoryCreationTemplateResponse> {
  const template = await ctx.store.transaction((tables) => deleteTemplate(tables, ctx.registryId, prefix));
  return { registryId: ctx.registryId, repositoryCreationTemplate: template };
}

/** SetRepositoryPolicy (policies/policyRules.ts has the rules, as for the three below). */
export function setRepositoryPolicy(
  ctx: CatalogContext,
  input: SetRepositoryPolicyRequest,
  caller: PolicyCaller,
): Promise<RepositoryPolicyAnswer> {
  return ctx.store.transaction((tables) =>
    policies.setRepositoryPolicy(tables, ctx.registryId, input, caller),
  );
}

/** GetRepositoryPolicy. */
export function getRepositoryPolicy(
  ctx: CatalogContext,
  repositoryName: string,
): Promise<RepositoryPolicyAnswer> {
  return ctx.store.transaction((tables) =>
    policies.getRepositoryPolicy(tables, ctx.registryId, repositoryName),
  );
}

/** DeleteRepositoryPolicy. */
export function deleteRepositoryPolicy(
  ctx: CatalogContext,
  repositoryName: string,
): Promise<RepositoryPolicyAnswer> {
  return ctx.store.transaction((tables) =>
    policies.deleteRepositoryPolicy(tables, ctx.registryId, repositoryName),
  );
}

/** The repository's policy text for a door's access decision; `{}` when there is none. */
export function accessPolicy(ctx: CatalogContext, repositoryName: string): Promise<{ policyText?: string }> {
  return ctx.store.transaction((tables) => policies.accessPolicy(tables, repositoryName));
}
