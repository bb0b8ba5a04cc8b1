// The pull-through cache end to end with upstreams that authenticate: CNCF distribution behind htpasswd Basic and
// behind `auth: token` (with the test's token issuer), rules naming UPSTREAM_CREDENTIALS entries, a real
// `wrangler dev`, and skopeo and the AWS CLI as clients.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { type OciLayout, writeOciLayout } from '@edgecr/testkit/ociLayout';
import { startUpstreamRegistry, type UpstreamRegistry } from '@edgecr/testkit/upstreamRegistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, createPullThroughRule, loginPassword } from './_aws.ts';

const arn = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/${name}`;

describe('pull-through cache rules with upstreams behind Basic and Bearer token auth', () => {
  let stack: LocalStack;
  let basic: UpstreamRegistry;
  let token: UpstreamRegistry;
  let registry: RegistryTarget;
  let dir: string;

  /** Pushes a two-platform layout to an upstream with its own credentials. */
  async function pushUpstream(upstream: UpstreamRegistry, name: string, seed: string): Promise<OciLayout> {
    const layout = writeOciLayout(join(dir, `${seed}-layout`), { tag: 'v1', seed });
    await skopeoCopy(`oci:${layout.dir}:v1`, `docker://${upstream.registry.host}/${name}:v1`, {
      dest: upstream.registry,
    });
    return layout;
  }

  /** Pulls `reference` from edgecr with skopeo and checks every blob is the upstream's, byte for byte. */
  async function pullsIdentical(reference: string, layout: OciLayout, into: string): Promise<void> {
    const back = join(dir, into);
    await skopeoCopy(`docker://${registry.host}/${reference}`, `oci:${back}:v1`, { src: registry });
    for (const [digest, bytes] of layout.blobs) {
      const copy = readFileSync(join(back, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      expect(Buffer.compare(copy, bytes), digest).toBe(0);
    }
  }

  /** Checks a pull through `prefix` failed as denied upstream and left no repository behind. */
  async function deniedAndNothingCached(prefix: string): Promise<void> {
    const auth = `Basic ${btoa(`AWS:${registry.password}`)}`;
    const oci = await fetch(`${stack.endpoint}/v2/${prefix}/library/app/manifests/v1`, {
      headers: { authorization: auth, accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const body = await oci.text();
    expect(oci.status, body).toBe(403);
    expect(body).toContain('DENIED');
    expect(body).toContain('UpstreamAccessDenied');
    expect(body).toContain('refused the configured credentials');
    const ecr = await aws(stack, [
      ...['batch-get-image', '--repository-name', `${prefix}/library/app`, '--image-ids', 'imageTag=v1'],
    ]);
    expect(ecr.ok).toBe(false);
    expect(ecr.stderr).toContain('(UnableToGetUpstreamImageException)');
    expect(ecr.stderr).toContain('UpstreamAccessDenied');
    const images = await aws(stack, ['describe-images', '--repository-name', `${prefix}/library/app`]);
    expect(images.stderr).toContain('(RepositoryNotFoundException)');
    const repositories = await aws(stack, ['describe-repositories']);
    const names = repositories.json.repositories.map((repository: { repositoryName: string }) => {
      return repository.repositoryName;
    });
    expect(names.filter((name: string) => name.startsWith(`${prefix}/`))).toEqual([]);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgecr-pull-through-auth-'));
    [basic, token] = await Promise.all([startUpstreamRegistry('basic'), startUpstreamRegistry('token')]);
    const entry = (upstream: UpstreamRegistry, secret = upstream.password) => ({
      username: upstream.username,
      accessToken: secret,
    });
    const credentials = {
      basic: entry(basic),
      token: entry(token),
      'basic-wrong': entry(basic, 'not-the-password'),
      'token-wrong': entry(token, 'not-the-password'),
    };
    stack = await startLocalStack({ vars: { UPSTREAM_CREDENTIALS: JSON.stringify(credentials) } });
    registry = { host: `127.0.0.1:${stack.port}`, username: 'AWS', password: await loginPassword(stack) };
    for (const [prefix, upstream] of [
      ['basic', basic],
      ['token', token],
      ['basic-wrong', basic],
      ['token-wrong', token],
    ] as const) {
      const input = {
        ecrRepositoryPrefix: prefix,
        upstreamRegistryUrl: upstream.url,
        credentialArn: arn(prefix),
      };
      const rule = await createPullThroughRule(stack, input);
      expect(rule.ok, rule.stderr).toBe(true);
    }
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    await Promise.all([basic?.stop(), token?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('pulls a two-platform image byte for byte from an upstream behind htpasswd Basic', async () => {
    const layout = await pushUpstream(basic, 'library/app', 'basic');
    await pullsIdentical('basic/library/app:v1', layout, 'basic-back');
    const images = await aws(stack, ['describe-images', '--repository-name', 'basic/library/app']);
    expect(images.json.imageDetails).toHaveLength(1 + layout.images.length);
  });

  it('pulls from an upstream behind a token service, reusing one token for the whole image', async () => {
    const layout = await pushUpstream(token, 'library/app', 'token');
    const pushed = token.tokenRequests.length;
    await pullsIdentical('token/library/app:v1', layout, 'token-back');
    // An index, two manifests and their blobs fetched upstream, on one token for the repository's pull scope.
    const pulled = token.tokenRequests.slice(pushed);
    expect(pulled).toEqual([
      { account: token.username, scopes: ['repository:library/app:pull'], granted: true },
    ]);
    const images = await aws(stack, ['describe-images', '--repository-name', 'token/library/app']);
    expect(images.json.imageDetails).toHaveLength(1 + layout.images.length);
  });

  it('answers a wrong upstream credential with the upstream refusal and caches nothing', async () => {
    await pushUpstream(basic, 'library/app', 'basic');
    await deniedAndNothingCached('basic-wrong');
    await pushUpstream(token, 'library/app', 'token');
    const before = token.tokenRequests.length;
    await deniedAndNothingCached('token-wrong');
    const refused = token.tokenRequests.slice(before);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((request) => request.account === token.username && !request.granted)).toBe(true);
  });
});
