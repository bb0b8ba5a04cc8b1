/**
 * Requests to an upstream registry. This is the anonymous-only stand-in with the exports the pull path is
 * built against; the version that answers Basic and Bearer challenges replaces it.
 * @module
 */

/** What authenticates to an upstream registry: a user name and a password or access token. */
export interface UpstreamCredentials {
  username: string;
  secret: string;
}

/** How an upstream session reaches its registry. */
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
   * Sends a GET or HEAD to `url` (absolute, on the upstream) and resolves with the upstream's final response
   * (any status: the caller maps 404/429/5xx). Rejects with `UpstreamAuthError` when access is refused.
   */
  fetch(url: string, init?: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> }): Promise<Response>;
}

/** The upstream refused the credentials (or anonymous access) — ECR's UpstreamAccessDenied reason. */
export class UpstreamAuthError extends Error {}

/**
 * A session that sends every request anonymously: a 401 is refused access.
 * @example
 * const response = await createUpstreamSession().fetch('https://registry.example/v2/');
 */
export function createUpstreamSession(options: UpstreamSessionOptions = {}): UpstreamSession {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    async fetch(url, init = {}) {
      const response = await send(url, { method: init.method ?? 'GET', headers: init.headers ?? {} });
      if (response.status === 401) {
        await response.body?.cancel();
        throw new UpstreamAuthError(`${new URL(url).host} refused anonymous access`);
      }
      return response;
    },
  };
}
