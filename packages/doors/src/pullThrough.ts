import { CONTENT_DIGEST_HEADER, digestEtag } from '@edgecr/protocol';
import {
  createUpstreamSession,
  credentialNameOf,
  PullThrough,
  parseUpstreamCredentials,
  type RegistryService,
  refreshSecondsOf,
  type UpstreamCredentials,
  type UpstreamSession,
  upstreamOrigin,
} from '@edgecr/registry';
import { blobKey } from './blobReader.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * Sessions to upstream registries kept for this isolate's life, by upstream origin and credential name, so an
 * upstream's tokens are reused until they expire.
 */
const sessions = new Map<string, UpstreamSession>();

/** The parsed `UPSTREAM_CREDENTIALS`, for the text it was parsed from (it changes only with a deployment). */
let parsed: { text: string | undefined; credentials: Map<string, UpstreamCredentials> } | undefined;

/** The operator's upstream credentials by name. */
export function upstreamCredentials(endpoint: Endpoint): Map<string, UpstreamCredentials> {
  const text = endpoint.settings.upstreamCredentials;
  if (parsed && parsed.text === text) return parsed.credentials;
  const credentials = parseUpstreamCredentials(text);
  parsed = { text, credentials };
  return credentials;
}

/**
 * The pull path through one registry's pull-through cache rules, on this endpoint: sessions from the
 * isolate's, credentials from the operator's settings, pulled blobs stored in the
 * endpoint's BlobStore and hashed by its body streams.
 * @example
 * await pullThrough(call.endpoint, call.registry).manifest(name, 'latest', null);
 */
export function pullThrough(endpoint: Endpoint, registry: RegistryService): PullThrough {
  const { edge } = endpoint;
  return new PullThrough(registry, {
    refreshSeconds: (rule) => refreshSecondsOf(endpoint.settings.pullThroughRefresh, rule),
    // Read back once, after its pullers have it: the next pull at this edge is served from the edge cache.
    ...(edge && {
      async landed(repositoryName: string, digest: string) {
        const layer = await registry.catalog.findLayer(repositoryName, digest);
        const object = layer && (await endpoint.blobs.get(layer.objectKey));
        if (layer && object) edge.put(blobKey(digest), object.body, layer.size);
      },
    }),
    blobs: endpoint.blobs,
    sha256: () => endpoint.bodies.sha256(),
    sessionFor(rule) {
      const name = rule.credentialArn === undefined ? '' : credentialNameOf(rule.credentialArn);
      const key = `${upstreamOrigin(rule.upstreamRegistryUrl)}\n${name}`;
      let session = sessions.get(key);
      if (!session) {
        const credentials = name === '' ? undefined : upstreamCredentials(endpoint).get(name);
        session = createUpstreamSession(credentials ? { credentials } : {});
        sessions.set(key, session);
      }
      return session;
    },
  });
}

/**
 * Answers a GET or HEAD of a blob the repository does not hold, when an image of it references the blob under
 * a pull-through cache rule (the catalog's `upstreamBlob`): a GET streams the bytes as they come from upstream
 * while they are stored (the first pull never waits for the blob to land; `Range` is not honoured: the whole
 * blob, 200, as HTTP allows); a HEAD asks upstream for the size. `admit` checks the caller against the
 * repository's policy first (a signed download URL has been checked already).
 * @returns `unknown` for any other blob; `landed` when it landed meanwhile (read it from the repository).
 * @throws EcrError `UnableToGetUpstreamLayerException` with the upstream's reason.
 */
export async function upstreamBlobResponse(
  endpoint: Endpoint,
  registry: RegistryService,
  at: { repositoryName: string; digest: string },
  request: Request,
  admit: (policyText: string | undefined) => void = () => {},
): Promise<Response | 'landed' | 'unknown'> {
  const { repositoryName, digest } = at;
  const upstream = await registry.catalog.upstreamBlob(repositoryName, digest);
  if (!upstream) return 'unknown';
  admit(upstream.policyText);
  const { source } = upstream;
  const through = pullThrough(endpoint, registry);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    [CONTENT_DIGEST_HEADER]: digest,
    etag: digestEtag(digest),
  };
  if (request.method === 'HEAD') {
    const size = await through.blobSize(digest, source);
    return new Response(null, { headers: { ...headers, 'content-length': String(size) } });
  }
  const pulled = await through.blob(repositoryName, digest, source, endpoint.defer ?? (() => {}));
  if (pulled.kind === 'stored') return 'landed';
  if (pulled.size === undefined) return new Response(pulled.body, { headers });
  headers['content-length'] = String(pulled.size);
  return new Response(pulled.body.pipeThrough(endpoint.bodies.sized(pulled.size)), { headers });
}

/**
 * Whether a pull asks for no cached answer (`Cache-Control: no-cache`, or `max-age=0`, as HTTP asks a cache to
 * revalidate): a pull-through tag is then checked upstream now, whatever its refresh interval.
 */
export function asksRevalidation(headers: Headers): boolean {
  const directives = (headers.get('cache-control') ?? '').toLowerCase().split(',');
  return directives.some((directive) => ['no-cache', 'max-age=0'].includes(directive.trim()));
}
