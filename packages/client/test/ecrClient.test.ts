import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcrError, encodeRequest, formatTarget } from '@edgecr/protocol';
import { verifyRequest } from '@edgecr/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EcrClient,
  encodeLayerPartBody,
  fetchTransport,
  type HttpRequest,
  type HttpTransport,
  NetworkError,
  RequestTimeoutError,
} from '../src/index.ts';

const credentials = { accessKeyId: 'AKIAEDGECRLOCALDEV01', secretAccessKey: 'edgecr-local-dev-secret' };
const decoder = new TextDecoder();

/** A transport that records requests and answers from a function. */
function recording(
  answer: (request: HttpRequest) => { status: number; body: unknown; headers?: Record<string, string> },
) {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const { status, body, headers } = answer(request);
    return {
      status,
      headers: new Headers(headers),
      text: typeof body === 'string' ? body : JSON.stringify(body),
    };
  };
  return { requests, transport };
}

describe('encodeLayerPartBody', () => {
  it('writes the same bytes as encodeRequest, without the intermediate strings', () => {
    const input = {
      registryId: '123456789012',
      repositoryName: 'team/app',
      uploadId: 'c0ffee',
      partFirstByte: 5,
      partLastByte: 5 + 1000,
      layerPartBlob: new Uint8Array(1001).map((_, i) => (i * 7) & 0xff),
    };
    const expected = encodeRequest('UploadLayerPart', input).body;
    expect(decoder.decode(encodeLayerPartBody(input))).toBe(expected);
    for (const length of [0, 1, 2, 3, 4]) {
      const small = { ...input, layerPartBlob: new Uint8Array(length).fill(255) };
      expect(decoder.decode(encodeLayerPartBody(small))).toBe(encodeRequest('UploadLayerPart', small).body);
    }
  });
});

describe('EcrClient', () => {
  it('sends AWS JSON 1.1 to the endpoint, signed with SigV4 over the exact body', async () => {
    const { requests, transport } = recording(() => ({
      status: 200,
      body: { uploadId: 'u', partSize: 10_485_760 },
    }));
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials,
      transport,
    });
    expect(await client.initiateLayerUpload({ repositoryName: 'app' })).toEqual({
      uploadId: 'u',
      partSize: 10_485_760,
    });
    const [request] = requests;
    if (!request?.body) throw new Error('no request');
    expect(request.url).toBe('http://127.0.0.1:8787/');
    expect(request.headers['x-amz-target']).toBe(formatTarget('InitiateLayerUpload'));
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(decoder.decode(request.body))).toEqual({ repositoryName: 'app' });
    const verified = await verifyRequest(
      { method: 'POST', url: request.url, headers: request.headers },
      {
        lookupSecret: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
        service: 'ecr',
        regions: ['us-east-1'],
        payloadHash: createHash('sha256').update(request.body).digest('hex'),
      },
    );
    expect(verified).toMatchObject({ accessKeyId: credentials.accessKeyId, region: 'us-east-1' });
  });

  it('sends the part as base64 inside a signed body, and reports progress in part bytes', async () => {
    const { requests, transport } = recording((request) => {
      request.onUploadProgress?.((request.body?.length ?? 0) / 2);
      request.onUploadProgress?.(request.body?.length ?? 0);
      return { status: 200, body: { lastByteReceived: 99 } };
    });
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787/',
      region: 'us-east-1',
      registryId: '123456789012',
      credentials: () => credentials,
      transport,
    });
    const progress: number[] = [];
    const blob = new Uint8Array(100).fill(7);
    await client.uploadLayerPart(
      { repositoryName: 'app', uploadId: 'u', partFirstByte: 0, partLastByte: 99, layerPartBlob: blob },
      { onUploadProgress: (sent) => progress.push(sent) },
    );
    const body = JSON.parse(decoder.decode(requests[0]?.body));
    expect(body).toEqual({
      registryId: '123456789012',
      repositoryName: 'app',
      uploadId: 'u',
      partFirstByte: 0,
      partLastByte: 99,
      layerPartBlob: Buffer.from(blob).toString('base64'),
    });
    expect(progress).toEqual([50, 100]);
    expect(requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEDGECRLOCALDEV01\/\d{8}\/us-east-1\/ecr\/aws4_request/,
    );
  });

  it('sends a prepared part with the body it prepared, again on a retry, and rebuilds it for other members', async () => {
    const { requests, transport } = recording(() => ({ status: 200, body: { lastByteReceived: 99 } }));
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials,
      transport,
    });
    const part = {
      repositoryName: 'app',
      uploadId: 'u',
      partFirstByte: 0,
      partLastByte: 99,
      layerPartBlob: new Uint8Array(100).fill(9),
    };
    client.prepareLayerPart(part);
    await client.uploadLayerPart(part);
    await client.uploadLayerPart({ ...part }); // a retry: the same bytes and members
    await client.uploadLayerPart({ ...part, uploadId: 'v' }); // the same bytes in another upload
    const [first, retry, other] = requests.map((request) => request.body);
    expect(retry).toBe(first);
    expect(other).not.toBe(first);
    expect(JSON.parse(decoder.decode(other))).toMatchObject({ uploadId: 'v', partFirstByte: 0 });
    for (const request of requests) {
      const body = request.body as Uint8Array;
      expect(decoder.decode(body)).toBe(
        encodeRequest('UploadLayerPart', JSON.parse(decoder.decode(body))).body,
      );
      const verified = await verifyRequest(
        { method: 'POST', url: request.url, headers: request.headers },
        {
          lookupSecret: () => credentials.secretAccessKey,
          service: 'ecr',
          regions: ['us-east-1'],
          payloadHash: createHash('sha256').update(body).digest('hex'),
        },
      );
      expect(verified.accessKeyId).toBe(credentials.accessKeyId);
    }
  });

  it('decodes error answers into EcrError, with the fields InvalidLayerPartException carries', async () => {
    const { transport } = recording(() => ({
      status: 400,
      headers: { 'x-amzn-ErrorType': 'InvalidLayerPartException' },
      body: {
        __type: 'InvalidLayerPartException',
        message: 'out of order',
        lastValidByteReceived: 10_485_759,
      },
    }));
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials,
      transport,
    });
    const error = await client
      .uploadLayerPart({
        repositoryName: 'app',
        uploadId: 'u',
        partFirstByte: 0,
        partLastByte: 0,
        layerPartBlob: new Uint8Array(1),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcrError);
    expect(error).toMatchObject({
      code: 'InvalidLayerPartException',
      status: 400,
      fields: { lastValidByteReceived: 10_485_759 },
    });
  });

  it('sends the image operations under their own targets, with the configured registry', async () => {
    const { requests, transport } = recording(() => ({ status: 200, body: {} }));
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials,
      transport,
      registryId: '123456789012',
    });
    const repositoryName = 'app';
    const imageIds = [{ imageTag: '1.0' }];
    await client.putImage({ repositoryName, imageManifest: '{}', imageTag: '1.0' });
    await client.batchGetImage({ repositoryName, imageIds });
    await client.describeImages({ repositoryName });
    await client.batchDeleteImage({ repositoryName, imageIds });
    expect(requests.map((r) => r.headers['x-amz-target'])).toEqual(
      (['PutImage', 'BatchGetImage', 'DescribeImages', 'BatchDeleteImage'] as const).map(formatTarget),
    );
    for (const request of requests) {
      expect(JSON.parse(decoder.decode(request.body))).toMatchObject({
        registryId: '123456789012',
        repositoryName,
      });
    }
  });

  it('pages through DescribeRepositories', async () => {
    const { requests, transport } = recording((request) => {
      const input = JSON.parse(decoder.decode(request.body));
      return input.nextToken
        ? { status: 200, body: { repositories: [{ repositoryName: 'b' }] } }
        : { status: 200, body: { repositories: [{ repositoryName: 'a' }], nextToken: 't' } };
    });
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials,
      transport,
    });
    expect((await client.listRepositories()).map((r) => r.repositoryName)).toEqual(['a', 'b']);
    expect(requests).toHaveLength(2);
  });

  it('says that credentials are missing instead of sending an unsigned request', async () => {
    const { requests, transport } = recording(() => ({ status: 200, body: {} }));
    const client = new EcrClient({
      endpoint: 'http://127.0.0.1:8787',
      region: 'us-east-1',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      transport,
    });
    await expect(client.describeRepositories()).rejects.toMatchObject({
      code: 'MissingAuthenticationTokenException',
    });
    expect(requests).toEqual([]);
  });
});

describe('fetchTransport', () => {
  let server: ReturnType<typeof createServer>;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/slow') return; // never answers
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ echo: body.length, host: request.headers.host }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('answers with status, headers and text', async () => {
    const transport = fetchTransport();
    const response = await transport({
      url: `${url}/`,
      method: 'POST',
      headers: { host: 'ignored.example' },
      body: new Uint8Array(5),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ echo: 5 });
  });

  it('turns a refused connection into NetworkError and silence into RequestTimeoutError', async () => {
    const transport = fetchTransport();
    await expect(
      transport({ url: 'http://127.0.0.1:1/', method: 'POST', headers: {} }),
    ).rejects.toBeInstanceOf(NetworkError);
    await expect(
      transport({ url: `${url}/slow`, method: 'GET', headers: {}, timeoutMs: 100 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = fetchTransport()({
      url: `${url}/slow`,
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    controller.abort(new Error('paused'));
    await expect(pending).rejects.toThrow('paused');
  });
});
