import { MiB, OCI_MANIFEST, sha256Digest, streamOf } from '@edgecr/protocol';
import { createUpstreamSession, MemoryHost, PullThrough } from '@edgecr/registry';
import { describe, expect, it } from 'vitest';
import { type EcrContext, ecrHandler, portableBodyStreams } from '../src/index.ts';

function endpoint(overrides: Partial<EcrContext> = {}): EcrContext {
  const host = new MemoryHost();
  const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
  return {
    registry,
    region: 'eu-west-1',
    host: 'ecr.example:8787',
    reaches: () => true,
    downloadUrl: async ({ repositoryName, digest }) => `https://dl.example/${repositoryName}/${digest}`,
    requireImageReference: false,
    authorizationData: async () => [{ authorizationToken: 't', expiresAt: 1, proxyEndpoint: 'https://x' }],
    admit: () => undefined,
    caller: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/AKIAEDGECRNODETEST01' },
    pullThrough: new PullThrough(registry, {
      sessionFor: () => createUpstreamSession(),
      refreshSeconds: () => 86_400,
      blobs: host.blobs,
      sha256: portableBodyStreams.sha256,
    }),
    revalidate: false,
    upstreamCredentials: () => new Map(),
    ...overrides,
  };
}

describe('the ECR handler table', () => {
  it('answers repositories with ECR ARNs and URIs on the endpoint, listing only those the caller reaches', async () => {
    const context = endpoint({ reaches: (name) => name.startsWith('team-a/') });
    const { repository } = await ecrHandler('CreateRepository')({ repositoryName: 'team-a/app' }, context);
    expect(repository).toMatchObject({
      repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/team-a/app',
      registryId: '123456789012',
      repositoryUri: 'ecr.example:8787/team-a/app',
    });
    expect(repository).not.toHaveProperty('tags');
    await ecrHandler('CreateRepository')({ repositoryName: 'team-b/app' }, context);
    const listed = await ecrHandler('DescribeRepositories')({}, context);
    expect(listed.repositories?.map((r) => r.repositoryName)).toEqual(['team-a/app']);
  });

  it("answers a PutImage that changes nothing with ImageAlreadyExistsException, in ECR's words", async () => {
    const context = endpoint();
    await ecrHandler('CreateRepository')({ repositoryName: 'app' }, context);
    const config = new TextEncoder().encode('{}');
    const { uploadId } = await ecrHandler('InitiateLayerUpload')({ repositoryName: 'app' }, context);
    const place = { repositoryName: 'app', uploadId: uploadId as string };
    await ecrHandler('UploadLayerPart')(
      { ...place, partFirstByte: 0, partLastByte: config.length - 1, layerPartBlob: streamOf(config) },
      context,
    );
    const digest = sha256Digest(config);
    await ecrHandler('CompleteLayerUpload')({ ...place, layerDigests: [digest] }, context);
    const imageManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
      layers: [],
    });
    const put = { repositoryName: 'app', imageManifest, imageTag: 'v1' };
    const { image } = await ecrHandler('PutImage')(put, context);
    await expect(ecrHandler('PutImage')(put, context)).rejects.toMatchObject({
      code: 'ImageAlreadyExistsException',
      message: `Image with digest '${image?.imageId?.imageDigest}' and tag 'v1' already exists in the repository with name 'app' in registry with id '123456789012'`,
    });
  });

  it('takes UploadLayerPart with its blob as a stream, like any other input', async () => {
    const context = endpoint();
    await ecrHandler('CreateRepository')({ repositoryName: 'app' }, context);
    const { uploadId } = await ecrHandler('InitiateLayerUpload')({ repositoryName: 'app' }, context);
    const input = { repositoryName: 'app', uploadId: uploadId as string, partFirstByte: 0, partLastByte: 2 };
    const answer = await ecrHandler('UploadLayerPart')(
      { ...input, layerPartBlob: streamOf(new Uint8Array(3)) },
      context,
    );
    expect(answer).toEqual({
      registryId: '123456789012',
      repositoryName: 'app',
      uploadId,
      lastByteReceived: 2,
    });
  });

  it('answers a missing layer with LayersNotFoundException and, when images are required, LayerInaccessibleException', async () => {
    const context = endpoint();
    await ecrHandler('CreateRepository')({ repositoryName: 'app' }, context);
    const layerDigest = `sha256:${'c'.repeat(64)}`;
    await expect(
      ecrHandler('GetDownloadUrlForLayer')({ repositoryName: 'app', layerDigest }, context),
    ).rejects.toMatchObject({
      code: 'LayersNotFoundException',
      message: `The repository with name 'app' in registry with id '123456789012' does not contain a layer with digest '${layerDigest}'`,
    });
    const { uploadId } = await ecrHandler('InitiateLayerUpload')({ repositoryName: 'app' }, context);
    const ref = { repositoryName: 'app', uploadId: uploadId as string };
    await context.registry.uploadLayerPart(ref, { first: 0, last: 0 }, streamOf(new Uint8Array(1)));
    const digest = await context.registry.completeLayerUpload(ref, []);
    expect(
      await ecrHandler('GetDownloadUrlForLayer')({ repositoryName: 'app', layerDigest: digest }, context),
    ).toEqual({
      downloadUrl: `https://dl.example/app/${digest}`,
      layerDigest: digest,
    });
    const strict = { ...context, requireImageReference: true };
    await expect(
      ecrHandler('GetDownloadUrlForLayer')({ repositoryName: 'app', layerDigest: digest }, strict),
    ).rejects.toMatchObject({ code: 'LayerInaccessibleException' });
    // Once an image of the repository references the layer, ECR's rule lets it be downloaded.
    const configRef = {
      repositoryName: 'app',
      uploadId: (await context.registry.initiateLayerUpload('app')).uploadId,
    };
    await context.registry.uploadLayerPart(
      configRef,
      { first: 0, last: 1 },
      streamOf(new TextEncoder().encode('{}')),
    );
    const config = await context.registry.completeLayerUpload(configRef, []);
    const imageManifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: 1 }],
    });
    await ecrHandler('PutImage')({ repositoryName: 'app', imageManifest }, context);
    expect(
      await ecrHandler('GetDownloadUrlForLayer')({ repositoryName: 'app', layerDigest: digest }, strict),
    ).toMatchObject({ layerDigest: digest });
  });
});
