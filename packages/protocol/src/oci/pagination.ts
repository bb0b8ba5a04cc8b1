/**
 * Pagination of the tags list and the catalog: the `n` and `last` query parameters and the `Link` header
 * pointing at the next page (distribution-spec "Listing Tags", end-8b; `_catalog` pages the same way).
 * @module
 */

import { OciError } from './errors.ts';

/**
 * A page request: at most `n` entries, starting after `last` (exclusive; undefined: from the start).
 * @example
 * const page = entries.filter((e) => last === undefined || e > last).slice(0, n);
 */
export interface PageRequest {
  readonly n: number;
  readonly last: string | undefined;
}

/**
 * Reads `n` and `last` from a list request's query. Without `n` a page holds `limit` entries; a larger
 * `n` is cut to `limit`, which the spec allows when the answer has a `Link` header ("MAY return fewer than
 * `<int>` results, but only when ... a `Link` header is provided"). `n=0` asks for an empty list and
 * gets one. An `n` that is not a decimal integer gets 400 `UNSUPPORTED`: the spec names no code for a bad
 * query parameter, and this is a request the registry does not support.
 * @example
 * const { n, last } = parsePageRequest(url.searchParams, 1000);
 */
export function parsePageRequest(query: URLSearchParams, limit: number): PageRequest {
  const given = query.get('n');
  const last = query.get('last') ?? undefined;
  if (given === null) return { n: limit, last };
  if (!/^[0-9]+$/.test(given)) {
    throw new OciError('UNSUPPORTED', `n must be a non-negative integer, not ${JSON.stringify(given)}`, {
      status: 400,
    });
  }
  return { n: Math.min(Number(given), limit), last };
}

/**
 * The `Link` header announcing the page after one that ended with `lastEntry`: an RFC 8288 (formerly
 * 5988) link with relation `next`, its target the same list path with `n` and `last` (as the reference
 * registry writes it). Send it only when more entries remain, and never for `n=0` ("Listing Tags").
 * @example
 * headers.set('link', nextPageLink(`/v2/${name}/tags/list`, n, tags.at(-1)));
 */
export function nextPageLink(path: string, n: number, lastEntry: string): string {
  const query = new URLSearchParams({ n: String(n), last: lastEntry });
  return `<${path}?${query}>; rel="next"`;
}
