/**
 * Which OCI Distribution endpoint a `/v2/...` path names (distribution-spec "Endpoints", end-1 to end-14),
 * with its repository name, reference, digest or upload id checked against the spec's grammar. The method
 * is left to the door: one path serves several methods.
 * @module
 */

import { type Digest, matchesDigestGrammar, parseDigest } from '../digest.ts';
import { OciError } from './errors.ts';

/**
 * The spec's `<name>` ("Pulling manifests"): path components of lowercase alphanumerics joined by `.`,
 * `_`, `__` or runs of `-`, separated by `/`.
 */
const NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;

/** The spec's tag ("Pulling manifests"): at most 128 characters. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/**
 * A manifest reference (`<tag-or-digest>`, "Pulling manifests"): a tag, or a digest that passed
 * {@link parseDigest}.
 * @example
 * const where = ref.kind === 'tag' ? ref.tag : ref.digest.digest;
 */
export type ManifestReference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/**
 * An endpoint of the OCI Distribution API, as {@link parseOciRoute} finds it.
 * - `base`: `/v2/` (end-1);
 * - `catalog`: `/v2/_catalog` (not in the spec, but clients list repositories with it);
 * - `tags`: `/v2/<name>/tags/list` (end-8);
 * - `manifest`: `/v2/<name>/manifests/<tag-or-digest>` (end-3, end-7, end-9);
 * - `blob`: `/v2/<name>/blobs/<digest>` (end-2, end-10);
 * - `uploads`: `/v2/<name>/blobs/uploads/` (end-4, end-11);
 * - `upload`: `/v2/<name>/blobs/uploads/<id>`, the `<blob-push-location>` (end-5, end-6, end-13, end-14);
 * - `referrers`: `/v2/<name>/referrers/<digest>` (end-12).
 * @example
 * if (route.type === 'blob') return getBlob(route.name, route.digest);
 */
export type OciRoute =
  | { type: 'base' }
  | { type: 'catalog' }
  | { type: 'tags'; name: string }
  | { type: 'manifest'; name: string; reference: ManifestReference }
  | { type: 'blob'; name: string; digest: Digest }
  | { type: 'uploads'; name: string }
  | { type: 'upload'; name: string; uploadId: string }
  | { type: 'referrers'; name: string; digest: Digest };

/**
 * The endpoints under a repository, by the path after `/v2/<name>/`. `<name>` may itself hold `/` and
 * words such as `blobs`, so each pattern anchors at the end and the name is whatever comes before it.
 * Upload ids are opaque to clients ("POST then PUT"), so any one path segment is taken.
 */
const REPOSITORY_ENDPOINTS = [
  { type: 'tags', pattern: /^\/v2\/(.+)\/tags\/list$/ },
  { type: 'manifest', pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/ },
  { type: 'uploads', pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/ },
  { type: 'upload', pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/ },
  { type: 'blob', pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/ },
  { type: 'referrers', pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/ },
] as const;

/**
 * Parses the path of a request under `/v2/` (already percent-decoded by the URL parser where it could be:
 * pass `new URL(request.url).pathname`). Returns undefined for a path that names no endpoint; the door
 * answers that 404. Throws {@link OciError}: `NAME_INVALID` (400) for a name outside the spec's grammar,
 * `DIGEST_INVALID` (400) for a malformed digest in a digest's place (the conformance suite expects 400 for
 * a manifest put at `sha256:baddigeststring`), and `MANIFEST_UNKNOWN` (404) for a reference that is neither
 * tag nor digest, for no manifest can be found or stored there (the reference registry answers 404 too).
 * @example
 * const route = parseOciRoute(new URL(request.url).pathname);
 * if (!route) return new Response(null, { status: 404 });
 */
export function parseOciRoute(path: string): OciRoute | undefined {
  if (path === '/v2/' || path === '/v2') return { type: 'base' };
  if (path === '/v2/_catalog') return { type: 'catalog' };
  for (const { type, pattern } of REPOSITORY_ENDPOINTS) {
    const match = pattern.exec(path);
    if (!match) continue;
    const [, name = '', last = ''] = match;
    // `blobs/uploads` also reads as a blob named `uploads`: the uploads patterns come first and win.
    if (!NAME.test(name))
      throw new OciError('NAME_INVALID', `invalid repository name ${JSON.stringify(name)}`);
    switch (type) {
      case 'tags':
      case 'uploads':
        return { type, name };
      case 'upload':
        return { type, name, uploadId: last };
      case 'blob':
      case 'referrers':
        return { type, name, digest: parseDigest(last) };
      case 'manifest':
        return { type, name, reference: parseManifestReference(last) };
    }
  }
  return undefined;
}

/**
 * Parses a `<tag-or-digest>`: a digest when it follows the digest grammar (a tag cannot hold `:`), else a
 * tag. See {@link parseOciRoute} for the errors.
 * @example
 * parseManifestReference('latest'); // { kind: 'tag', tag: 'latest' }
 */
export function parseManifestReference(text: string): ManifestReference {
  if (matchesDigestGrammar(text)) return { kind: 'digest', digest: parseDigest(text) };
  if (TAG.test(text)) return { kind: 'tag', tag: text };
  throw new OciError('MANIFEST_UNKNOWN', `${JSON.stringify(text)} is neither a tag nor a digest`);
}

/**
 * Whether `name` matches the spec's `<name>` grammar ("Pulling manifests"), e.g. for `?from=` of a mount.
 * @example
 * if (!isRepositoryName(from)) return startUpload(name); // a mount from nowhere falls back to an upload
 */
export function isRepositoryName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Whether `tag` matches the spec's tag grammar ("Pulling manifests"), e.g. for `?last=` or `?tag=`.
 * @example
 * if (!isTag(last)) throw new OciError('UNSUPPORTED', 'last must be a tag', { status: 400 });
 */
export function isTag(tag: string): boolean {
  return TAG.test(tag);
}
