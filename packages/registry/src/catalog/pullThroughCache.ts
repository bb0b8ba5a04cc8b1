/**
 * The catalog's side of the pull-through cache: its rules (pullThrough/cacheRules.ts has them), a pull's read
 * with the rule its repository falls under, and when a tag was last checked upstream; each one transaction over
 * the context.
 * @module
 */

import type {
  BatchGetImageRequest,
  CreatePullThroughCacheRuleRequest,
  DescribePullThroughCacheRulesRequest,
  DescribePullThroughCacheRulesResponse,
  PutImageRequest,
  UpdatePullThroughCacheRuleRequest,
} from '@edgecr/protocol';
import { batchGetImage } from '../images/batchGetImage.ts';
import { putImage } from '../images/putImage.ts';
import { canonicalDigest } from '../images/store.ts';
import {
  createRule,
  deleteRule,
  describeRules,
  requireRule,
  sourceOf,
  updateRule,
} from '../pullThrough/cacheRules.ts';
import type { ImagePull, PullThroughRuleRecord, PullThroughSource } from '../pullThrough/records.ts';
import type { CatalogContext } from './context.ts';

/** CreatePullThroughCacheRule. */
export function createPullThroughCacheRule(
  ctx: CatalogContext,
  input: CreatePullThroughCacheRuleRequest,
): Promise<PullThroughRuleRecord> {
  return ctx.store.transaction((tables) => createRule(tables, ctx.registryId, input, ctx.seconds()));
}

/** DescribePullThroughCacheRules. */
export function describePullThroughCacheRules(
  ctx: CatalogContext,
  input: DescribePullThroughCacheRulesRequest,
): Promise<DescribePullThroughCacheRulesResponse> {
  return ctx.store.transaction((tables) => describeRules(tables, ctx.registryId, input));
}

/** UpdatePullThroughCacheRule. */
export function updatePullThroughCacheRule(
  ctx: CatalogContext,
  input: UpdatePullThroughCacheRuleRequest,
): Promise<PullThroughRuleRecord> {
  return ctx.store.transaction((tables) => updateRule(tables, ctx.registryId, input, ctx.seconds()));
}

/** DeletePullThroughCacheRule. */
export function deletePullThroughCacheRule(
  ctx: CatalogContext,
  prefix: string,
): Promise<PullThroughRuleRecord> {
  return ctx.store.transaction((tables) => deleteRule(tables, ctx.registryId, prefix));
}

/** The rule of a prefix (ValidatePullThroughCacheRule), or PullThroughCacheRuleNotFoundException. */
export function pullThroughRule(ctx: CatalogContext, prefix: string): Promise<PullThroughRuleRecord> {
  return ctx.store.transaction((tables) => requireRule(tables, ctx.registryId, prefix));
}

/**
 * BatchGetImage for a pull, with where the repository's images come from upstream (pull-through cache
 * rules) read in the same transaction: a pull costs one call either way. A missing repository a rule covers
 * is `answer: null` (the pull creates it); one no rule covers is RepositoryNotFoundException, as ever.
 */
export function pullImage(ctx: CatalogContext, input: BatchGetImageRequest): Promise<ImagePull> {
  const tags = input.imageIds.flatMap((id) => (id.imageTag === undefined ? [] : [id.imageTag]));
  return ctx.store.transaction((tables) => {
    const source = sourceOf(tables, input.repositoryName, tags);
    if (source && !tables.repository(input.repositoryName)) return { answer: null, source };
    return { answer: batchGetImage(ctx.imageContext(tables), input), source };
  });
}

/** Records that a pull-through repository's tag was checked upstream now. */
export function upstreamChecked(ctx: CatalogContext, repositoryName: string, tag: string): Promise<void> {
  return ctx.store.transaction((tables) => tables.putUpstreamCheck(repositoryName, tag, ctx.now()));
}

/**
 * Stores an image brought in from upstream (PutImage's rules), its blobs left upstream until they are
 * pulled, and records its tag, if any, as checked upstream now: one transaction.
 */
export function storePulledImage(ctx: CatalogContext, input: PutImageRequest): Promise<void> {
  return ctx.store.transaction((tables) => {
    putImage(ctx.imageContext(tables), input, undefined, true);
    if (input.imageTag !== undefined)
      tables.putUpstreamCheck(input.repositoryName, input.imageTag, ctx.now());
  });
}

/**
 * Where a blob comes from that an image of a pull-through repository references and the repository does not
 * hold yet, with the repository's policy; null for any other blob (then it is unknown, as ever).
 */
export function upstreamBlob(
  ctx: CatalogContext,
  repositoryName: string,
  digest: string,
): Promise<{ source: PullThroughSource; policyText?: string } | null> {
  return ctx.store.transaction((tables) => {
    const repository = tables.repository(repositoryName);
    const canonical = canonicalDigest(tables, digest);
    if (!repository || tables.linked(repositoryName, canonical)) return null;
    if (!tables.isBlobReferenced(repositoryName, canonical)) return null;
    const source = sourceOf(tables, repositoryName, []);
    if (!source) return null;
    const { policyText } = repository;
    return { source, ...(policyText !== undefined && { policyText }) };
  });
}
