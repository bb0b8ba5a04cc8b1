// Vitest global setup of the upstream tests (runs in Node, once per project): real upstream registries —
// CNCF distribution anonymous, behind htpasswd Basic, and behind `auth: token` with a token issuer — each seeded
// by skopeo with a two-platform image, plus the one stand-in: a registry that redirects blob GETs to a "CDN" on
// another origin, both recording the Authorization header they saw. The tests reach them over loopback HTTP
// from Node and from workerd alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skopeoCopy } from '@edgecr/testkit/ociClients';
import { writeOciLayout } from '@edgecr/testkit/ociLayout';
import { startUpstreamRegistry, type UpstreamRegistry } from '@edgecr/testkit/upstreamRegistry';
import type { TestProject } from 'vitest/node';

/** What the tests get through `inject('upstreams')`. */
export interface Upstreams {
  repository: string;
  /** The image's index, each platform's manifest, and their configs and layers, as `{ digest, size }`. */
  index: Blob;
  manifests: Blob[];
  blobs: Blob[];
  anonymous: Upstream;
  basic: Upstream;
  token: Upstream;
  /** An issuer that answers with OAuth 2's `access_token` instead of `token`. */
  accessToken: Upstream;
  /**
   * The stand-in registry (Basic, one account; odd challenges under `/v2/negotiate/` and `/v2/ftp-realm/`),
   * redirecting blob GETs to its CDN; `<url>/seen` lists the requests each saw.
   */
  redirect: { registry: string; cdn: string; username: string; password: string };
}
interface Blob {
  digest: string;
  size: number;
}
interface Upstream {
  url: string;
  host: string;
  username: string;
  password: string;
  tokenRequestsUrl?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    upstreams: Upstreams;
  }
}

const REPOSITORY = 'library/hello';
const REDIRECT_ACCOUNT = { username: 'puller', password: 'sesame' };

/** A loopback server recording each request's path and Authorization, served back at `/seen`. */
async function recorder(answer: (path: string, authorization?: string) => [number, Record<string, string>]) {
  const seen: { path: string; authorization?: string }[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/seen') return void response.end(JSON.stringify(seen));
    seen.push({ path, authorization: request.headers.authorization });
    const [status, headers] = answer(path, request.headers.authorization);
    response.writeHead(status, headers).end(status === 200 ? `body of ${path}` : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(tmpdir(), 'edgecr-upstream-session-'));
  const layout = writeOciLayout(join(folder, 'layout'), { tag: 'v1', seed: 'upstream-session' });
  const started: UpstreamRegistry[] = [];
  const cdn = await recorder(() => [200, {}]);
  const basic = `Basic ${btoa(`${REDIRECT_ACCOUNT.username}:${REDIRECT_ACCOUNT.password}`)}`;
  const registry = await recorder((path, authorization) => {
    // Challenges no session can answer: a scheme it does not speak, a token realm that is no http(s) URL.
    if (path.startsWith('/v2/negotiate/')) return [401, { 'www-authenticate': 'Negotiate, NTLM' }];
    if (path.startsWith('/v2/ftp-realm/'))
      return [401, { 'www-authenticate': 'Bearer realm="ftp://a/token"' }];
    if (authorization !== basic) return [401, { 'www-authenticate': 'Basic realm="test"' }];
    if (path.endsWith('/moved')) return [307, { location: '/v2/a/blobs/here' }];
    if (path.endsWith('/here')) return [200, {}];
    return [307, { location: `${cdn.url}/signed?token=x` }];
  });
  const teardown = async () => {
    await Promise.all([...started.map((upstream) => upstream.stop()), cdn.close(), registry.close()]);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const upstream = async (...args: Parameters<typeof startUpstreamRegistry>): Promise<Upstream> => {
      const running = await startUpstreamRegistry(...args);
      started.push(running);
      await skopeoCopy(`oci:${layout.dir}:v1`, `docker://${running.registry.host}/${REPOSITORY}:v1`, {
        dest: running.registry,
      });
      const { url, username, password, tokenRequestsUrl } = running;
      return { url, host: running.registry.host, username, password, tokenRequestsUrl };
    };
    const describe = ({ digest, size }: Blob) => ({ digest, size });
    project.provide('upstreams', {
      repository: REPOSITORY,
      index: describe(layout.index),
      manifests: layout.images.map((image) => describe(image.manifest)),
      blobs: layout.images.flatMap((image) => [image.config, image.layer].map(describe)),
      anonymous: await upstream('anonymous'),
      basic: await upstream('basic'),
      token: await upstream('token', { lifetimeSeconds: 300 }),
      accessToken: await upstream('token', { tokenField: 'access_token' }),
      redirect: { registry: registry.url, cdn: cdn.url, ...REDIRECT_ACCOUNT },
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
