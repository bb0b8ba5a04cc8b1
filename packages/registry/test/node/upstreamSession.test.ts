// The upstream session against real registries: CNCF distribution anonymous, behind htpasswd Basic and behind
// `auth: token` with a token issuer, each seeded by skopeo with a two-platform image. Only the redirect test
// uses stand-in servers: a registry that hands a blob to a CDN on another origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skopeoCopy } from '@edgecr/testkit/ociClients';
import { MEDIA_TYPES, type OciLayout, writeOciLayout } from '@edgecr/testkit/ociLayout';
import {
  startUpstreamRegistry,
  type UpstreamAuth,
  type UpstreamRegistry,
} from '@edgecr/testkit/upstreamRegistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamSession, UpstreamAuthError } from '../../src/pullThrough/upstreamSession.ts';

const REPOSITORY = 'library/hello';
const ACCEPT = { accept: `${MEDIA_TYPES.index}, ${MEDIA_TYPES.manifest}` };
const folder = mkdtempSync(join(tmpdir(), 'edgecr-upstream-session-'));
const layout: OciLayout = writeOciLayout(join(folder, 'layout'), { tag: 'v1', seed: 'upstream-session' });
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** An upstream of `auth` holding the layout's image as `library/hello:v1`, stopped after the block. */
function upstreamFor(auth: UpstreamAuth, options?: Parameters<typeof startUpstreamRegistry>[1]) {
  const holder = {} as { upstream: UpstreamRegistry };
  beforeAll(async () => {
    holder.upstream = await startUpstreamRegistry(auth, options);
    await skopeoCopy(`oci:${layout.dir}:v1`, `docker://${holder.upstream.registry.host}/${REPOSITORY}:v1`, {
      dest: holder.upstream.registry,
    });
  }, 120_000);
  afterAll(() => holder.upstream?.stop());
  return holder;
}

const manifestUrl = (upstream: UpstreamRegistry) => `${upstream.url}/v2/${REPOSITORY}/manifests/v1`;
const layer = layout.images[0]?.layer.digest as string;
const blobUrl = (upstream: UpstreamRegistry) => `${upstream.url}/v2/${REPOSITORY}/blobs/${layer}`;

/** A blob of the layout as a plain Uint8Array (node:zlib makes Buffers, which equal no Uint8Array). */
const stored = (digest: string) => new Uint8Array(layout.blobs.get(digest) ?? []);

async function bytes(response: Response): Promise<Uint8Array> {
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

async function refusal(promise: Promise<unknown>): Promise<UpstreamAuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UpstreamAuthError);
  return error as UpstreamAuthError;
}

describe('an anonymous upstream', () => {
  const it_ = upstreamFor('anonymous');

  it('serves the manifest and a blob byte for byte, and answers HEAD', async () => {
    const session = createUpstreamSession();
    const { upstream } = it_;
    expect(await bytes(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(
      stored(layout.index.digest),
    );
    expect(await bytes(await session.fetch(blobUrl(upstream)))).toEqual(stored(layer));
    const head = await session.fetch(manifestUrl(upstream), { method: 'HEAD', headers: ACCEPT });
    expect(head.headers.get('docker-content-digest')).toBe(layout.index.digest);
  });

  it('passes a missing manifest through as the upstream answered it', async () => {
    const response = await createUpstreamSession().fetch(
      `${it_.upstream.url}/v2/${REPOSITORY}/manifests/absent`,
    );
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});

describe('an upstream behind htpasswd Basic', () => {
  const it_ = upstreamFor('basic');

  it('pulls with the right password', async () => {
    const { upstream } = it_;
    const session = createUpstreamSession({
      credentials: { username: upstream.username, secret: upstream.password },
    });
    expect(await bytes(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(
      stored(layout.index.digest),
    );
    expect(await bytes(await session.fetch(blobUrl(upstream)))).toEqual(stored(layer));
  });

  it('refuses a wrong password, naming the upstream and never the secret', async () => {
    const { upstream } = it_;
    const secret = 'wrong-secret-4711';
    const session = createUpstreamSession({ credentials: { username: upstream.username, secret } });
    const error = await refusal(session.fetch(manifestUrl(upstream)));
    expect(error.message).toContain(upstream.registry.host);
    expect(error.message).toContain('refused the configured credentials');
    expect(`${error.message} ${error.stack}`).not.toContain(secret);
  });

  it('refuses anonymous access', async () => {
    const error = await refusal(createUpstreamSession().fetch(manifestUrl(it_.upstream)));
    expect(error.message).toMatch(/refused anonymous access/);
  });
});

describe('an upstream behind the Bearer token flow', () => {
  const it_ = upstreamFor('token', { lifetimeSeconds: 300 });
  const rightCredentials = () => ({ username: it_.upstream.username, secret: it_.upstream.password });

  it('pulls with the right credentials, asking the issuer for the challenge scope as that user', async () => {
    const { upstream } = it_;
    const before = upstream.tokenRequests.length;
    const session = createUpstreamSession({ credentials: rightCredentials() });
    expect(await bytes(await session.fetch(manifestUrl(upstream), { headers: ACCEPT }))).toEqual(
      stored(layout.index.digest),
    );
    expect(upstream.tokenRequests.slice(before)).toEqual([
      { account: upstream.username, scopes: [`repository:${REPOSITORY}:pull`], granted: true },
    ]);
  });

  it('refuses wrong credentials at the issuer with UpstreamAuthError, secret kept out', async () => {
    const { upstream } = it_;
    const secret = 'not-the-password-0815';
    const session = createUpstreamSession({ credentials: { username: upstream.username, secret } });
    const error = await refusal(session.fetch(blobUrl(upstream)));
    expect(error.message).toBe(`${upstream.registry.host} refused the configured credentials`);
    expect(`${error.message} ${error.stack}`).not.toContain(secret);
  });

  it('fetches an anonymous token, which the registry refuses', async () => {
    const { upstream } = it_;
    const before = upstream.tokenRequests.length;
    const error = await refusal(createUpstreamSession().fetch(manifestUrl(upstream)));
    expect(error.message).toBe(`${upstream.registry.host} refused anonymous access`);
    expect(upstream.tokenRequests.slice(before)).toEqual([
      { account: undefined, scopes: [`repository:${REPOSITORY}:pull`], granted: false },
    ]);
  });

  it('reuses one token for every request of the same scope, concurrent ones included', async () => {
    const { upstream } = it_;
    const before = upstream.tokenRequests.length;
    const session = createUpstreamSession({ credentials: rightCredentials() });
    const concurrent = await Promise.all(
      Array.from({ length: 4 }, () => session.fetch(manifestUrl(upstream), { headers: ACCEPT })),
    );
    for (const response of concurrent) await bytes(response);
    for (const image of layout.images) {
      await bytes(await session.fetch(`${upstream.url}/v2/${REPOSITORY}/blobs/${image.layer.digest}`));
      await bytes(await session.fetch(`${upstream.url}/v2/${REPOSITORY}/blobs/${image.config.digest}`));
    }
    expect(upstream.tokenRequests.length - before).toBe(1);
  });

  it('fetches a new token once the last one has expired by its clock', async () => {
    const { upstream } = it_;
    let clock = Date.now();
    const session = createUpstreamSession({ credentials: rightCredentials(), now: () => clock });
    const before = upstream.tokenRequests.length;
    await bytes(await session.fetch(blobUrl(upstream)));
    clock += 200_000;
    await bytes(await session.fetch(blobUrl(upstream)));
    expect(upstream.tokenRequests.length - before).toBe(1);
    // 300 s of life, less the margin kept before expiry.
    clock += 95_000;
    await bytes(await session.fetch(blobUrl(upstream)));
    expect(upstream.tokenRequests.length - before).toBe(2);
  });
});

describe("an issuer answering with OAuth 2's access_token", () => {
  const it_ = upstreamFor('token', { tokenField: 'access_token' });

  it('authenticates with the access_token member', async () => {
    const { upstream } = it_;
    const session = createUpstreamSession({
      credentials: { username: upstream.username, secret: upstream.password },
    });
    expect(await bytes(await session.fetch(blobUrl(upstream)))).toEqual(stored(layer));
  });
});

/** A loopback server recording each request's path and headers, answering with `answer`. */
async function recorder(
  answer: (path: string, headers: IncomingHttpHeaders) => [number, Record<string, string>],
) {
  const seen: { path: string; authorization: string | undefined }[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    seen.push({ path, authorization: request.headers.authorization });
    const [status, headers] = answer(path, request.headers);
    response.writeHead(status, headers).end(status === 200 ? `body of ${path}` : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('redirects', () => {
  it('carry the Authorization header on the upstream origin and never to another one', async () => {
    const cdn = await recorder(() => [200, {}]);
    const basic = `Basic ${btoa('puller:sesame')}`;
    const registry = await recorder((path, headers) => {
      if (headers.authorization !== basic) return [401, { 'www-authenticate': 'Basic realm="test"' }];
      if (path.endsWith('/moved')) return [307, { location: '/v2/a/blobs/here' }];
      if (path.endsWith('/here')) return [200, {}];
      return [307, { location: `${cdn.url}/signed?token=x` }];
    });
    try {
      const session = createUpstreamSession({ credentials: { username: 'puller', secret: 'sesame' } });
      const toCdn = await session.fetch(`${registry.url}/v2/a/blobs/sha256:abc`);
      expect(await toCdn.text()).toBe('body of /signed?token=x');
      expect(cdn.seen).toEqual([{ path: '/signed?token=x', authorization: undefined }]);
      const sameOrigin = await session.fetch(`${registry.url}/v2/a/blobs/moved`);
      expect(await sameOrigin.text()).toBe('body of /v2/a/blobs/here');
      expect(registry.seen.at(-1)).toEqual({ path: '/v2/a/blobs/here', authorization: basic });
    } finally {
      await Promise.all([cdn.close(), registry.close()]);
    }
  });
});
