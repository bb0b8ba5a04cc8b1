import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './_aws.ts';

describe('the AWS CLI examples of the ECR reference pages', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startLocalStack();
    dir = mkdtempSync(join(tmpdir(), 'edgecr-cli-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates layer-test, uploads a part of bytes 0..8323314 and completes the upload', async () => {
    const created = await aws(stack, ['create-repository', '--repository-name', 'layer-test']);
    expect(created.ok, created.stderr).toBe(true);
    expect(created.json.repository.repositoryName).toBe('layer-test');

    const initiated = await aws(stack, ['initiate-layer-upload', '--repository-name', 'layer-test']);
    const uploadId = initiated.json.uploadId as string;
    expect(initiated.json.partSize).toBeGreaterThan(0);

    // The example's part: bytes 0 to 8323314 of a layer, read from a file.
    const layer = new Uint8Array(8_323_315).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
    const file = join(dir, 'layer.bin');
    writeFileSync(file, layer);
    const part = await aws(stack, [
      'upload-layer-part',
      '--repository-name',
      'layer-test',
      '--upload-id',
      uploadId,
      '--part-first-byte',
      '0',
      '--part-last-byte',
      '8323314',
      '--layer-part-blob',
      `fileb://${file}`,
    ]);
    expect(part.ok, part.stderr).toBe(true);
    expect(part.json).toEqual({
      uploadId,
      registryId: '123456789012',
      lastByteReceived: 8323314,
      repositoryName: 'layer-test',
    });

    // The example passes a digest of another form; the answer names the computed sha256 digest.
    const completed = await aws(stack, [
      'complete-layer-upload',
      '--repository-name',
      'layer-test',
      '--upload-id',
      uploadId,
      '--layer-digests',
      '6cb64b8a-9378-0e33-2ab1-b780fab8a9e9:48074e6d3a68b39aad8ccc002cdad912d4148c0f92b3729323e',
    ]);
    expect(completed.ok, completed.stderr).toBe(true);
    const digest = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    expect(completed.json).toEqual({
      uploadId,
      layerDigest: digest,
      repositoryName: 'layer-test',
      registryId: '123456789012',
    });

    const check = await aws(stack, [
      'batch-check-layer-availability',
      '--repository-name',
      'layer-test',
      '--layer-digests',
      digest,
    ]);
    expect(check.json.layers[0]).toMatchObject({
      layerDigest: digest,
      layerAvailability: 'AVAILABLE',
      layerSize: 8323315,
    });
  });

  it('reports ECR errors the CLI understands', async () => {
    const missing = await aws(stack, ['initiate-layer-upload', '--repository-name', 'no-such-repo']);
    expect(missing.ok).toBe(false);
    expect(missing.stderr).toContain('RepositoryNotFoundException');
    const empty = await aws(stack, ['create-repository', '--repository-name', 'empty-upload']);
    expect(empty.ok).toBe(true);
    const { json } = await aws(stack, ['initiate-layer-upload', '--repository-name', 'empty-upload']);
    const completed = await aws(stack, [
      'complete-layer-upload',
      '--repository-name',
      'empty-upload',
      '--upload-id',
      json.uploadId,
      '--layer-digests',
      `sha256:${'0'.repeat(64)}`,
    ]);
    expect(completed.stderr).toContain('EmptyUploadException');
    expect(completed.stderr).toContain('cannot be completed because it does not have any parts');
  });
});
