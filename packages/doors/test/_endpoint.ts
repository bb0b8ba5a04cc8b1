// The doors on the registry's memory host, in process: a signed ECR call, an OCI request with a login, as the
// Worker's integration helpers do over workerd.
import { digestOf, formatTarget, JSON_CONTENT_TYPE, MiB, type OperationName } from '@edgecr/protocol';
import { MemoryHost, type RegistryHosting } from '@edgecr/registry';
import { signRequest } from '@edgecr/sigv4';
import { expect } from 'vitest';
import {
  type Endpoint,
  MemoryEdgeCache,
  PullMemo,
  portableBodyStreams,
  route,
  type Settings,
} from '../src/index.ts';

export const ORIGIN = 'http://edgecr.test';
export const REGISTRY_ID = '123456789012';
export const KEY = { accessKeyId: 'AKIAEDGECRNODETEST01', secretAccessKey: 'edgecr-node-test-secret' };

/** The settings of a test endpoint: the Worker's defaults, one admin key, a signing key. */
export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    region: 'us-east-1',
    regions: undefined,
    partSize: 5 * MiB,
    uploadTtlSeconds: 86_400,
    downloadUrlTtlSeconds: 600,
    authorizationTokenTtlSeconds: 43_200,
    requireImageReference: false,
    unreferencedLayerGraceSeconds: null,
    holdingCacheSeconds: 60,
    tagCacheSeconds: 5,
    allowedOrigins: ['https://page.example'],
    urlSigningKey: 'edgecr-node-test-url-signing-key',
    credentials: JSON.stringify({
      [KEY.accessKeyId]: {
        secretAccessKey: KEY.secretAccessKey,
        registryId: REGISTRY_ID,
        permission: 'admin',
      },
    }),
    ...overrides,
  };
}

/** An endpoint on a fresh memory host. */
export function memoryEndpoint(overrides: Partial<Endpoint> = {}, settings?: Partial<Settings>): Endpoint {
  const host = new MemoryHost();
  return {
    hosting: host,
    blobs: host.blobs,
    bodies: portableBodyStreams,
    settings: testSettings(settings),
    ...overrides,
  };
}

/** A counting endpoint (see countingEndpoint) and what a test reads and drives of it. */
export interface Counted {
  endpoint: Endpoint;
  /** Every catalog call, `registryId method`, in order. */
  calls: string[];
  /** The clock of the catalog, the memo and the edge cache, epoch milliseconds. */
  clock: { now: number };
  /** The edge cache, when asked for. */
  edge: MemoryEdgeCache | undefined;
  /** Resolves once every piece of work deferred past an answer so far (and every edge write) has finished. */
  settled(): Promise<void>;
  /** An endpoint on the same host and edge with a memo of its own: another isolate of the same data center. */
  isolate(): Endpoint;
}

/**
 * An endpoint on a fresh memory host whose catalog handles record every call (`registryId method`): the one
 * seam where a door reaches the Registry object, so a test counts what a request costs there. With `memo`
 * it keeps a pull memo, with `edge` an edge cache as well; work deferred past an answer is held for `settled`.
 */
export function countingEndpoint(
  options: { memo?: boolean; edge?: boolean; settings?: Partial<Settings> } = {},
): Counted {
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const host = new MemoryHost({ now });
  const calls: string[] = [];
  const deferred: Promise<unknown>[] = [];
  const hosting: RegistryHosting = {
    catalog(registryId) {
      const handle = host.catalog(registryId);
      return new Proxy(handle, {
        get(target, method, receiver) {
          const value = Reflect.get(target, method, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${registryId} ${String(method)}`);
            return value.apply(target, args);
          };
        },
      });
    },
    upload: (uploadId) => host.upload(uploadId),
  };
  const edge = options.edge ? new MemoryEdgeCache(now) : undefined;
  const isolate = () =>
    memoryEndpoint(
      {
        hosting,
        blobs: host.blobs,
        ...(options.memo && { pulls: new PullMemo(undefined, now) }),
        ...(edge && { edge }),
        defer: (work) => deferred.push(work),
      },
      options.settings,
    );
  return {
    endpoint: isolate(),
    calls,
    clock,
    edge,
    async settled() {
      await Promise.all(deferred.splice(0));
      await edge?.settled();
    },
    isolate,
  };
}

/** Serves a request the way the Worker does, pages and files answered 404. */
export function serve(endpoint: Endpoint, request: Request): Promise<Response> {
  return route(request, endpoint, async () => new Response('no page here', { status: 404 }));
}

/** One signed ECR call; `origin` sets the page's Origin header. */
export async function ecrCall(
  endpoint: Endpoint,
  operation: OperationName,
  input: unknown,
  origin?: string,
  key: { accessKeyId: string; secretAccessKey: string } = KEY,
): Promise<{ status: number; json: Record<string, unknown>; response: Response }> {
  const body = JSON.stringify(input);
  const headers = signRequest(
    {
      method: 'POST',
      url: `${ORIGIN}/`,
      headers: { 'x-amz-target': formatTarget(operation), 'content-type': JSON_CONTENT_TYPE },
      body,
    },
    { credentials: key, region: 'us-east-1', service: 'ecr' },
  );
  const response = await serve(
    endpoint,
    new Request(`${ORIGIN}/`, { method: 'POST', headers: { ...headers, ...(origin && { origin }) }, body }),
  );
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, response };
}

/** The `Authorization: Basic` of a GetAuthorizationToken token, as docker logs in. */
export async function login(endpoint: Endpoint, key = KEY): Promise<string> {
  const { json } = await ecrCall(endpoint, 'GetAuthorizationToken', {}, undefined, key);
  const [data] = json.authorizationData as { authorizationToken: string }[];
  return `Basic ${data?.authorizationToken}`;
}

/** One request to the OCI door. */
export function oci(
  endpoint: Endpoint,
  path: string,
  init: RequestInit & { auth?: string } = {},
): Promise<Response> {
  const { auth, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth) headers.set('authorization', auth);
  return serve(endpoint, new Request(`${ORIGIN}${path}`, { ...rest, headers }));
}

/** Pushes `bytes` to repository `app` in one monolithic POST, which must answer 201. @returns Its digest. */
export async function pushBlob(
  endpoint: Endpoint,
  auth: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = await digestOf('sha256', bytes);
  const response = await oci(endpoint, `/v2/app/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: bytes,
    auth,
  });
  expect(response.status).toBe(201);
  return digest;
}
