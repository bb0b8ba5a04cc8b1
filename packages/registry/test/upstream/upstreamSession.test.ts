// The upstream session against the real upstream registries of ./_upstreams.ts, run in Node and in workerd:
// what comes back is checked by digest and size against the image skopeo pushed, and token requests are
// counted at the issuer.
import { describe, expect, inject, it } from 'vitest';
import { createUpstreamSession, UpstreamAuthError } from '../../src/pullThrough/upstreamSession.ts';

const upstreams = inject('upstreams');
const { repository, index } = upstreams;
const ACCEPT = {
  accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json',
};
const layer = upstreams.blobs.at(-1) as { digest: string; size: number };

const manifestUrl = (upstream: { url: string }) => `${upstream.url}/v2/${repository}/manifests/v1`;
const blobUrl = (upstream: { url: string }, digest = layer.digest) =>
  `${upstream.url}/v2/${repository}/blobs/${digest}`;
const credentialsOf = (upstream: { username: string; password: string }) => ({
  username: upstream.username,
  secret: upstream.password,
});

/** The digest and size of a 200 response's body. */
async function content(response: Response): Promise<{ digest: string; size: number }> {
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return {
    digest: `sha256:${Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('')}`,
    size: bytes.length,
  };
}

async function refusal(promise: Promise<unknown>): Promise<UpstreamAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UpstreamAuthError);
  return error as UpstreamAuthError;
}

/** The token requests the issuer has answered so far. */
async function tokenRequests(upstream: { tokenRequestsUrl?: string }): Promise<unknown[]> {
  return (await fetch(upstream.tokenRequestsUrl as string)).json();
}

describe('an anonymous upstream', () => {
  const upstream = upstreams.anonymous;

  it('serves the manifest and every blob as pushed, and answers HEAD', async () => {
    const session = createUpstreamSession();
    expect(await content(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(index);
    for (const manifest of upstreams.manifests) {
      const url = `${upstream.url}/v2/${repository}/manifests/${manifest.digest}`;
      expect(await content(await session.fetch(url, { headers: ACCEPT }))).toEqual(manifest);
    }
    for (const blob of upstreams.blobs) {
      expect(await content(await session.fetch(blobUrl(upstream, blob.digest)))).toEqual(blob);
    }
    const head = await session.fetch(manifestUrl(upstream), { method: 'HEAD', headers: ACCEPT });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(index.digest);
  });

  it('passes a missing manifest through as the upstream answered it', async () => {
    const response = await createUpstreamSession().fetch(`${upstream.url}/v2/${repository}/manifests/absent`);
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});

describe('an upstream behind htpasswd Basic', () => {
  const upstream = upstreams.basic;

  it('pulls with the right password', async () => {
    const session = createUpstreamSession({ credentials: credentialsOf(upstream) });
    expect(await content(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(index);
    expect(await content(await session.fetch(blobUrl(upstream)))).toEqual(layer);
    const head = await createUpstreamSession({ credentials: credentialsOf(upstream) }).fetch(
      blobUrl(upstream),
      {
        method: 'HEAD',
      },
    );
    expect([head.status, head.headers.get('docker-content-digest')]).toEqual([200, layer.digest]);
  });

  it('refuses a wrong password, naming the upstream and never the secret', async () => {
    const secret = 'wrong-secret-4711';
    const session = createUpstreamSession({ credentials: { username: upstream.username, secret } });
    const error = await refusal(session.fetch(manifestUrl(upstream)));
    expect(error.message).toBe(`${upstream.host} refused the configured credentials`);
    expect(`${error.message} ${error.stack}`).not.toContain(secret);
  });

  it('refuses anonymous access', async () => {
    const error = await refusal(createUpstreamSession().fetch(manifestUrl(upstream)));
    expect(error.message).toBe(`${upstream.host} refused anonymous access: it asks for credentials (Basic)`);
  });
});

describe('an upstream behind the Bearer token flow', () => {
  const upstream = upstreams.token;
  const scopes = [`repository:${repository}:pull`];

  it('pulls with the right credentials, asking the issuer for the challenge scope as that user', async () => {
    const before = (await tokenRequests(upstream)).length;
    const session = createUpstreamSession({ credentials: credentialsOf(upstream) });
    expect(await content(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(index);
    expect((await tokenRequests(upstream)).slice(before)).toEqual([
      { account: upstream.username, scopes, granted: true },
    ]);
  });

  it('refuses wrong credentials at the issuer with UpstreamAuthError, secret kept out', async () => {
    const secret = 'not-the-password-0815';
    const session = createUpstreamSession({ credentials: { username: upstream.username, secret } });
    const error = await refusal(session.fetch(blobUrl(upstream)));
    expect(error.message).toBe(`${upstream.host} refused the configured credentials`);
    expect(`${error.message} ${error.stack}`).not.toContain(secret);
  });

  it('fetches an anonymous token, which the registry refuses', async () => {
    const before = (await tokenRequests(upstream)).length;
    const error = await refusal(createUpstreamSession().fetch(manifestUrl(upstream)));
    expect(error.message).toBe(`${upstream.host} refused anonymous access`);
    expect((await tokenRequests(upstream)).slice(before)).toEqual([{ scopes, granted: false }]);
  });

  it('reuses one token for every request of the same scope, concurrent ones included', async () => {
    const before = (await tokenRequests(upstream)).length;
    const session = createUpstreamSession({ credentials: credentialsOf(upstream) });
    const concurrent = await Promise.all(
      Array.from({ length: 4 }, () => session.fetch(manifestUrl(upstream), { headers: ACCEPT })),
    );
    for (const response of concurrent) expect(await content(response)).toEqual(index);
    for (const blob of upstreams.blobs) {
      expect(await content(await session.fetch(blobUrl(upstream, blob.digest)))).toEqual(blob);
    }
    expect((await tokenRequests(upstream)).length - before).toBe(1);
  });

  it('fetches a new token once the last one has expired by its clock', async () => {
    let clock = Date.now();
    const session = createUpstreamSession({ credentials: credentialsOf(upstream), now: () => clock });
    const before = (await tokenRequests(upstream)).length;
    await content(await session.fetch(blobUrl(upstream)));
    clock += 200_000;
    await content(await session.fetch(blobUrl(upstream)));
    expect((await tokenRequests(upstream)).length - before).toBe(1);
    // 300 s of life, less the margin kept before expiry.
    clock += 95_000;
    await content(await session.fetch(blobUrl(upstream)));
    expect((await tokenRequests(upstream)).length - before).toBe(2);
  });

  it("reads OAuth 2's access_token when the issuer answers with that member", async () => {
    const other = upstreams.accessToken;
    const session = createUpstreamSession({ credentials: credentialsOf(other) });
    expect(await content(await session.fetch(blobUrl(other)))).toEqual(layer);
  });
});

describe('redirects', () => {
  const { registry, cdn, username, password } = upstreams.redirect;
  const seen = async (url: string) => (await fetch(`${url}/seen`)).json();

  it('carry the Authorization header on the upstream origin and never to another one', async () => {
    const session = createUpstreamSession({ credentials: { username, secret: password } });
    const toCdn = await session.fetch(`${registry}/v2/a/blobs/sha256:abc`);
    expect(await toCdn.text()).toBe('body of /signed?token=x');
    expect(await seen(cdn)).toEqual([{ path: '/signed?token=x' }]);
    const sameOrigin = await session.fetch(`${registry}/v2/a/blobs/moved`);
    expect(await sameOrigin.text()).toBe('body of /v2/a/blobs/here');
    expect((await seen(registry)).at(-1)).toEqual({
      path: '/v2/a/blobs/here',
      authorization: `Basic ${btoa(`${username}:${password}`)}`,
    });
  });
});

describe('challenges a session cannot answer', () => {
  const { registry, username, password } = upstreams.redirect;
  const session = createUpstreamSession({ credentials: { username, secret: password } });

  it('refuse a scheme other than Basic and Bearer, naming what was offered', async () => {
    const error = await refusal(session.fetch(`${registry}/v2/negotiate/manifests/v1`));
    expect(error.message).toBe(
      `${new URL(registry).host} answered 401 without a Basic or Bearer challenge (offered: negotiate, ntlm)`,
    );
  });

  it('refuse a token realm that is not an http(s) URL', async () => {
    const error = await refusal(session.fetch(`${registry}/v2/ftp-realm/manifests/v1`));
    expect(error.message).toBe(`${new URL(registry).host} names a token realm that is not an http(s) URL`);
  });
});
