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
import { rechunked } from './body/bodyStreams.ts';
import type { Endpoint } from './endpoint.ts';

/** The chunks an upstream blob is handed to its upload in (as an OCI PATCH's body is). */
const CHUNK_BYTES = 1024 * 1024;

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
 * isolate's, credentials from the operator's settings, blob bodies rechunked as an upload's.
 * @example
 * await pullThrough(call.endpoint, call.registry).manifest(name, 'latest', null);
 */
export function pullThrough(endpoint: Endpoint, registry: RegistryService): PullThrough {
  return new PullThrough(registry, {
    refreshSeconds: (rule) => refreshSecondsOf(endpoint.settings.pullThroughRefresh, rule),
    uploadBody: (body) => rechunked(endpoint.bodies, body, CHUNK_BYTES),
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
