import { nextPageLink, parsePageRequest } from '@edgecr/protocol';
import { reachesRepository } from '../auth/credentials.ts';
import { permit } from './auth.ts';
import type { OciRequest } from './context.ts';

/** The most entries one list answer holds; a client asking for more gets a `Link` to the rest. */
const PAGE_LIMIT = 1000;

/**
 * One page of a sorted list, after `last`, with a `Link` header when more remain ("Listing Tags"; the
 * catalog pages the same way).
 */
export function pageAnswer(
  call: OciRequest,
  sorted: string[],
  body: (page: string[]) => Record<string, unknown>,
): Response {
  const { n, last } = parsePageRequest(call.url.searchParams, PAGE_LIMIT);
  const from = last === undefined ? 0 : sorted.findIndex((entry) => entry > last);
  const rest = from < 0 ? [] : sorted.slice(from);
  const page = rest.slice(0, n);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const lastEntry = page.at(-1);
  if (n > 0 && rest.length > n && lastEntry !== undefined) {
    headers.link = nextPageLink(call.url.pathname, n, lastEntry);
  }
  return new Response(JSON.stringify(body(page)), { headers });
}

/** GET `/v2/_catalog`: the repositories of the caller's registry that its key reaches, in name order. */
export async function listCatalog(call: OciRequest): Promise<Response> {
  await permit(call, 'DescribeRepositories');
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call.registry.catalog.describeRepositories({
      maxResults: 1000,
      ...(nextToken && { nextToken }),
    });
    for (const repository of page.repositories) {
      // Listed: what the key reaches (the permit above refused anonymous callers: they list nothing).
      if (call.caller && reachesRepository(call.caller, repository.repositoryName)) {
        names.push(repository.repositoryName);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return pageAnswer(call, names.sort(), (repositories) => ({ repositories }));
}

/** GET `/v2/<name>/tags/list`: ListImages' tagged images, tags in order, paged with `n`/`last`. */
export async function listTags(call: OciRequest, name: string): Promise<Response> {
  await permit(call, 'ListImages', name);
  const tags: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call.registry.catalog.listImages({
      repositoryName: name,
      filter: { tagStatus: 'TAGGED' },
      maxResults: 1000,
      ...(nextToken && { nextToken }),
    });
    for (const id of page.imageIds ?? []) if (id.imageTag) tags.push(id.imageTag);
    nextToken = page.nextToken;
  } while (nextToken);
  return pageAnswer(call, [...new Set(tags)].sort(), (page) => ({ name, tags: page }));
}
