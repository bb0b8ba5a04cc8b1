import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  InvalidLayerPartException,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { MiB } from '@edgecr/protocol';
import { digestOfResponse } from '@edgecr/testkit/digest';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, layerStream, pushLayer, referenceDigest } from './_layers.ts';

function clientFor(stack: LocalStack): ECRClient {
  return new ECRClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

async function download(client: ECRClient, repositoryName: string, layerDigest: string) {
  const { downloadUrl } = await client.send(
    new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest }),
  );
  return digestOfResponse(await fetch(downloadUrl as string));
}

describe('the AWS SDK for JavaScript v3 against wrangler dev', () => {
  let stack: LocalStack;
  let client: ECRClient;

  beforeAll(async () => {
    stack = await startLocalStack();
    client = clientFor(stack);
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
  });

  it('pushes a layer and downloads the same bytes', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'sdk/push' }));
    const size = 25 * MiB + 17;
    const pushed = await pushLayer(client, 'sdk/push', layerStream(size, 1));
    expect(pushed).toMatchObject({ digest: referenceDigest(size, 1), size });
    const check = await client.send(
      new BatchCheckLayerAvailabilityCommand({ repositoryName: 'sdk/push', layerDigests: [pushed.digest] }),
    );
    expect(check.layers?.[0]).toMatchObject({ layerAvailability: 'AVAILABLE', layerSize: size });
    expect(await download(client, 'sdk/push', pushed.digest)).toEqual({ digest: pushed.digest, size });
  });

  it('pushes a layer of more than 100 MiB in many odd-sized parts', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'sdk/large' }));
    const size = 100 * MiB + 3;
    const pushed = await pushLayer(client, 'sdk/large', layerStream(size, 2), { partSize: 7 * MiB });
    expect(pushed.digest).toBe(referenceDigest(size, 2));
    expect(await download(client, 'sdk/large', pushed.digest)).toEqual({ digest: pushed.digest, size });
  });

  it('is refused with the errors AWS gives for a wrong secret, an unknown key and no signature', async () => {
    const attempt = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new ECRClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 })
        .send(new DescribeRepositoriesCommand({}))
        .catch((e: { name: string; $metadata: { httpStatusCode: number } }) => [
          e.name,
          e.$metadata.httpStatusCode,
        ]);
    expect(await attempt({ ...LOCAL_CREDENTIALS, secretAccessKey: 'wrong-secret' })).toEqual([
      'InvalidSignatureException',
      403,
    ]);
    expect(await attempt({ accessKeyId: 'AKIANOSUCHKEY0000001', secretAccessKey: 'x' })).toEqual([
      'UnrecognizedClientException',
      403,
    ]);
    const unsigned = await fetch(stack.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('surfaces InvalidLayerPartException with lastValidByteReceived as a typed error', async () => {
    await client.send(new CreateRepositoryCommand({ repositoryName: 'sdk/errors' }));
    const { uploadId } = await client.send(new InitiateLayerUploadCommand({ repositoryName: 'sdk/errors' }));
    const part = { repositoryName: 'sdk/errors', uploadId, layerPartBlob: new Uint8Array(10) };
    await client.send(new UploadLayerPartCommand({ ...part, partFirstByte: 0, partLastByte: 9 }));
    const error = await client
      .send(new UploadLayerPartCommand({ ...part, partFirstByte: 20, partLastByte: 29 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidLayerPartException);
    expect((error as InvalidLayerPartException).lastValidByteReceived).toBe(9);
  });
});

describe('an upload across a restart of wrangler dev', () => {
  it('finishes with the right digest after the process is stopped and started again', async () => {
    let stack = await startLocalStack();
    try {
      let client = clientFor(stack);
      await client.send(new CreateRepositoryCommand({ repositoryName: 'restart/layer' }));
      const size = 30 * MiB + 5;
      const layer = new Uint8Array(await new Response(layerStream(size, 3)).arrayBuffer());
      const { uploadId } = await client.send(
        new InitiateLayerUploadCommand({ repositoryName: 'restart/layer' }),
      );
      const send = (first: number, last: number) =>
        client.send(
          new UploadLayerPartCommand({
            repositoryName: 'restart/layer',
            uploadId,
            partFirstByte: first,
            partLastByte: last,
            layerPartBlob: layer.subarray(first, last + 1),
          }),
        );
      // 13 MiB leaves bytes staged between R2 parts when the process stops.
      await send(0, 13 * MiB - 1);

      await stack.stop();
      stack = await startLocalStack({ persistTo: stack.persistTo });
      client = clientFor(stack);

      await send(13 * MiB, 26 * MiB - 1);
      await send(26 * MiB, size - 1);
      const completed = await client.send(
        new CompleteLayerUploadCommand({
          repositoryName: 'restart/layer',
          uploadId,
          layerDigests: [referenceDigest(size, 3)],
        }),
      );
      expect(completed.layerDigest).toBe(referenceDigest(size, 3));
      expect(await download(client, 'restart/layer', referenceDigest(size, 3))).toEqual({
        digest: referenceDigest(size, 3),
        size,
      });
    } finally {
      await stack.stop();
      removeState(stack);
    }
  });
});
