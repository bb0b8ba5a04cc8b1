import { SELF } from 'cloudflare:test';
import { authenticate, parseCredentials, verifyAuthorizationToken } from '@edgecr/doors';
import { encodeBase64, formatTarget, JSON_CONTENT_TYPE, MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config.ts';
import { call, createRepository, KEYS, ORIGIN, randomBytes, repositoryName, signedCall } from './_api.ts';

async function send(init: { headers: Record<string, string>; body: string }) {
  const response = await SELF.fetch(`${ORIGIN}/`, { method: 'POST', ...init });
  return { status: response.status, json: (await response.json()) as { __type: string; message: string } };
}

async function exists(name: string): Promise<boolean> {
  const { json } = await call('DescribeRepositories', { repositoryNames: [name] });
  return json.__type === undefined;
}

describe('SigV4 authentication', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const { status, json } = await send({
      headers: { 'x-amz-target': formatTarget('DescribeRepositories'), 'content-type': JSON_CONTENT_TYPE },
      body: '{}',
    });
    expect(status).toBe(403);
    expect(json.__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const { status, json } = await send(
      signedCall(
        'DescribeRepositories',
        {},
        { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x' } },
      ),
    );
    expect(status).toBe(403);
    expect(json.__type).toBe('UnrecognizedClientException');
  });

  it('refuses a wrong secret, a tampered body and a tampered header with InvalidSignatureException', async () => {
    const name = repositoryName('tamper');
    const wrongSecret = signedCall(
      'CreateRepository',
      { repositoryName: name },
      {
        credentials: { ...KEYS.admin, secretAccessKey: 'not-the-secret' },
      },
    );
    const tamperedBody = {
      ...signedCall('CreateRepository', { repositoryName: `${name}-x` }),
      body: JSON.stringify({ repositoryName: name }),
    };
    const signed = signedCall('DescribeRepositories', {});
    const tamperedHeader = {
      ...signed,
      headers: { ...signed.headers, 'x-amz-target': formatTarget('CreateRepository') },
    };
    for (const request of [wrongSecret, tamperedBody, tamperedHeader]) {
      const { status, json } = await send(request);
      expect(status).toBe(403);
      expect(json.__type).toBe('InvalidSignatureException');
    }
    expect(await exists(name)).toBe(false);
  });

  it('refuses a request signed more than 15 minutes ago, so a captured request cannot be replayed later', async () => {
    const name = repositoryName('stale');
    const { status, json } = await send(
      signedCall('CreateRepository', { repositoryName: name }, { date: new Date(Date.now() - 16 * 60_000) }),
    );
    expect(status).toBe(403);
    expect(json.__type).toBe('InvalidSignatureException');
    expect(json.message).toMatch(/^Signature expired/);
    expect(await exists(name)).toBe(false);
  });

  it('refuses a forged UploadLayerPart and keeps the upload as it was', async () => {
    const name = repositoryName('forged');
    await createRepository(name);
    const { json: started } = await call('InitiateLayerUpload', { repositoryName: name });
    const part = { repositoryName: name, uploadId: started.uploadId, partFirstByte: 0, partLastByte: 3 };
    const forged = {
      ...signedCall('UploadLayerPart', { ...part, layerPartBlob: 'AAAAAA==' }),
      body: JSON.stringify({ ...part, layerPartBlob: 'AQIDBA==' }),
    };
    expect((await send(forged)).json.__type).toBe('InvalidSignatureException');
    const genuine = await call('UploadLayerPart', { ...part, layerPartBlob: 'AQIDBA==' });
    expect(genuine.json.lastByteReceived).toBe(3);
  });

  it('says clearly that an endpoint without credentials accepts no request', () => {
    const settings = {
      ...readSettings({
        UPLOAD_TTL_SECONDS: '1',
        DOWNLOAD_URL_TTL_SECONDS: '1',
        AUTHORIZATION_TOKEN_TTL_SECONDS: '1',
        UNREFERENCED_LAYER_GRACE_SECONDS: '1',
      } as Env),
    };
    const request = new Request(`${ORIGIN}/`, { method: 'POST', ...signedCall('DescribeRepositories', {}) });
    expect(() => authenticate(request, { ...settings, credentials: undefined })).toThrow(
      /no credentials configured/,
    );
  });
});

describe('what a key may do', () => {
  it('lets a pull-only key read but not upload', async () => {
    const name = repositoryName('pull');
    await createRepository(name);
    expect(
      (await call('DescribeRepositories', { repositoryNames: [name] }, { credentials: KEYS.pullOnly }))
        .status,
    ).toBe(200);
    const { status, json } = await call(
      'InitiateLayerUpload',
      { repositoryName: name },
      { credentials: KEYS.pullOnly },
    );
    expect(status).toBe(400);
    expect(json.__type).toBe('AccessDeniedException');
    expect(json.message).toBe(
      `User: AKIAEDGECRPULLONLY01 is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
    );
  });

  it('keeps a prefixed key inside its prefixes', async () => {
    const inside = `team-a/${repositoryName('app')}`;
    const outside = `team-ab/${repositoryName('app')}`;
    await createRepository(inside);
    await createRepository(outside);
    expect(
      (await call('InitiateLayerUpload', { repositoryName: inside }, { credentials: KEYS.teamA })).status,
    ).toBe(200);
    const denied = await call(
      'InitiateLayerUpload',
      { repositoryName: outside },
      { credentials: KEYS.teamA },
    );
    expect(denied.json.__type).toBe('AccessDeniedException');
    const listed = await call('DescribeRepositories', {}, { credentials: KEYS.teamA });
    const names: string[] = listed.json.repositories.map((r: { repositoryName: string }) => r.repositoryName);
    expect(names).toContain(inside);
    expect(names.every((n) => n.startsWith('team-a/'))).toBe(true);
    const named = await call(
      'DescribeRepositories',
      { repositoryNames: [inside, outside] },
      { credentials: KEYS.teamA },
    );
    expect(named.json.__type).toBe('AccessDeniedException');
    // Creating repositories needs admin, inside the prefix too.
    const created = await call(
      'CreateRepository',
      { repositoryName: `team-a/${repositoryName('new')}` },
      { credentials: KEYS.teamA },
    );
    expect(created.json.__type).toBe('AccessDeniedException');
  });

  it('keeps a key in its own registry', async () => {
    const name = repositoryName('own');
    const created = await call(
      'CreateRepository',
      { repositoryName: name },
      { credentials: KEYS.otherRegistry },
    );
    expect(created.json.repository.registryId).toBe('210987654321');
    // The same name in the other registry is a different repository.
    expect(await exists(name)).toBe(false);
    const foreign = await call(
      'DescribeRepositories',
      { registryId: '123456789012' },
      { credentials: KEYS.otherRegistry },
    );
    expect(foreign.json.__type).toBe('AccessDeniedException');
    // An upload id from another registry is unknown here.
    const mine = repositoryName('mine');
    await createRepository(mine);
    const { json: started } = await call('InitiateLayerUpload', { repositoryName: mine });
    await call('CreateRepository', { repositoryName: mine }, { credentials: KEYS.otherRegistry });
    const crossed = await call(
      'UploadLayerPart',
      {
        repositoryName: mine,
        uploadId: started.uploadId,
        partFirstByte: 0,
        partLastByte: 0,
        layerPartBlob: 'AA==',
      },
      { credentials: KEYS.otherRegistry },
    );
    expect(crossed.json.__type).toBe('UploadNotFoundException');
  });
});

describe('GetAuthorizationToken', () => {
  it('issues a time-limited token the Worker can verify later', async () => {
    const { json } = await call('GetAuthorizationToken', {});
    const [data] = json.authorizationData;
    expect(atob(data.authorizationToken)).toMatch(/^AWS:AKIAEDGECRLOCALDEV01\.\d+\.[0-9a-f]{64}$/);
    const now = Date.now() / 1000;
    expect(data.expiresAt).toBeGreaterThan(now + 11 * 3600);
    expect(data.proxyEndpoint).toBe(ORIGIN);
    const keys = parseCredentials(
      JSON.stringify({
        AKIAEDGECRLOCALDEV01: {
          secretAccessKey: 'edgecr-local-dev-secret',
          registryId: '123456789012',
          permission: 'admin',
        },
      }),
    );
    expect(verifyAuthorizationToken(data.authorizationToken, keys, now)?.accessKeyId).toBe(
      'AKIAEDGECRLOCALDEV01',
    );
    expect(verifyAuthorizationToken(data.authorizationToken, keys, data.expiresAt + 1)).toBeUndefined();
    const tampered = btoa(
      atob(data.authorizationToken).replace(/\.(\d+)\./, (_m, e) => `.${Number(e) + 1}.`),
    );
    expect(verifyAuthorizationToken(tampered, keys, now)).toBeUndefined();
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    SELF.fetch(`${ORIGIN}/`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-amz-target, x-amz-date, content-type',
      },
    });

  it('answers a preflight from an allowed origin with the SigV4 and ECR headers', async () => {
    const response = await preflight('https://uploader.example');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://uploader.example');
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of [
      'authorization',
      'x-amz-target',
      'x-amz-date',
      'x-amz-security-token',
      'x-amz-content-sha256',
      'amz-sdk-invocation-id',
    ]) {
      expect(allowed).toContain(header);
    }
    const { headers, body } = signedCall('DescribeRepositories', {});
    const actual = await SELF.fetch(`${ORIGIN}/`, {
      method: 'POST',
      headers: { ...headers, origin: 'https://uploader.example' },
      body,
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://uploader.example');
  });

  it('refuses a preflight from any other origin', async () => {
    const response = await preflight('https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('hostile input', () => {
  /** Sends `headers` with a body that never ends: only an answer that does not wait for it can come back. */
  function sendUnending(headers: Record<string, string>) {
    return SELF.fetch(`${ORIGIN}/`, {
      method: 'POST',
      headers,
      body: new ReadableStream({
        pull: (controller) => controller.enqueue(new Uint8Array(64 * 1024)),
      }),
      duplex: 'half',
    } as RequestInit);
  }

  it('answers a hopelessly large part at once, without reading it, closing the connection', async () => {
    const { headers } = signedCall('UploadLayerPart', {});
    const response = await sendUnending({ ...headers, 'content-length': String(200 * MiB) });
    expect(response.status).toBe(400);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { __type: string }).__type).toBe('InvalidParameterException');
  });

  it('refuses any other body larger than the largest legal request before reading it', async () => {
    const { headers } = signedCall('CreateRepository', {});
    const response = await sendUnending({ ...headers, 'content-length': String(64 * MiB) });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
  });

  it('reads a part just over the limit to its end and answers InvalidParameterException', async () => {
    const repository = repositoryName('large');
    await createRepository(repository);
    const { json } = await call('InitiateLayerUpload', { repositoryName: repository });
    const blob = randomBytes(21 * MiB, 21);
    const members = {
      repositoryName: repository,
      uploadId: json.uploadId,
      partFirstByte: 0,
      partLastByte: blob.length - 1,
      layerPartBlob: encodeBase64(blob),
    };
    const refused = await call('UploadLayerPart', members);
    expect(refused.status).toBe(400);
    expect(refused.json.__type).toBe('InvalidParameterException');
    expect(refused.json.message).toContain("'layerPartBlob'");
    expect(refused.response.headers.get('connection')).toBeNull();
    // Drained and hashed: a forged one still gets the signature error.
    const forged = await call('UploadLayerPart', members, {
      credentials: { ...KEYS.admin, secretAccessKey: 'not-the-secret' },
    });
    expect(forged.json.__type).toBe('InvalidSignatureException');
    // Nothing was received: the first part is still expected.
    const gap = await call('UploadLayerPart', {
      ...members,
      partFirstByte: 5,
      partLastByte: 5,
      layerPartBlob: 'AA==',
    });
    expect(gap.json).toMatchObject({ __type: 'InvalidLayerPartException', lastValidByteReceived: -1 });
  });

  it.each([
    [
      'deeply nested JSON',
      'CreateRepository',
      `{"repositoryName":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      'SerializationException',
    ],
    [
      'a number beyond 2^53',
      'DescribeRepositories',
      '{"maxResults":9007199254740993}',
      'SerializationException',
    ],
    [
      'control characters in a name',
      'CreateRepository',
      '{"repositoryName":"abc\\u0000def"}',
      'InvalidParameterException',
    ],
    [
      'a look-alike Unicode name',
      'CreateRepository',
      '{"repositoryName":"ｌayer-test"}',
      'InvalidParameterException',
    ],
    [
      'a name escaping a prefix',
      'CreateRepository',
      '{"repositoryName":"team-a/../secret"}',
      'InvalidParameterException',
    ],
  ] as const)(
    'answers %s with a precise error, never a 500, and changes nothing',
    async (_label, operation, body, code) => {
      const before = await call('DescribeRepositories', { maxResults: 1000 });
      const { status, json } = await send(signedCall(operation, body));
      expect(status).toBe(400);
      expect(json.__type).toBe(code);
      const after = await call('DescribeRepositories', { maxResults: 1000 });
      expect(after.json.repositories.length).toBe(before.json.repositories.length);
    },
  );
});
