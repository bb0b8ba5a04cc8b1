import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { MAX_LAYER_PART_BYTES, MiB } from '@edgecr/protocol';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, localAwsEnvironment } from './_layers.ts';

const run = promisify(execFile);
const SCRIPT = new URL('./boto3_upload_part.py', import.meta.url).pathname;

/** One UploadLayerPart of `size` bytes sent by boto3; what boto3 made of the answer. */
async function uploadPart(stack: LocalStack, repository: string, size: number) {
  const { stdout } = await run('python3', [SCRIPT, stack.endpoint, repository, String(size)], {
    env: localAwsEnvironment(),
  });
  return JSON.parse(stdout) as { ok: boolean; code?: string; message?: string; lastByteReceived?: number };
}

describe('boto3 and part sizes', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack();
    const ecr = new ECRClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'parts' }));
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
  });

  it('accepts a part of exactly 20 MiB, the largest', async () => {
    expect(await uploadPart(stack, 'parts', MAX_LAYER_PART_BYTES)).toEqual({
      ok: true,
      lastByteReceived: MAX_LAYER_PART_BYTES - 1,
    });
  });

  it.each([21, 30])(
    'answers a %i MiB part with InvalidParameterException, not a closed connection',
    async (mib) => {
      // Answered before its body was read, boto3 saw "Connection was closed before we received a valid response"
      // (through wrangler dev: a 500 "Network connection lost").
      const outcome = await uploadPart(stack, 'parts', mib * MiB);
      expect(outcome, outcome.message).toMatchObject({ ok: false, code: 'InvalidParameterException' });
      expect(outcome.message).toContain("'layerPartBlob'");
    },
  );
});
