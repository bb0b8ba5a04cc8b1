// Loopback servers that answer like a registry and throw the bytes away: what a client costs on its own.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LAYER_PART_SIZE } from '@edgecr/protocol';

/** A running loopback server. */
export interface Discard {
  endpoint: string;
  close(): Promise<void>;
}

/** Characters of a body kept at each end: the members besides a blob stand before or after it. */
const KEPT = 1024;

async function listen(
  handle: (request: IncomingMessage, response: ServerResponse, ends: string) => void,
): Promise<Discard> {
  const server: Server = createServer(async (request, response) => {
    // The body is read to its end but never held: only its two ends, where the small members are, whatever
    // order a client writes them in (SDKs put the blob last, other clients may not).
    let head = '';
    let tail = '';
    for await (const chunk of request as AsyncIterable<Buffer>) {
      if (head.length < KEPT) head += chunk.subarray(0, KEPT).toString('latin1');
      tail = (tail + chunk.subarray(-KEPT).toString('latin1')).slice(-KEPT);
    }
    handle(request, response, `${head}\n${tail}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Answers the calls an uploader makes (the upload calls boto3 needs to carry on, and the repository, availability
 * and download calls the page makes) with valid ECR JSON, echoing the members the request named; anything else
 * gets ECR's unknown-operation error. Shared by the Worker's and the page's benchmarks.
 */
export function ecrDiscardServer(): Promise<Discard> {
  return listen((request, response, ends) => {
    const member = (name: string) => {
      const raw = new RegExp(`"${name}"\\s*:\\s*("[^"]*"|\\d+|\\[[^\\]]*\\])`).exec(ends)?.[1];
      return raw === undefined ? undefined : JSON.parse(raw);
    };
    const operation = String(request.headers['x-amz-target']).split('.')[1];
    const upload = { registryId: '123456789012', repositoryName: member('repositoryName') };
    const answers: Record<string, () => unknown> = {
      DescribeRepositories: () => ({ repositories: [{ repositoryName: 'bench/discard' }] }),
      CreateRepository: () => ({ repository: { repositoryName: member('repositoryName') } }),
      BatchCheckLayerAvailability: () => ({ layers: [] }),
      GetDownloadUrlForLayer: () => ({ downloadUrl: 'http://127.0.0.1/discarded' }),
      // What edgecr announces; boto3's bench script cuts its own 20 MiB parts whatever this says.
      InitiateLayerUpload: () => ({ uploadId: randomUUID(), partSize: LAYER_PART_SIZE }),
      UploadLayerPart: () => ({
        ...upload,
        uploadId: member('uploadId'),
        lastByteReceived: member('partLastByte'),
      }),
      CompleteLayerUpload: () => ({
        ...upload,
        uploadId: member('uploadId'),
        layerDigest: member('layerDigests')?.[0],
      }),
    };
    const answer = operation === undefined ? undefined : answers[operation];
    if (!answer) {
      response
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: `No ${operation}` }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer()));
  });
}

/**
 * Answers the OCI chunked push (POST to start, PATCHes, PUT ?digest=) as a registry does (202, 202 with
 * Range, 201), keeping only the offset.
 */
export function ociDiscardServer(): Promise<Discard> {
  const received = new Map<string, number>();
  return listen((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const start = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(url.pathname);
    const session = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'POST' && start) {
      const id = randomUUID();
      received.set(id, 0);
      response.writeHead(202, { location: `/v2/${start[1]}/blobs/uploads/${id}`, range: '0-0' }).end();
      return;
    }
    const id = session?.[2];
    if (!session || id === undefined || !received.has(id)) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'PATCH') {
      const total = (received.get(id) as number) + Number(request.headers['content-length']);
      received.set(id, total);
      response.writeHead(202, { location: url.pathname, range: `0-${total - 1}` }).end();
    } else if (request.method === 'PUT' && url.searchParams.has('digest')) {
      received.delete(id);
      const digest = url.searchParams.get('digest') as string;
      response
        .writeHead(201, { location: `/v2/${session[1]}/blobs/${digest}`, 'docker-content-digest': digest })
        .end();
    } else response.writeHead(405).end();
  });
}
