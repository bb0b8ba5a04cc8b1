/**
 * Requests to an upstream registry as its clients make them: anonymous first, then whatever the 401's
 * `WWW-Authenticate` asks for — HTTP Basic, or the Docker token flow (a Bearer token fetched from the
 * challenge's realm for its service and scope), with tokens reused until they expire. Runtime-neutral: the
 * web platform's fetch, Headers and Response only.
 * @module
 */

import { encodeBase64 } from '@edgecr/protocol';
import { type AuthChallenge, parseChallenges } from './wwwAuthenticate.ts';

/** What authenticates to an upstream registry: a user name and a password or access token. */
export interface UpstreamCredentials {
  username: string;
  secret: string;
}

/** How a session reaches its upstream. */
export interface UpstreamSessionOptions {
  /** Absent: anonymous (an anonymous Bearer token is still fetched when the upstream asks, as Docker Hub does). */
  credentials?: UpstreamCredentials;
  /** The fetch used for every request (the registry's and the token realm's); global fetch by default. */
  fetch?: typeof fetch;
  /** Epoch ms clock for token expiry; Date.now by default. */
  now?: () => number;
}

/** Requests to one upstream registry, answering its auth challenge (Basic or Bearer) and reusing tokens until expiry. */
export interface UpstreamSession {
  /**
   * Sends a GET or HEAD to `url` (absolute, on the upstream), authenticating as the upstream's 401 challenge asks
   * (scope taken from the challenge), and resolves with the upstream's final response (any status: the caller
   * maps 404/429/5xx). Rejects with `UpstreamAuthError` when credentials are refused or the token realm fails.
   */
  fetch(url: string, init?: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> }): Promise<Response>;
}

/** The upstream refused the credentials (or anonymous access) — ECR's UpstreamAccessDenied reason. */
export class UpstreamAuthError extends Error {
  override name = 'UpstreamAuthError';
}

/** The Docker token spec's lifetime for a token whose response names none. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/** A token is dropped this long before it expires, so a request never leaves with one about to lapse. */
const EXPIRY_MARGIN_MS = 10_000;
/** Redirect hops followed (Docker Hub and ghcr send a blob GET through one, to their CDN). */
const MAX_REDIRECTS = 5;
/** Repositories whose token scope a session remembers; past it the oldest is forgotten (one more 401). */
const MAX_REMEMBERED = 1000;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Token {
  authorization: string;
  expiresAt: number;
}

/** A bounded insertion-ordered map: a long-lived session over many repositories must not grow without end. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as K);
}

/** The repository a distribution API path names (`/v2/<name>/manifests/…`), or '' for `/v2/` itself. */
function repositoryOf(url: URL): string {
  return /^\/v2\/(.+)\/(?:manifests|blobs|tags|referrers)\//.exec(url.pathname)?.[1] ?? '';
}

/**
 * Opens a session on one upstream registry. Keep it for the isolate's life to reuse its tokens: they are cached
 * per realm, service and scope, and the scope each repository's challenge named is remembered, so a second
 * request for a repository carries its token at once instead of meeting a 401 first.
 * @example
 * const session = createUpstreamSession({ credentials: { username: 'me', secret: token } });
 * const response = await session.fetch('https://registry-1.docker.io/v2/library/alpine/manifests/3', {
 *   headers: { accept: 'application/vnd.oci.image.index.v1+json' },
 * });
 */
export function createUpstreamSession(options: UpstreamSessionOptions = {}): UpstreamSession {
  const { credentials } = options;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const basic =
    credentials &&
    `Basic ${encodeBase64(new TextEncoder().encode(`${credentials.username}:${credentials.secret}`))}`;
  /** Tokens (and token requests in flight, so concurrent first requests share one) by realm, service and scope. */
  const tokens = new Map<string, Promise<Token>>();
  /** What each repository needed last time: Basic, or the key of its token. */
  const needs = new Map<string, { basic: true } | { token: string }>();

  async function cachedAuthorization(repository: string): Promise<string | undefined> {
    const need = needs.get(repository);
    if (!need) return undefined;
    if ('basic' in need) return basic;
    const token = await tokens.get(need.token)?.catch(() => undefined);
    return token && token.expiresAt > now() ? token.authorization : undefined;
  }

  /** Answers a challenge: the Authorization to retry with, remembered for the repository. */
  async function authorize(target: URL, challenges: AuthChallenge[], repository: string, sent?: string) {
    const { host } = target;
    const bearer = challenges.find(
      (challenge) => challenge.scheme === 'bearer' && challenge.params.has('realm'),
    );
    if (bearer) {
      const key = JSON.stringify(['realm', 'service', 'scope'].map((name) => bearer.params.get(name) ?? ''));
      // A token request in flight for this key is shared; if it fails, this request fails with it.
      const cached = await tokens.get(key);
      // A cached token the upstream just refused (revoked, or expired by its clock) is fetched anew.
      if (!cached || cached.expiresAt <= now() || cached.authorization === sent) {
        tokens.delete(key);
        const pending = fetchToken(target, bearer.params);
        remember(tokens, key, pending);
        pending.catch(() => tokens.get(key) === pending && tokens.delete(key));
      }
      remember(needs, repository, { token: key });
      return (await (tokens.get(key) as Promise<Token>)).authorization;
    }
    if (challenges.some((challenge) => challenge.scheme === 'basic')) {
      if (!basic)
        throw new UpstreamAuthError(`${host} refused anonymous access: it asks for credentials (Basic)`);
      if (sent === basic) throw refused(host);
      remember(needs, repository, { basic: true });
      return basic;
    }
    const offered = challenges.map((challenge) => challenge.scheme).join(', ') || 'none';
    throw new UpstreamAuthError(
      `${host} answered 401 without a Basic or Bearer challenge (offered: ${offered})`,
    );
  }

  function refused(host: string): UpstreamAuthError {
    return new UpstreamAuthError(
      credentials ? `${host} refused the configured credentials` : `${host} refused anonymous access`,
    );
  }

  /** The Docker token flow (distribution's docs/spec/auth/token.md): GET realm?service&scope, Basic when given. */
  async function fetchToken(target: URL, params: ReadonlyMap<string, string>): Promise<Token> {
    const { host } = target;
    const named = params.get('realm') as string;
    const realm = URL.canParse(named) ? new URL(named) : undefined;
    if (!realm || (realm.protocol !== 'https:' && realm.protocol !== 'http:')) {
      throw new UpstreamAuthError(`${host} names a token realm that is not an http(s) URL`);
    }
    // The credentials go to the realm: never in clear text when the upstream itself is reached over https.
    if (basic && realm.protocol === 'http:' && target.protocol === 'https:') {
      throw new UpstreamAuthError(
        `${host} names a plain-http token realm; credentials are sent over https only`,
      );
    }
    const service = params.get('service');
    if (service) realm.searchParams.set('service', service);
    // Several scopes travel space-separated in the challenge and as repeated parameters to the realm.
    for (const scope of params.get('scope')?.split(' ').filter(Boolean) ?? [])
      realm.searchParams.append('scope', scope);
    const start = now();
    let response: Response;
    try {
      response = await send(realm, { headers: basic ? { authorization: basic } : {} });
    } catch (error) {
      throw new UpstreamAuthError(`${host}'s token service at ${realm.host} did not answer`, {
        cause: error,
      });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw refused(host);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamAuthError(
        `${host}'s token service at ${realm.host} answered HTTP ${response.status}`,
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      body = await response.json();
    } catch {
      throw new UpstreamAuthError(
        `${host}'s token service at ${realm.host} answered something other than JSON`,
      );
    }
    const token = typeof body?.token === 'string' && body.token ? body.token : body?.access_token;
    if (typeof token !== 'string' || !token) {
      throw new UpstreamAuthError(`${host}'s token service at ${realm.host} answered without a token`);
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_LIFETIME_SECONDS;
    // The issuer's issued_at counts only when it is earlier than the request: a clock ahead of ours must not
    // stretch a token's life past what the issuer meant.
    const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : Number.NaN;
    const lifetimeMs = lifetime * 1000;
    const expiresAt = Math.min(start, Number.isNaN(issued) ? start : issued) + lifetimeMs;
    return {
      authorization: `Bearer ${token}`,
      expiresAt: expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
    };
  }

  /**
   * Follows redirects by hand so the Authorization header goes only to the upstream's own origin: a blob GET on
   * Docker Hub or ghcr is sent on to a CDN with a signed URL, which must never see the upstream's credentials.
   */
  async function follow(
    first: Response,
    from: URL,
    method: string,
    headers: Record<string, string>,
    auth?: string,
  ) {
    let response = first;
    let at = from;
    for (let hop = 0; hop < MAX_REDIRECTS && REDIRECTS.has(response.status); hop++) {
      const location = response.headers.get('location');
      if (!location) return response;
      await response.body?.cancel();
      at = new URL(location, at);
      const hopHeaders = new Headers(headers);
      if (auth && at.origin === from.origin) hopHeaders.set('authorization', auth);
      response = await send(at, { method, headers: hopHeaders, redirect: 'manual' });
    }
    return response;
  }

  return {
    async fetch(url, init = {}) {
      const target = new URL(url);
      const method = init.method ?? 'GET';
      const headers = init.headers ?? {};
      const repository = repositoryOf(target);
      const request = (authorization?: string) =>
        send(target, {
          method,
          headers: authorization ? { ...headers, authorization } : headers,
          redirect: 'manual',
        });
      let authorization = await cachedAuthorization(repository);
      let response = await request(authorization);
      if (response.status === 401) {
        const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
        await response.body?.cancel();
        authorization = await authorize(target, challenges, repository, authorization);
        response = await request(authorization);
        if (response.status === 401) {
          await response.body?.cancel();
          throw refused(target.host);
        }
      }
      return follow(response, target, method, headers, authorization);
    },
  };
}
