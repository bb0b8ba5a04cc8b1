/**
 * The catalog's repositories: CreateRepository, the repository a push or a pull through the cache goes to,
 * DescribeRepositories and DeleteRepository, each one transaction over the context, the blob store's I/O after the commit.
 * @module
 */

import type { CreateRepositoryRequest } from '@edgecr/protocol';
import { paginationWithNames, repositoryAlreadyExists, repositoryNotFound } from '../errors.ts';
import { checkRepositoryDeletable } from '../images/batchDeleteImage.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';
import type { TemplateRecord } from '../templates/records.ts';
import { templateFor, withTemplate } from '../templates/templateRules.ts';
import type { CatalogContext } from './context.ts';
import { reclaim } from './maintenance.ts';
import { releaseBlob } from './orphans.ts';
import { decodePageToken, encodePageToken } from './pageToken.ts';
import {
  newRepositoryRecord,
  type RepositoryPage,
  type RepositoryQuery,
  type RepositoryRecord,
} from './records.ts';

/** DescribeRepositories' page size when the request names none (ECR's default). */
const DEFAULT_PAGE_SIZE = 100;

/**
 * Stores a new repository from a request completed by its template, with the template's lifecycle policy
 * (its first run due an interval later, as after PutLifecyclePolicy; the caller schedules it when `policy`).
 */
function insertRepository(
  ctx: CatalogContext,
  tables: CatalogTransaction,
  input: CreateRepositoryRequest,
  template: TemplateRecord | undefined,
): { record: RepositoryRecord; policy: boolean } {
  const record = newRepositoryRecord(withTemplate(input, template), new Date(ctx.now()));
  tables.insertRepository(record);
  if (template?.lifecyclePolicy) {
    tables.putLifecycle({
      repositoryName: record.repositoryName,
      policyText: template.lifecyclePolicy,
      policySetAt: ctx.now() / 1000,
    });
  }
  return { record, policy: Boolean(template?.lifecyclePolicy) };
}

/**
 * CreateRepository: the request's settings, what it leaves unset from the creation template its name falls
 * under (beyond ECR, which applies templates only to repositories it creates itself), ECR's defaults for the
 * rest.
 */
export async function createRepository(
  ctx: CatalogContext,
  input: CreateRepositoryRequest,
): Promise<RepositoryRecord> {
  const { record, policy } = await ctx.store.transaction((tables) => {
    if (tables.repository(input.repositoryName)) {
      throw repositoryAlreadyExists(ctx.registryId, input.repositoryName);
    }
    return insertRepository(ctx, tables, input, templateFor(tables, input.repositoryName));
  });
  if (policy) await ctx.lifecycle.schedule();
  return record;
}

/**
 * The repository a push (either door) goes to: `present`, or `created` when a creation template applied for
 * CREATE_ON_PUSH covers the name, as ECR does; the new repository takes that template's settings. Otherwise
 * a missing repository is RepositoryNotFoundException, as ECR answers such a push. One transaction, so two
 * pushes racing to create it both succeed.
 */
export async function pushTarget(
  ctx: CatalogContext,
  repositoryName: string,
): Promise<'present' | 'created'> {
  const policy = await ctx.store.transaction((tables) => {
    if (tables.repository(repositoryName)) return null;
    const template = templateFor(tables, repositoryName, 'CREATE_ON_PUSH');
    if (!template) throw repositoryNotFound(ctx.registryId, repositoryName);
    return insertRepository(ctx, tables, { repositoryName }, template).policy;
  });
  if (policy) await ctx.lifecycle.schedule();
  return policy === null ? 'present' : 'created';
}

/**
 * The repository a pull through the cache fills, created from the creation template applied for
 * PULL_THROUGH_CACHE that covers it when missing (as ECR). One transaction, so racing first pulls all succeed.
 */
export async function pullThroughTarget(
  ctx: CatalogContext,
  repositoryName: string,
): Promise<'present' | 'created'> {
  const policy = await ctx.store.transaction((tables) => {
    if (tables.repository(repositoryName)) return null;
    const template = templateFor(tables, repositoryName, 'PULL_THROUGH_CACHE');
    return insertRepository(ctx, tables, { repositoryName }, template).policy;
  });
  if (policy) await ctx.lifecycle.schedule();
  return policy === null ? 'present' : 'created';
}

/** Named repositories (all must exist), or a page of all of them in name order; not both. */
export function describeRepositories(ctx: CatalogContext, query: RepositoryQuery): Promise<RepositoryPage> {
  if (query.repositoryNames && (query.maxResults !== undefined || query.nextToken !== undefined)) {
    return Promise.reject(paginationWithNames());
  }
  return ctx.store.transaction((tables) => {
    if (query.repositoryNames) {
      return { repositories: query.repositoryNames.map((name) => ctx.require(tables, name)) };
    }
    const after = query.nextToken === undefined ? '' : decodePageToken(query.nextToken).after;
    const limit = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const rows = tables.repositoriesAfter(after, limit + 1);
    const repositories = rows.slice(0, limit);
    const last = repositories.at(-1);
    return rows.length > limit && last
      ? { repositories, nextToken: encodePageToken({ after: last.repositoryName }) }
      : { repositories };
  });
}

/**
 * Deletes a repository, its images (only with `force`: a repository holding images is refused otherwise)
 * and its links to layers, then the bytes of every blob no other repository holds.
 */
export async function deleteRepository(
  ctx: CatalogContext,
  repositoryName: string,
  force = false,
): Promise<RepositoryRecord> {
  const { record, orphans } = await ctx.store.transaction((tables) => {
    const record = ctx.require(tables, repositoryName);
    checkRepositoryDeletable(ctx.imageContext(tables), repositoryName, force);
    tables.deleteAllImages(repositoryName);
    tables.deleteLifecycle(repositoryName);
    tables.deleteRepository(repositoryName);
    const orphans: string[] = [];
    for (const digest of tables.unlinkAll(repositoryName)) {
      const orphan = releaseBlob(tables, digest);
      if (orphan) orphans.push(orphan);
    }
    return { record, orphans };
  });
  // The rows are gone first: a completion racing this finds no blob and stores its own copy.
  await reclaim(ctx, orphans);
  return record;
}
