import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, ORIGIN, repositoryName, signedCall } from './_api.ts';

describe('CreateRepository', () => {
  it('creates a repository with ECR defaults and refuses a second one of the same name', async () => {
    const name = repositoryName('create');
    const created = await call('CreateRepository', { repositoryName: name });
    expect(created.status).toBe(200);
    expect(created.json.repository).toMatchObject({
      repositoryName: name,
      registryId: '123456789012',
      repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
      repositoryUri: `edgecr.test/${name}`,
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(typeof created.json.repository.createdAt).toBe('number');

    const again = await call('CreateRepository', { repositoryName: name });
    expect(again.status).toBe(400);
    expect(again.json.__type).toBe('RepositoryAlreadyExistsException');
    expect(again.response.headers.get('x-amzn-errortype')).toBe('RepositoryAlreadyExistsException');
  });

  it('answers a name that breaks the model with InvalidParameterException naming the rule', async () => {
    const { status, json } = await call('CreateRepository', { repositoryName: 'Upper' });
    expect(status).toBe(400);
    expect(json.__type).toBe('InvalidParameterException');
    expect(json.message).toMatch(
      /^Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression/,
    );
    const short = await call('CreateRepository', { repositoryName: 'a' });
    expect(short.json.message).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'",
    );
  });

  it('takes tags, tag mutability exclusions and an encryption configuration, and returns what ECR returns', async () => {
    const name = repositoryName('settings');
    const settings = {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
    const created = await call('CreateRepository', {
      repositoryName: name,
      tags: [{ Key: 'team', Value: 'a' }],
      ...settings,
    });
    expect(created.status).toBe(200);
    expect(created.json.repository).toMatchObject(settings);
    // A repository's tags are not part of ECR's Repository shape (ListTagsForResource reads them).
    expect(created.json.repository.tags).toBeUndefined();
    const described = await call('DescribeRepositories', { repositoryNames: [name] });
    expect(described.json.repositories[0]).toMatchObject(settings);
  });

  it('refuses a registry id other than the one served', async () => {
    const { status, json } = await call('CreateRepository', {
      registryId: '999999999999',
      repositoryName: 'x1',
    });
    expect(status).toBe(400);
    expect(json.__type).toBe('AccessDeniedException');
  });
});

describe('DescribeRepositories', () => {
  it('pages through every repository with maxResults and nextToken', async () => {
    const prefix = repositoryName('page');
    const names = [`${prefix}/a`, `${prefix}/b`, `${prefix}/c`];
    for (const name of names) await call('CreateRepository', { repositoryName: name });
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const { json } = await call('DescribeRepositories', { maxResults: 2, ...(nextToken && { nextToken }) });
      expect(json.repositories.length).toBeLessThanOrEqual(2);
      seen.push(...json.repositories.map((r: { repositoryName: string }) => r.repositoryName));
      nextToken = json.nextToken;
    } while (nextToken);
    expect(seen.filter((name) => name.startsWith(prefix))).toEqual(names);
    expect([...seen].sort()).toEqual(seen);
  });

  it('describes named repositories, and fails when one is missing', async () => {
    const name = repositoryName('named');
    await call('CreateRepository', { repositoryName: name });
    const found = await call('DescribeRepositories', { repositoryNames: [name] });
    expect(found.json.repositories.map((r: { repositoryName: string }) => r.repositoryName)).toEqual([name]);
    const missing = await call('DescribeRepositories', { repositoryNames: [name, `${name}-missing`] });
    expect(missing.json.__type).toBe('RepositoryNotFoundException');
    expect(missing.json.message).toBe(
      `The repository with name '${name}-missing' does not exist in the registry with id '123456789012'`,
    );
  });

  it('refuses a token it did not issue and maxResults beside repositoryNames', async () => {
    expect((await call('DescribeRepositories', { nextToken: 'not-a-token' })).json.__type).toBe(
      'InvalidParameterException',
    );
    const both = await call('DescribeRepositories', { repositoryNames: ['abc'], maxResults: 5 });
    expect(both.json.__type).toBe('InvalidParameterException');
    const bounds = await call('DescribeRepositories', { maxResults: 1001 });
    expect(bounds.json.message).toBe(
      "Invalid parameter at 'maxResults' failed to satisfy constraint: 'must be less than or equal to 1000'",
    );
  });
});

describe('DeleteRepository', () => {
  it('deletes a repository, after which it is not found', async () => {
    const name = repositoryName('delete');
    await call('CreateRepository', { repositoryName: name });
    const deleted = await call('DeleteRepository', { repositoryName: name, force: true });
    expect(deleted.status).toBe(200);
    expect(deleted.json.repository.repositoryName).toBe(name);
    expect((await call('DeleteRepository', { repositoryName: name })).json.__type).toBe(
      'RepositoryNotFoundException',
    );
  });
});

describe('the wire protocol', () => {
  it('answers an unknown target with UnknownOperationException', async () => {
    const signed = signedCall(
      'DescribeRepositories',
      {},
      {
        headers: { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.Nope' },
      },
    );
    const response = await SELF.fetch(`${ORIGIN}/`, { method: 'POST', ...signed });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const { status, json } = await call('DescribeRepositories', '{"maxResults":');
    expect(status).toBe(400);
    expect(json.__type).toBe('SerializationException');
  });

  it('answers a member of the wrong JSON type with SerializationException', async () => {
    const { json } = await call('DescribeRepositories', { maxResults: '5' });
    expect(json.__type).toBe('SerializationException');
  });

  it('refuses a content type other than AWS JSON', async () => {
    const signed = signedCall('DescribeRepositories', {}, { headers: { 'content-type': 'text/plain' } });
    const response = await SELF.fetch(`${ORIGIN}/`, { method: 'POST', ...signed });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});
