// Images end to end: the AWS CLI and the AWS SDK for JavaScript v3 against `wrangler dev`, pushing blobs with
// the upload calls, then manifests with PutImage, as a client that speaks only the ECR API does.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  ImageTagAlreadyExistsException,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './_aws.ts';
import { LOCAL_CREDENTIALS } from './_layers.ts';

const sha256 = (bytes: string | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('ECR images against wrangler dev', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startLocalStack();
    dir = mkdtempSync(join(tmpdir(), 'edgecr-images-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a file into the test's directory; returns its path. */
  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  /** Pushes bytes with initiate-layer-upload, upload-layer-part and complete-layer-upload. */
  async function pushBlob(repository: string, name: string, bytes: Uint8Array) {
    const started = await aws(stack, ['initiate-layer-upload', '--repository-name', repository]);
    const uploadId = started.json.uploadId as string;
    const part = await aws(stack, [
      ...['upload-layer-part', '--repository-name', repository, '--upload-id', uploadId],
      ...['--part-first-byte', '0', '--part-last-byte', String(bytes.length - 1)],
      ...['--layer-part-blob', `fileb://${file(name, bytes)}`],
    ]);
    expect(part.ok, part.stderr).toBe(true);
    const digest = sha256(bytes);
    const done = await aws(stack, [
      ...['complete-layer-upload', '--repository-name', repository, '--upload-id', uploadId],
      ...['--layer-digests', digest],
    ]);
    expect(done.json.layerDigest).toBe(digest);
    return { digest, size: bytes.length };
  }

  /** A Docker schema 2 manifest as docker push writes it. */
  const dockerManifest = (
    config: { digest: string; size: number },
    layer: { digest: string; size: number },
  ) =>
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
      },
      null,
      3,
    );

  /** put-image with a manifest file; the CLI's error text when it fails. */
  const putImage = (repository: string, name: string, manifest: string, ...args: string[]) =>
    aws(stack, [
      ...['put-image', '--repository-name', repository],
      ...['--image-manifest', `file://${file(name, manifest)}`, ...args],
    ]);

  it('pushes Docker images and an OCI index, gets, describes, lists, deletes and guards them', async () => {
    const repo = 'images-cli';
    expect((await aws(stack, ['create-repository', '--repository-name', repo])).ok).toBe(true);
    const encoder = new TextEncoder();
    const layer = await pushBlob(
      repo,
      'layer.tar.gz',
      new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff),
    );
    const amdConfig = await pushBlob(
      repo,
      'amd.json',
      encoder.encode('{"architecture":"amd64","os":"linux"}'),
    );
    const armConfig = await pushBlob(
      repo,
      'arm.json',
      encoder.encode('{"architecture":"arm64","os":"linux"}'),
    );
    const amd = dockerManifest(amdConfig, layer);
    const arm = dockerManifest(armConfig, layer);

    const pushed = await putImage(repo, 'amd.manifest.json', amd, '--image-tag', 'v1');
    expect(pushed.ok, pushed.stderr).toBe(true);
    expect(pushed.json.image.imageId).toEqual({ imageDigest: sha256(amd), imageTag: 'v1' });
    expect((await putImage(repo, 'arm.manifest.json', arm)).ok).toBe(true);
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          digest: sha256(amd),
          size: amd.length,
          platform: { architecture: 'amd64', os: 'linux' },
        },
        {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          digest: sha256(arm),
          size: arm.length,
          platform: { architecture: 'arm64', os: 'linux' },
        },
      ],
    });
    expect((await putImage(repo, 'index.json', index, '--image-tag', 'multi')).ok).toBe(true);

    // The manifest comes back byte for byte; asked by tag with only OCI accepted, converted.
    const got = await aws(stack, [
      'batch-get-image',
      '--repository-name',
      repo,
      '--image-ids',
      'imageTag=v1',
    ]);
    expect(got.json.images[0].imageManifest).toBe(amd);
    expect(got.json.images[0].imageId.imageDigest).toBe(sha256(amd));
    const converted = await aws(stack, [
      ...['batch-get-image', '--repository-name', repo, '--image-ids', 'imageTag=v1'],
      ...['--accepted-media-types', 'application/vnd.oci.image.manifest.v1+json'],
    ]);
    expect(converted.json.images[0].imageManifestMediaType).toBe(
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(converted.json.images[0].imageId.imageDigest).toBe(sha256(converted.json.images[0].imageManifest));

    // describe-images: sizes and tags, a page at a time.
    const all = await aws(stack, ['describe-images', '--repository-name', repo]);
    const details = new Map(all.json.imageDetails.map((d: { imageDigest: string }) => [d.imageDigest, d]));
    expect(details.get(sha256(amd))).toMatchObject({ imageTags: ['v1'], imageSizeInBytes: layer.size });
    expect(details.get(sha256(index))).toMatchObject({ imageTags: ['multi'], imageSizeInBytes: layer.size });
    const first = await aws(stack, [
      'describe-images',
      '--repository-name',
      repo,
      '--max-results',
      '2',
      '--no-paginate',
    ]);
    expect(first.json.imageDetails).toHaveLength(2);
    const rest = await aws(stack, [
      ...['describe-images', '--repository-name', repo, '--no-paginate'],
      ...['--next-token', first.json.nextToken],
    ]);
    expect(rest.json.imageDetails).toHaveLength(1);
    expect(rest.json.nextToken).toBeUndefined();

    const untagged = await aws(stack, [
      'list-images',
      '--repository-name',
      repo,
      '--filter',
      'tagStatus=UNTAGGED',
    ]);
    expect(untagged.json.imageIds).toEqual([{ imageDigest: sha256(arm) }]);

    // Model errors, as the CLI reports them.
    expect((await putImage(repo, 'amd.again.json', amd, '--image-tag', 'v1')).stderr).toMatch(
      /ImageAlreadyExistsException/,
    );
    expect((await putImage(repo, 'd.json', amd, '--image-digest', sha256('other'))).stderr).toMatch(
      /ImageDigestDoesNotMatchException/,
    );
    const missingLayer = dockerManifest(amdConfig, { digest: sha256('never pushed'), size: 12 });
    expect((await putImage(repo, 'missing.json', missingLayer)).stderr).toMatch(/LayersNotFoundException/);
    const missingChild = index.replace(sha256(arm), sha256('no such manifest'));
    expect((await putImage(repo, 'child.json', missingChild)).stderr).toMatch(
      /ReferencedImagesNotFoundException/,
    );
    const schema1 = JSON.stringify({ schemaVersion: 1, name: repo, tag: 'old', fsLayers: [], history: [] });
    expect((await putImage(repo, 'schema1.json', schema1)).stderr).toMatch(/InvalidParameterException/);
    const noImage = await aws(stack, [
      'describe-images',
      '--repository-name',
      repo,
      '--image-ids',
      'imageTag=nope',
    ]);
    expect(noImage.stderr).toMatch(/ImageNotFoundException/);
    expect((await aws(stack, ['list-images', '--repository-name', 'no-such-repo'])).stderr).toMatch(
      /RepositoryNotFoundException/,
    );

    // An immutable tag does not move.
    const immutable = await aws(stack, [
      ...['put-image-tag-mutability', '--repository-name', repo, '--image-tag-mutability', 'IMMUTABLE'],
    ]);
    expect(immutable.json.imageTagMutability).toBe('IMMUTABLE');
    expect((await putImage(repo, 'arm.v1.json', arm, '--image-tag', 'v1')).stderr).toMatch(
      /ImageTagAlreadyExistsException/,
    );

    // An image the index lists is not deleted while the index stays; both go together.
    const refused = await aws(stack, [
      'batch-delete-image',
      '--repository-name',
      repo,
      '--image-ids',
      `imageDigest=${sha256(arm)}`,
    ]);
    expect(refused.json.failures[0].failureCode).toBe('ImageReferencedByManifestList');
    const deleted = await aws(stack, [
      ...['batch-delete-image', '--repository-name', repo, '--image-ids'],
      ...[`imageDigest=${sha256(arm)}`, 'imageTag=multi'],
    ]);
    expect(deleted.json.failures).toEqual([]);
    expect(deleted.json.imageIds).toHaveLength(2);

    // A repository holding images goes only with --force.
    expect((await aws(stack, ['delete-repository', '--repository-name', repo])).stderr).toMatch(
      /RepositoryNotEmptyException/,
    );
    const forced = await aws(stack, ['delete-repository', '--repository-name', repo, '--force']);
    expect(forced.ok, forced.stderr).toBe(true);
    expect((await aws(stack, ['describe-images', '--repository-name', repo])).stderr).toMatch(
      /RepositoryNotFoundException/,
    );
  });

  it('answers the AWS SDK v3: PutImage, BatchGetImage, DescribeImages and a typed immutability error', async () => {
    const client = new ECRClient({
      endpoint: stack.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const repositoryName = 'images-sdk';
    await client.send(new CreateRepositoryCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' }));
    const config = await pushBlob(
      repositoryName,
      'sdk-config.json',
      new TextEncoder().encode('{"os":"linux"}'),
    );
    const layer = await pushBlob(repositoryName, 'sdk-layer.bin', new Uint8Array(1234).fill(9));
    const manifest = dockerManifest(config, layer);
    const put = await client.send(
      new PutImageCommand({ repositoryName, imageManifest: manifest, imageTag: 'stable' }),
    );
    expect(put.image?.imageId?.imageDigest).toBe(sha256(manifest));
    const got = await client.send(
      new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: 'stable' }] }),
    );
    expect(got.images?.[0]?.imageManifest).toBe(manifest);
    const described = await client.send(new DescribeImagesCommand({ repositoryName }));
    expect(described.imageDetails?.[0]).toMatchObject({ imageTags: ['stable'], imageSizeInBytes: 1234 });
    expect(described.imageDetails?.[0]?.imagePushedAt).toBeInstanceOf(Date);
    const other = dockerManifest(config, layer).replace('"schemaVersion": 2', '"schemaVersion":   2');
    await expect(
      client.send(new PutImageCommand({ repositoryName, imageManifest: other, imageTag: 'stable' })),
    ).rejects.toBeInstanceOf(ImageTagAlreadyExistsException);
  });
});
