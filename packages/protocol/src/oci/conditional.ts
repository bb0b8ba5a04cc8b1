/**
 * Conditional requests on content-addressed answers (RFC 9110 section 13): a blob or manifest is named by its
 * digest, so its entity tag is the digest and never changes; a client that holds it asks with
 * `If-None-Match` and gets 304 Not Modified without the bytes.
 * @module
 */

/**
 * The entity tag of content named by `digest`: the digest quoted, a strong tag (RFC 9110 section 8.8.3).
 * @example
 * headers.set('etag', digestEtag(layer.digest));
 */
export function digestEtag(digest: string): string {
  return `"${digest}"`;
}

/**
 * Whether a GET or HEAD with `If-None-Match` header `header` is answered 304 for a representation tagged
 * `etag` (RFC 9110 section 13.1.2): `*`, or a listed entity tag that weakly matches (`W/` ignored). No
 * header, or one listing no match, is a plain GET. A malformed member matches nothing.
 * @example
 * if (notModified(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304 });
 */
export function notModified(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  // entity-tag = [ weak ] opaque-tag; opaque-tag = DQUOTE *etagc DQUOTE, and etagc excludes `"` and
  // spaces, so a comma never sits inside a tag.
  return header.split(',').some((member) => opaque(member) === wanted);
}
