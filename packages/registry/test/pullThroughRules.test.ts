import { digestOf, EcrError, MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  credentialNameOf,
  MemoryHost,
  parseUpstreamCredentials,
  requireCredential,
  upstreamOrigin,
} from '../src/index.ts';

function registry() {
  return new MemoryHost().registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return error instanceof EcrError ? error.code : String(error);
  }
}

describe('pull-through cache rules', () => {
  it('keeps, describes, updates and deletes rules with ECR errors, refusing overlaps with rules and repositories', async () => {
    const { catalog } = registry();
    const hub = await catalog.createPullThroughCacheRule({
      ecrRepositoryPrefix: 'hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      upstreamRepositoryPrefix: 'library',
    });
    expect(hub).toMatchObject({ ecrRepositoryPrefix: 'hub', registryId: '123456789012' });
    const refused = (prefix: string, url = 'ghcr.io') =>
      codeOf(catalog.createPullThroughCacheRule({ ecrRepositoryPrefix: prefix, upstreamRegistryUrl: url }));
    expect(await refused('hub')).toBe('PullThroughCacheRuleAlreadyExistsException');
    expect(await refused('hub/inner')).toBe('InvalidParameterException');
    expect(await refused('h')).toBe('InvalidParameterException');
    await catalog.createRepository({ repositoryName: 'team/app' });
    expect(await refused('team')).toBe('InvalidParameterException');
    expect(await refused('ROOT')).toBe('none');

    const described = await catalog.describePullThroughCacheRules({ maxResults: 1 });
    expect(described.pullThroughCacheRules?.map((rule) => rule.ecrRepositoryPrefix)).toEqual(['ROOT']);
    const next = await catalog.describePullThroughCacheRules({ nextToken: described.nextToken ?? '' });
    expect(next.pullThroughCacheRules?.map((rule) => rule.ecrRepositoryPrefix)).toEqual(['hub']);
    expect(await codeOf(catalog.describePullThroughCacheRules({ ecrRepositoryPrefixes: ['gone'] }))).toBe(
      'PullThroughCacheRuleNotFoundException',
    );

    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub';
    const updated = await catalog.updatePullThroughCacheRule({
      ecrRepositoryPrefix: 'hub',
      credentialArn: arn,
    });
    expect(updated.credentialArn).toBe(arn);
    expect((await catalog.deletePullThroughCacheRule('ROOT')).ecrRepositoryPrefix).toBe('ROOT');
    expect(await codeOf(catalog.deletePullThroughCacheRule('ROOT'))).toBe(
      'PullThroughCacheRuleNotFoundException',
    );
  });

  it('reads an image with the rule covering its repository: the longest prefix, else ROOT, the name upstream mapped', async () => {
    const { catalog } = registry();
    await catalog.createPullThroughCacheRule({
      ecrRepositoryPrefix: 'hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      upstreamRepositoryPrefix: 'library',
    });
    const input = (repositoryName: string) => ({ repositoryName, imageIds: [{ imageTag: 'v1' }] });
    const hub = await catalog.pullImage(input('hub/nginx'));
    expect(hub.answer).toBeNull();
    expect(hub.source).toMatchObject({ upstreamRepository: 'library/nginx', checkedAt: {} });
    expect(await codeOf(catalog.pullImage(input('elsewhere/app')))).toBe('RepositoryNotFoundException');

    await catalog.createPullThroughCacheRule({ ecrRepositoryPrefix: 'ROOT', upstreamRegistryUrl: 'quay.io' });
    const root = await catalog.pullImage(input('elsewhere/app'));
    expect(root.source).toMatchObject({ upstreamRepository: 'elsewhere/app' });
    expect(root.source?.rule.ecrRepositoryPrefix).toBe('ROOT');

    await catalog.pullThroughTarget('hub/nginx');
    await catalog.upstreamChecked('hub/nginx', 'v1');
    const checked = await catalog.pullImage(input('hub/nginx'));
    expect(checked.answer?.failures?.[0]?.failureCode).toBe('ImageNotFound');
    expect(checked.source?.checkedAt.v1).toBeTypeOf('number');
  });

  it('stores a pulled image before its blobs, and sends each blob it references upstream until it lands', async () => {
    const service = registry();
    const { catalog } = service;
    await catalog.createPullThroughCacheRule({ ecrRepositoryPrefix: 'hub', upstreamRegistryUrl: 'ghcr.io' });
    await catalog.pullThroughTarget('hub/app');
    const layerBytes = new TextEncoder().encode('a layer still upstream');
    const layer = await digestOf('sha256', layerBytes);
    const config = await digestOf('sha256', new TextEncoder().encode('{}'));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes.length },
      ],
    });
    const input = { repositoryName: 'hub/app', imageManifest: manifest, imageTag: 'v1' };
    expect(await codeOf(catalog.putImage(input))).toBe('LayersNotFoundException');
    await catalog.storePulledImage(input);
    const { imageDetails } = await catalog.describeImages({ repositoryName: 'hub/app' });
    expect(imageDetails).toEqual([
      expect.objectContaining({ imageTags: ['v1'], imageSizeInBytes: layerBytes.length }),
    ]);

    const upstream = await catalog.upstreamBlob('hub/app', layer);
    expect(upstream?.source).toMatchObject({
      upstreamRepository: 'app',
      rule: { ecrRepositoryPrefix: 'hub' },
    });
    const unreferenced = await digestOf('sha256', new TextEncoder().encode('not in any image'));
    expect(await catalog.upstreamBlob('hub/app', unreferenced)).toBeNull();

    const ref = { repositoryName: 'hub/app', uploadId: await service.startBlobUpload('hub/app') };
    await service.uploadLayerPart(ref, {}, new Blob([layerBytes]).stream());
    await service.completeBlobUpload(ref, layer);
    expect(await catalog.upstreamBlob('hub/app', layer)).toBeNull();
    expect(await catalog.findLayer('hub/app', layer)).toMatchObject({
      size: layerBytes.length,
      referenced: true,
    });
  });

  it('takes an upstream as a host or an http(s) origin, never with a path or credentials', () => {
    expect(upstreamOrigin('ghcr.io')).toBe('https://ghcr.io');
    expect(upstreamOrigin('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    for (const url of ['https://ghcr.io/v2', 'https://u:p@ghcr.io', 'ftp://ghcr.io', 'https://ghcr.io?x=1']) {
      expect(() => upstreamOrigin(url), url).toThrow(/upstreamRegistryUrl/);
    }
  });

  it('names a credential by ECR ARN, and refuses an unknown one without its values', () => {
    const credentials = parseUpstreamCredentials('{"hub":{"username":"me","accessToken":"secret-token"}}');
    expect(credentials.get('hub')).toEqual({ username: 'me', secret: 'secret-token' });
    const arn = (name: string) =>
      `arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/${name}`;
    expect(credentialNameOf(arn('hub'))).toBe('hub');
    expect(() => requireCredential(arn('hub'), credentials)).not.toThrow();
    expect(() => requireCredential(arn('other'), credentials)).toThrow(/other/);
    expect(() => credentialNameOf('arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub')).toThrow(
      /credentialArn/,
    );
    expect(() => parseUpstreamCredentials('{"hub":{"username":"me"}}')).toThrow(/hub/);
  });
});
