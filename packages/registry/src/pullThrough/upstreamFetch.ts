/**
 * Reading manifests and blobs from an upstream registry, checked: every failure becomes ECR's error with the
 * upstream's reason, and every manifest is verified against its digest before anything is stored.
 * @module
 */

import {
  CONTENT_DIGEST_HEADER,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  digestOf,
  EcrError,
  MAX_IMAGE_MANIFEST_LENGTH,
  OCI_INDEX,
  OCI_MANIFEST,
  type ParsedManifest,
  parseManifest,
} from '@edgecr/protocol';
import { unableToGetUpstream } from './errors.ts';
import { UpstreamAuthError, type UpstreamSession } from './upstreamSession.ts';

/** The manifest types asked of an upstream: the ones edgecr stores. */
const ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(', ');

/** A manifest as an upstream served it, its bytes checked against its digest. */
export interface UpstreamManifest {
  text: string;
  mediaType: string;
  parsed: ParsedManifest;
}

/** Where one upstream repository's content is. */
export interface UpstreamRepository {
  session: UpstreamSession;
  /** The upstream's origin, `https://host[:port]`. */
  origin: string;
  /** The repository's name upstream. */
  name: string;
}

/**
 * GETs (or HEADs) a path of an upstream repository. Resolves null for a 404 (the upstream has no such thing);
 * any other failure is ECR's UnableToGetUpstream…Exception naming the reason.
 */
export async function upstreamGet(
  upstream: UpstreamRepository,
  path: string,
  what: 'image' | 'layer',
  init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {},
): Promise<Response | null> {
  const url = `${upstream.origin}/v2/${upstream.name}/${path}`;
  const host = new URL(upstream.origin).host;
  let response: Response;
  try {
    response = await upstream.session.fetch(url, init);
  } catch (error) {
    if (error instanceof UpstreamAuthError)
      throw unableToGetUpstream(what, 'UpstreamAccessDenied', error.message);
    throw unableToGetUpstream(what, 'UpstreamUnavailable', `${host} did not answer`);
  }
  if (response.ok) return response;
  await response.body?.cancel();
  if (response.status === 404) return null;
  if (response.status === 429) {
    throw unableToGetUpstream(what, 'UpstreamTooManyRequests', `${host} answered 429 Too Many Requests`);
  }
  if (response.status === 401 || response.status === 403) {
    throw unableToGetUpstream(what, 'UpstreamAccessDenied', `${host} answered ${response.status}`);
  }
  throw unableToGetUpstream(what, 'UpstreamUnavailable', `${host} answered ${response.status}`);
}

/** The digest an upstream names for a manifest (HEAD), or null when it names none or has none. */
export async function upstreamManifestDigest(
  upstream: UpstreamRepository,
  reference: string,
): Promise<string | null> {
  const response = await upstreamGet(upstream, `manifests/${reference}`, 'image', {
    method: 'HEAD',
    headers: { accept: ACCEPT },
  });
  return response?.headers.get(CONTENT_DIGEST_HEADER) ?? null;
}

/**
 * A manifest from upstream by tag or digest, verified: its bytes must be UTF-8 a manifest edgecr stores, at
 * most ECR's 4 MiB, and hash to the digest asked for and to the one the upstream names. Null when the upstream
 * has no such manifest.
 * @throws EcrError `UnableToGetUpstreamImageException` for an unreachable or refusing upstream, or an answer
 * that is not such a manifest.
 */
export async function fetchManifest(
  upstream: UpstreamRepository,
  reference: string,
): Promise<UpstreamManifest | null> {
  const response = await upstreamGet(upstream, `manifests/${reference}`, 'image', {
    headers: { accept: ACCEPT },
  });
  if (!response) return null;
  const garbage = (why: string) =>
    unableToGetUpstream('image', 'UpstreamUnavailable', `the upstream's manifest ${reference} ${why}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_IMAGE_MANIFEST_LENGTH)
    throw garbage(`is larger than ${MAX_IMAGE_MANIFEST_LENGTH} bytes`);
  const digest = await digestOf('sha256', bytes);
  const named = response.headers.get(CONTENT_DIGEST_HEADER);
  if ((reference.includes(':') && reference !== digest) || (named !== null && named !== digest)) {
    throw garbage(`does not match its digest (${named ?? reference}, its bytes hash to ${digest})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw garbage('is not UTF-8');
  }
  const declared = response.headers.get('content-type')?.split(';')[0]?.trim();
  try {
    const parsed = parseManifest(text, declared === 'application/json' ? undefined : declared);
    return { text, mediaType: parsed.mediaType, parsed };
  } catch (error) {
    if (error instanceof EcrError) throw garbage(`is not a manifest edgecr stores: ${error.message}`);
    throw error;
  }
}
