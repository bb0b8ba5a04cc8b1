// Repository policies on both doors, in process: the three operations' shapes, and who gets in by them.
import { digestOf, OCI_MANIFEST } from '@edgecr/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../src/index.ts';
import { countingEndpoint, ecrCall, login, oci, pushBlob, REGISTRY_ID } from './_endpoint.ts';

const OTHER_REGISTRY = '444455556666';
const OTHER = { accessKeyId: 'AKIAEDGECROTHERREG01', secretAccessKey: 'edgecr-node-test-other-registry' };
const PULLER = { accessKeyId: 'AKIAEDGECRPULLONLY01', secretAccessKey: 'edgecr-node-test-pull-only' };

let endpoint: Endpoint;
let calls: string[];
let clock: { now: number };
let auth: string;
let image: { config: string; digest: string };

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
const PUBLIC_PULL = policy({
  Effect: 'Allow',
  Principal: '*',
  Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
});

async function setPolicy(policyText: string, repositoryName = 'app') {
  return await ecrCall(endpoint, 'SetRepositoryPolicy', { repositoryName, policyText });
}

/** A one-blob image tagged v1 in `app`. */
async function pushImage() {
  const bytes = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
  const config = await pushBlob(endpoint, auth, bytes);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: bytes.length },
    layers: [],
  });
  const put = await oci(endpoint, '/v2/app/manifests/v1', {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': OCI_MANIFEST },
    auth,
  });
  expect(put.status).toBe(201);
  return { config, digest: await digestOf('sha256', new TextEncoder().encode(manifest)) };
}

beforeEach(async () => {
  ({ endpoint, calls, clock } = countingEndpoint({ memo: true }));
  const credentials = JSON.parse(endpoint.settings.credentials as string);
  credentials[OTHER.accessKeyId] = {
    secretAccessKey: OTHER.secretAccessKey,
    registryId: OTHER_REGISTRY,
    permission: 'admin',
  };
  credentials[PULLER.accessKeyId] = {
    secretAccessKey: PULLER.secretAccessKey,
    registryId: REGISTRY_ID,
    permission: 'pull',
  };
  endpoint.settings.credentials = JSON.stringify(credentials);
  endpoint.settings.publicRegistryId = REGISTRY_ID;
  auth = await login(endpoint);
  expect((await ecrCall(endpoint, 'CreateRepository', { repositoryName: 'app' })).status).toBe(200);
  image = await pushImage();
});

describe('SetRepositoryPolicy, GetRepositoryPolicy and DeleteRepositoryPolicy on the ECR door', () => {
  it("answer ECR's shapes, and RepositoryPolicyNotFoundException once there is none", async () => {
    const answer = { registryId: REGISTRY_ID, repositoryName: 'app', policyText: PUBLIC_PULL };
    const set = await setPolicy(PUBLIC_PULL);
    expect(set).toMatchObject({ status: 200, json: answer });
    expect((await ecrCall(endpoint, 'GetRepositoryPolicy', { repositoryName: 'app' })).json).toEqual(answer);
    expect((await ecrCall(endpoint, 'DeleteRepositoryPolicy', { repositoryName: 'app' })).json).toEqual(
      answer,
    );
    const gone = await ecrCall(endpoint, 'GetRepositoryPolicy', { repositoryName: 'app' });
    expect(gone.status).toBe(400);
    expect(gone.json.__type).toBe('RepositoryPolicyNotFoundException');
    // A repository's policy is not part of the repository ECR describes.
    const described = await ecrCall(endpoint, 'DescribeRepositories', { repositoryNames: ['app'] });
    expect((described.json.repositories as object[])[0]).not.toHaveProperty('policyText');
  });

  it('refuses bad JSON, an unknown condition key and a bad Effect with a clear 400 that changes nothing', async () => {
    await setPolicy(PUBLIC_PULL);
    const bad = [
      '{"Version": "2012-10-17", "Statement": [',
      policy({
        Effect: 'Allow',
        Principal: '*',
        Action: 'ecr:*',
        Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
      }),
      policy({ Effect: 'Permit', Principal: '*', Action: 'ecr:*' }),
    ];
    for (const policyText of bad) {
      const refused = await setPolicy(policyText);
      expect(refused.status).toBe(400);
      expect(refused.json.__type).toBe('InvalidParameterException');
      expect(refused.json.message).toMatch(/^Invalid parameter at 'PolicyText' failed to satisfy constraint/);
    }
    const kept = await ecrCall(endpoint, 'GetRepositoryPolicy', { repositoryName: 'app' });
    expect(kept.json.policyText).toBe(PUBLIC_PULL);
  });

  it('take the permissions of ECR managed policies: reading with pull, setting with admin', async () => {
    const read = await ecrCall(endpoint, 'GetRepositoryPolicy', { repositoryName: 'app' }, undefined, PULLER);
    expect(read.json.__type).toBe('RepositoryPolicyNotFoundException');
    const set = await ecrCall(
      endpoint,
      'SetRepositoryPolicy',
      { repositoryName: 'app', policyText: PUBLIC_PULL },
      undefined,
      PULLER,
    );
    expect(set.json.__type).toBe('AccessDeniedException');
  });
});

describe('who a policy lets in', () => {
  it('refuses a key of another registry until the policy names it, then lets it pull only', async () => {
    const pull = () =>
      ecrCall(
        endpoint,
        'BatchGetImage',
        { registryId: REGISTRY_ID, repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] },
        undefined,
        OTHER,
      );
    const refused = await pull();
    expect(refused.json).toMatchObject({
      __type: 'AccessDeniedException',
      message: `User: ${OTHER.accessKeyId} is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:${REGISTRY_ID}:repository/app`,
    });
    await setPolicy(
      policy({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER_REGISTRY}:user/${OTHER.accessKeyId}` },
        Action: 'ecr:Batch*',
      }),
    );
    const allowed = await pull();
    expect(allowed.status).toBe(200);
    expect((allowed.json.images as { imageId: { imageDigest: string } }[])[0]?.imageId.imageDigest).toBe(
      image.digest,
    );
    expect(allowed.json).not.toHaveProperty('policyText');
    const put = await ecrCall(
      endpoint,
      'PutImageTagMutability',
      { registryId: REGISTRY_ID, repositoryName: 'app', imageTagMutability: 'IMMUTABLE' },
      undefined,
      OTHER,
    );
    expect(put.json.__type).toBe('AccessDeniedException');
    // Its own registry's repositories stay apart: the same name there does not exist.
    const own = await ecrCall(endpoint, 'DescribeRepositories', {}, undefined, OTHER);
    expect(own.json.repositories).toEqual([]);
  });

  it("lets an explicit Deny refuse a key its permission lets in, on both doors, and keeps GetAuthorizationToken the key's", async () => {
    await setPolicy(
      policy(
        {
          Effect: 'Deny',
          Principal: { AWS: REGISTRY_ID },
          Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        },
        { Effect: 'Deny', Principal: '*', Action: 'ecr:GetAuthorizationToken' },
      ),
    );
    const got = await ecrCall(endpoint, 'BatchGetImage', {
      repositoryName: 'app',
      imageIds: [{ imageTag: 'v1' }],
    });
    expect(got.json.__type).toBe('AccessDeniedException');
    const url = await ecrCall(endpoint, 'GetDownloadUrlForLayer', {
      repositoryName: 'app',
      layerDigest: image.config,
    });
    expect(url.json.__type).toBe('AccessDeniedException');
    for (const path of ['/v2/app/manifests/v1', `/v2/app/blobs/${image.config}`]) {
      const denied = await oci(endpoint, path, { auth });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED');
    }
    expect((await ecrCall(endpoint, 'GetAuthorizationToken', {})).status).toBe(200);
    // What the policy does not deny, the key still may.
    expect((await ecrCall(endpoint, 'DescribeImages', { repositoryName: 'app' })).status).toBe(200);
  });

  it('refuses a streamed UploadLayerPart a Deny names, answering AccessDeniedException', async () => {
    const { json } = await ecrCall(endpoint, 'InitiateLayerUpload', { repositoryName: 'app' });
    await setPolicy(policy({ Effect: 'Deny', Principal: '*', Action: 'ecr:UploadLayerPart' }));
    const part = await ecrCall(endpoint, 'UploadLayerPart', {
      repositoryName: 'app',
      uploadId: json.uploadId,
      partFirstByte: 0,
      partLastByte: 3,
      layerPartBlob: btoa('abcd'),
    });
    expect(part.json.__type).toBe('AccessDeniedException');
  });

  it('lets a key its permission leaves out in by an Allow for its account', async () => {
    const put = () =>
      ecrCall(
        endpoint,
        'PutImageTagMutability',
        { repositoryName: 'app', imageTagMutability: 'MUTABLE' },
        undefined,
        PULLER,
      );
    expect((await put()).json.__type).toBe('AccessDeniedException');
    await setPolicy(
      policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${REGISTRY_ID}:root` }, Action: 'ecr:*' }),
    );
    expect((await put()).status).toBe(200);
  });
});

describe('anonymous pulls on /v2/', () => {
  it('pull a repository whose policy allows everyone, and nothing else', async () => {
    const manifest = await oci(endpoint, '/v2/app/manifests/v1', { headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(401);
    expect(manifest.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await setPolicy(PUBLIC_PULL);
    // skopeo sends empty Basic credentials, crane none: both are anonymous.
    for (const authorization of [undefined, `Basic ${btoa(':')}`]) {
      const headers = { accept: OCI_MANIFEST, ...(authorization && { authorization }) };
      const pulled = await oci(endpoint, '/v2/app/manifests/v1', { headers });
      expect(pulled.status).toBe(200);
      expect(pulled.headers.get('docker-content-digest')).toBe(image.digest);
      const blob = await oci(endpoint, `/v2/app/blobs/${image.config}`, { headers });
      expect(blob.status).toBe(200);
      expect(await digestOf('sha256', new Uint8Array(await blob.arrayBuffer()))).toBe(image.config);
    }
    for (const [path, method] of [
      ['/v2/', 'GET'],
      ['/v2/_catalog', 'GET'],
      ['/v2/app/tags/list', 'GET'],
      ['/v2/app/manifests/v1', 'DELETE'],
      ['/v2/app/blobs/uploads/', 'POST'],
    ] as const) {
      const refused = await oci(endpoint, path, { method });
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    // A forged or expired token is still refused, not taken as anonymous.
    const forged = await oci(endpoint, '/v2/app/manifests/v1', { auth: `Basic ${btoa('AWS:forged')}` });
    expect(forged.status).toBe(401);
  });

  it("cost the Registry object no call beyond the pull's own answers, the policy learnt from them", async () => {
    await setPolicy(PUBLIC_PULL);
    // An answer asked in the same millisecond as a change may predate it and is not kept: time moves on.
    clock.now += 1;
    calls.splice(0);
    const headers = { accept: OCI_MANIFEST };
    expect((await oci(endpoint, '/v2/app/manifests/v1', { headers, auth })).status).toBe(200);
    expect((await oci(endpoint, `/v2/app/blobs/${image.config}`, { auth })).status).toBe(200);
    // The two reads, and the pull recorded after the answer (once a day).
    expect(calls.map((call) => call.split(' ')[1]).sort()).toEqual(['findLayer', 'pullImage', 'recordPulls']);
    calls.splice(0);
    expect((await oci(endpoint, '/v2/app/manifests/v1', { headers })).status).toBe(200);
    expect((await oci(endpoint, `/v2/app/blobs/${image.config}`, { headers })).status).toBe(200);
    expect(calls).toEqual([]);
    // A policy deleted through this isolate is forgotten here at once.
    await ecrCall(endpoint, 'DeleteRepositoryPolicy', { repositoryName: 'app' });
    expect((await oci(endpoint, '/v2/app/manifests/v1', { headers })).status).toBe(401);
  });
});
