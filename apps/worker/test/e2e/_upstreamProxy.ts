// A proxy in front of the upstream registry of the pull-through tests: it counts what edgecr asks upstream
// (the one place a single-flight can be seen), can hold a blob half sent (the one place streaming can be
// seen), and can play an upstream that is down, rate-limited, answers garbage manifests or corrupts blobs.
import { createServer, type Server } from 'node:http';
import { freePort } from '@edgecr/testkit/localStack';

/** How the proxy answers. */
export type UpstreamMode = 'pass' | 'down' | 'throttle' | 'garbage-manifest' | 'corrupt-blob';

/** A running counting proxy. */
export interface UpstreamProxy {
  /** `127.0.0.1:<port>`, for a rule's `upstreamRegistryUrl` (with `http://`). */
  host: string;
  mode: UpstreamMode;
  /** How many GETs each path got (`/v2/<name>/blobs/<digest>`, `/v2/<name>/manifests/<reference>`). */
  gets: Map<string, number>;
  /** While set, a blob GET sends the first half of the blob (in four writes), then waits for it. */
  hold: Promise<void> | undefined;
  stop(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `upstream` (`127.0.0.1:<port>`). */
export async function startUpstreamProxy(upstream: string): Promise<UpstreamProxy> {
  const port = await freePort();
  const proxy: UpstreamProxy = {
    host: `127.0.0.1:${port}`,
    mode: 'pass',
    gets: new Map(),
    hold: undefined,
    stop: async () => {},
  };
  const server: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    if (request.method === 'GET') proxy.gets.set(path, (proxy.gets.get(path) ?? 0) + 1);
    if (proxy.mode === 'down') return response.writeHead(503).end('down');
    if (proxy.mode === 'throttle') return response.writeHead(429).end('slow down');
    const isManifest = path.includes('/manifests/');
    if (proxy.mode === 'garbage-manifest' && isManifest) {
      return response
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' })
        .end('{"not":');
    }
    const answer = await fetch(`http://${upstream}${path}`, {
      method: request.method ?? 'GET',
      headers: { accept: request.headers.accept ?? '*/*' },
    });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'transfer-encoding') headers[name] = value;
    });
    const body = new Uint8Array(await answer.arrayBuffer());
    const isBlob = path.includes('/blobs/');
    if (proxy.mode === 'corrupt-blob' && isBlob && body.length > 0) body[0] = (body[0] ?? 0) ^ 0xff;
    if (request.method === 'HEAD') return response.writeHead(answer.status, headers).end();
    headers['content-length'] = String(body.length);
    response.writeHead(answer.status, headers);
    const hold = isBlob ? proxy.hold : undefined;
    if (hold) {
      const half = Math.floor(body.length / 2);
      for (let piece = 0; piece < 4; piece += 1) {
        response.write(body.subarray((half * piece) / 4, (half * (piece + 1)) / 4));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await hold;
      return response.end(body.subarray(half));
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  proxy.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
