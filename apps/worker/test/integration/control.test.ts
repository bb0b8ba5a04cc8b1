import { describe, expect, it } from 'vitest';
import { call, createRepository, KEYS, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, pushBlob } from './_oci.ts';

const REGISTRY = '123456789012';
const arnOf = (name: string, registryId = REGISTRY, region = 'us-east-1') =>
  `arn:aws:ecr:${region}:${registryId}:repository/${name}`;

describe('ECR door: tags', () => {
  it('tags, lists and untags a repository by its ARN, as CreateRepository answered it', async () => {
    const name = repositoryName('tags');
    const created = await call('CreateRepository', {
      repositoryName: name,
      tags: [{ Key: 'team', Value: 'a' }],
    });
    const resourceArn = created.json.repository.repositoryArn;
    expect(resourceArn).toBe(arnOf(name));
    const tagged = await call('TagResource', {
      resourceArn,
      tags: [
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    expect(tagged).toMatchObject({ status: 200, json: {} });
    expect((await call('ListTagsForResource', { resourceArn })).json).toEqual({
      tags: [
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    expect((await call('UntagResource', { resourceArn, tagKeys: ['team'] })).status).toBe(200);
    const listed = await call('ListTagsForResource', { resourceArn }, { credentials: KEYS.pullOnly });
    expect(listed.json).toEqual({ tags: [{ Key: 'env', Value: 'prod' }] });
  });

  it("answers ECR's errors: bad tags, too many, a malformed ARN, an unknown repository", async () => {
    const name = repositoryName('tag-errors');
    await createRepository(name);
    const resourceArn = arnOf(name);
    const reserved = await call('TagResource', { resourceArn, tags: [{ Key: 'aws:x', Value: 'y' }] });
    expect(reserved.status).toBe(400);
    expect(reserved.json.__type).toBe('InvalidTagParameterException');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
    const tooMany = await call('TagResource', { resourceArn, tags: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.__type).toBe('TooManyTagsException');
    expect((await call('ListTagsForResource', { resourceArn })).json).toEqual({ tags: [] });
    for (const bad of [
      'not-an-arn',
      `arn:aws:ecr:us-east-1:${REGISTRY}:repository/`,
      arnOf(name, REGISTRY, 'eu-west-1'),
    ]) {
      const answer = await call('ListTagsForResource', { resourceArn: bad });
      expect(answer.status).toBe(400);
      expect(answer.json.__type).toBe('InvalidParameterException');
      expect(answer.json.message).toMatch(/^Invalid parameter at 'resourceArn' failed to satisfy constraint/);
    }
    const missing = await call('TagResource', { resourceArn: arnOf('not-there'), tags: [] });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({
      __type: 'RepositoryNotFoundException',
      message: `The repository with name 'not-there' does not exist in the registry with id '${REGISTRY}'`,
    });
  });

  it("checks the key against the ARN's registry and repository, and tagging needs full access", async () => {
    const name = repositoryName('tag-auth');
    await createRepository(name);
    const resourceArn = arnOf(name);
    const tags = [{ Key: 'k', Value: 'v' }];
    for (const credentials of [KEYS.pullOnly, KEYS.teamA, KEYS.otherRegistry]) {
      const refused = await call('TagResource', { resourceArn, tags }, { credentials });
      expect(refused.status).toBe(400);
      expect(refused.json.__type).toBe('AccessDeniedException');
      expect(refused.json.message).toContain(`on resource: ${resourceArn}`);
    }
    // A key limited to team-a/ may not even read the tags of another repository.
    const outside = await call('ListTagsForResource', { resourceArn }, { credentials: KEYS.teamA });
    expect(outside.json.__type).toBe('AccessDeniedException');
    expect((await call('ListTagsForResource', { resourceArn })).json).toEqual({ tags: [] });
  });
});

describe('ECR door: DescribeRegistry', () => {
  it("answers the caller's registry with no replication rules, to a pull key too", async () => {
    const { status, json } = await call('DescribeRegistry', {}, { credentials: KEYS.pullOnly });
    expect(status).toBe(200);
    expect(json).toEqual({ registryId: REGISTRY, replicationConfiguration: { rules: [] } });
  });
});

describe('ECR door: ListImageReferrers', () => {
  it('lists the OCI referrers index, filtered by artifact type and status, a page at a time', async () => {
    const name = repositoryName('referrers');
    await createRepository(name);
    const auth = await basicAuth();
    const config = await pushBlob(name, new TextEncoder().encode('{}'), auth);
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${'7'.repeat(64)}`,
      size: 10,
    };
    const pushed: Record<string, string> = {};
    for (const artifactType of ['a/sig', 'a/sbom', 'a/sig2']) {
      const imageManifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config, size: 2 },
        layers: [],
        subject,
        annotations: { kind: artifactType },
      });
      expect((await call('PutImage', { repositoryName: name, imageManifest })).status).toBe(200);
      pushed[artifactType] = await sha256Digest(new TextEncoder().encode(imageManifest));
    }
    const subjectId = { imageDigest: subject.digest };
    const all = await call(
      'ListImageReferrers',
      { repositoryName: name, subjectId },
      { credentials: KEYS.pullOnly },
    );
    expect(all.status).toBe(200);
    expect(all.json.referrers.map((r: { digest: string }) => r.digest)).toEqual(Object.values(pushed).sort());
    expect(
      all.json.referrers.find((r: { artifactType: string }) => r.artifactType === 'a/sig'),
    ).toMatchObject({
      digest: pushed['a/sig'],
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      annotations: { kind: 'a/sig' },
      artifactStatus: 'ACTIVE',
    });
    expect(all.json.nextToken).toBeUndefined();

    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call('ListImageReferrers', {
        repositoryName: name,
        subjectId,
        maxResults: 2,
        ...(nextToken && { nextToken }),
      });
      expect(page.json.referrers.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.referrers.map((r: { digest: string }) => r.digest));
      nextToken = page.json.nextToken;
    } while (nextToken);
    expect(seen).toEqual(Object.values(pushed).sort());

    const filtered = await call('ListImageReferrers', {
      repositoryName: name,
      subjectId,
      filter: { artifactTypes: ['a/sig', 'a/sbom'], artifactStatus: 'ANY' },
    });
    expect(filtered.json.referrers.map((r: { artifactType: string }) => r.artifactType).sort()).toEqual([
      'a/sbom',
      'a/sig',
    ]);
    const archived = await call('ListImageReferrers', {
      repositoryName: name,
      subjectId,
      filter: { artifactStatus: 'ARCHIVED' },
    });
    expect(archived.json).toEqual({ referrers: [] });

    const badToken = await call('ListImageReferrers', { repositoryName: name, subjectId, nextToken: 'x' });
    expect(badToken.json.__type).toBe('InvalidParameterException');
    const overLimit = await call('ListImageReferrers', { repositoryName: name, subjectId, maxResults: 51 });
    expect(overLimit.json.__type).toBe('InvalidParameterException');
    const missing = await call('ListImageReferrers', { repositoryName: 'not-there', subjectId });
    expect(missing.json.__type).toBe('RepositoryNotFoundException');
  });
});
