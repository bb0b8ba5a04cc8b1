// The pull-through cache end to end: CNCF distribution as an anonymous upstream behind a counting proxy, a
// real `wrangler dev`, and skopeo, crane and the AWS CLI as clients.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { crane, type RegistryTarget, skopeoCopy, skopeoRawManifest } from '@edgecr/testkit/ociClients';
import { type OciLayout, writeOciLayout } from '@edgecr/testkit/ociLayout';
import { type ReferenceRegistry, startReferenceRegistry } from '@edgecr/testkit/referenceRegistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, createPullThroughRule, loginPassword } from './_aws.ts';
import { startUpstreamProxy, type UpstreamProxy } from './_upstreamProxy.ts';

/** The refresh interval of the test's rule: short, so a tag moved upstream is seen within the test. */
const REFRESH_SECONDS = 3;

describe('pull-through cache rules with an upstream CNCF distribution', () => {
  let stack: LocalStack;
  let upstream: ReferenceRegistry;
  let proxy: UpstreamProxy;
  let registry: RegistryTarget;
  let dir: string;

  /** Pushes a two-platform layout to the upstream (directly, not through the counting proxy). */
  async function pushUpstream(name: string, seed: string, tag = 'v1'): Promise<OciLayout> {
    const layout = writeOciLayout(join(dir, `${seed}-layout`), { tag, seed });
    await skopeoCopy(`oci:${layout.dir}:${tag}`, `docker://${upstream.registry.host}/${name}:${tag}`, {
      dest: upstream.registry,
    });
    return layout;
  }

  /** The GETs the upstream got for blobs, by path. */
  function blobGets(): number[] {
    return [...proxy.gets].filter(([path]) => path.includes('/blobs/')).map(([, count]) => count);
  }

  async function ociGet(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const auth = `Basic ${btoa(`AWS:${registry.password}`)}`;
    return await fetch(`${stack.endpoint}/v2/${path}`, {
      headers: { authorization: auth, accept: 'application/vnd.oci.image.index.v1+json', ...headers },
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgecr-pull-through-'));
    upstream = await startReferenceRegistry();
    proxy = await startUpstreamProxy(upstream.registry.host);
    stack = await startLocalStack({
      vars: {
        // Per rule, as an operator sets it: the `hub` rule's tags are checked again after REFRESH_SECONDS.
        PULL_THROUGH_REFRESH_SECONDS: JSON.stringify({ hub: REFRESH_SECONDS, '*': 86_400 }),
        UPSTREAM_CREDENTIALS: JSON.stringify({ hub: { username: 'me', accessToken: 'never-shown' } }),
      },
    });
    registry = { host: `127.0.0.1:${stack.port}`, username: 'AWS', password: await loginPassword(stack) };
    const input = { ecrRepositoryPrefix: 'hub', upstreamRegistryUrl: `http://${proxy.host}` };
    const rule = await createPullThroughRule(stack, input);
    expect(rule.ok, rule.stderr).toBe(true);
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    await proxy?.stop();
    await upstream?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps rules as ECR does and refuses overlapping prefixes, URLs with paths or credentials, unknown secrets', async () => {
    const described = await aws(stack, ['describe-pull-through-cache-rules']);
    expect(described.json.pullThroughCacheRules).toEqual([
      expect.objectContaining({ ecrRepositoryPrefix: 'hub', upstreamRegistryUrl: `http://${proxy.host}` }),
    ]);
    const again = await aws(stack, [
      ...[
        'create-pull-through-cache-rule',
        '--ecr-repository-prefix',
        'hub',
        '--upstream-registry-url',
        'ghcr.io',
      ],
    ]);
    expect(again.stderr).toContain('(PullThroughCacheRuleAlreadyExistsException)');
    for (const [prefix, url] of [
      ['hub/inner', 'ghcr.io'],
      ['ghcr', 'https://ghcr.io/some/path'],
      ['ghcr', 'https://user:pass@ghcr.io'],
    ] as const) {
      const input = { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: url };
      const refused = await createPullThroughRule(stack, input);
      expect(refused.stderr, `${prefix} ${url}`).toContain('(InvalidParameterException)');
    }
    const arn = (name: string) =>
      `arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/${name}`;
    const unknown = await aws(stack, [
      ...[
        'create-pull-through-cache-rule',
        '--ecr-repository-prefix',
        'ghcr',
        '--upstream-registry-url',
        'ghcr.io',
      ],
      ...['--credential-arn', arn('nobody')],
    ]);
    expect(unknown.stderr).toContain('(SecretNotFoundException)');
    const withSecret = await aws(stack, [
      ...[
        'create-pull-through-cache-rule',
        '--ecr-repository-prefix',
        'ghcr',
        '--upstream-registry-url',
        'ghcr.io',
      ],
      ...['--credential-arn', arn('hub'), '--upstream-registry', 'github-container-registry'],
    ]);
    expect(withSecret.ok, withSecret.stderr).toBe(true);
    expect(JSON.stringify(withSecret.json)).not.toContain('never-shown');
    expect((await aws(stack, ['delete-pull-through-cache-rule', '--ecr-repository-prefix', 'ghcr'])).ok).toBe(
      true,
    );
    const gone = await aws(stack, ['describe-pull-through-cache-rules', '--ecr-repository-prefixes', 'ghcr']);
    expect(gone.stderr).toContain('(PullThroughCacheRuleNotFoundException)');

    const valid = await aws(stack, ['validate-pull-through-cache-rule', '--ecr-repository-prefix', 'hub']);
    expect(valid.json).toMatchObject({ ecrRepositoryPrefix: 'hub', isValid: true });
  });

  it('pulls a two-platform image byte for byte on first pull, fetching each blob once, and serves it with the upstream down', async () => {
    const layout = await pushUpstream('library/app', 'first');
    const back = join(dir, 'back');
    await skopeoCopy(`docker://${registry.host}/hub/library/app:v1`, `oci:${back}:v1`, { src: registry });
    for (const [digest, bytes] of layout.blobs) {
      const copy = readFileSync(join(back, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      expect(Buffer.compare(copy, bytes), digest).toBe(0);
    }
    expect(blobGets()).toEqual([1, 1, 1, 1]);

    // Cached images are ordinary images.
    const images = await aws(stack, ['describe-images', '--repository-name', 'hub/library/app']);
    expect(
      images.json.imageDetails.map((image: { imageDigest: string }) => image.imageDigest).sort(),
    ).toEqual([layout.index.digest, ...layout.images.map((image) => image.manifest.digest)].sort());

    proxy.mode = 'down';
    try {
      const again = join(dir, 'again');
      await skopeoCopy(`docker://${registry.host}/hub/library/app:v1`, `oci:${again}:v1`, { src: registry });
      expect(readFileSync(join(again, 'index.json'), 'utf8')).toContain(layout.index.digest.slice(7));
      const uncached = await ociGet('hub/library/other/manifests/v1');
      expect(uncached.status).toBe(502);
      expect(await uncached.text()).toContain('UpstreamUnavailable');
      // Through the ECR door, several images at once: the cached one is answered, the one upstream could not
      // give fails alone with the upstream's reason.
      const both = await aws(stack, [
        ...['batch-get-image', '--repository-name', 'hub/library/app'],
        ...['--image-ids', 'imageTag=v1', 'imageTag=v2'],
      ]);
      expect(both.ok, both.stderr).toBe(true);
      expect(both.json.images.map((image: { imageId: unknown }) => image.imageId)).toEqual([
        { imageTag: 'v1', imageDigest: layout.index.digest },
      ]);
      expect(both.json.failures).toEqual([
        {
          imageId: { imageTag: 'v2' },
          failureCode: 'UpstreamUnavailable',
          failureReason: expect.stringMatching(/^UpstreamUnavailable: /),
        },
      ]);
      proxy.mode = 'throttle';
      const throttled = await ociGet('hub/library/other/manifests/v1');
      expect(throttled.status).toBe(429);
      expect(await throttled.text()).toContain('UpstreamTooManyRequests');
    } finally {
      proxy.mode = 'pass';
    }
  });

  it('streams a blob on its first pull: the client has its first bytes before upstream sent the rest', async () => {
    const layout = await pushUpstream('library/stream', 'stream');
    const image = layout.images[0] as OciLayout['images'][number];
    expect((await ociGet(`hub/library/stream/manifests/${image.manifest.digest}`)).status).toBe(200);
    const bytes = layout.blobs.get(image.layer.digest) as Uint8Array;
    let release = () => {};
    proxy.hold = new Promise((resolve) => {
      release = resolve;
    });
    try {
      const response = await ociGet(`hub/library/stream/blobs/${image.layer.digest}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      // Upstream has sent half the blob and waits: what the client has is a prefix of it.
      const early = first.value as Uint8Array;
      expect(early.length).toBeGreaterThan(0);
      expect(early.length).toBeLessThan(bytes.length / 2 + 1);
      expect(Buffer.compare(Buffer.from(early), Buffer.from(bytes.subarray(0, early.length)))).toBe(0);
      release();
      const rest: Uint8Array[] = [early];
      for (let read = await reader.read(); !read.done; read = await reader.read()) rest.push(read.value);
      expect(Buffer.compare(Buffer.concat(rest), Buffer.from(bytes))).toBe(0);
    } finally {
      release();
      proxy.hold = undefined;
    }
    // The same bytes were stored in that pass: served with the upstream down, fetched upstream once.
    proxy.mode = 'down';
    try {
      const again = await ociGet(`hub/library/stream/blobs/${image.layer.digest}`);
      expect(Buffer.compare(Buffer.from(await again.arrayBuffer()), Buffer.from(bytes))).toBe(0);
    } finally {
      proxy.mode = 'pass';
    }
    expect(proxy.gets.get(`/v2/library/stream/blobs/${image.layer.digest}`)).toBe(1);
  });

  it('makes one upstream fetch per blob for 16 concurrent first pulls of a whole image', async () => {
    const layout = await pushUpstream('library/busy', 'busy');
    const text = (digest: string) => new TextDecoder().decode(layout.blobs.get(digest));
    /** A pull as a client makes it: the index, then each platform's manifest, config and layer. */
    const pull = async () => {
      const index = await ociGet('hub/library/busy/manifests/v1');
      expect(await index.text()).toBe(text(layout.index.digest));
      for (const image of layout.images) {
        const manifest = await ociGet(`hub/library/busy/manifests/${image.manifest.digest}`);
        expect(await manifest.text()).toBe(text(image.manifest.digest));
        for (const blob of [image.config, image.layer]) {
          const got = await ociGet(`hub/library/busy/blobs/${blob.digest}`);
          expect(got.status, blob.digest).toBe(200);
          const bytes = Buffer.from(await got.arrayBuffer());
          expect(Buffer.compare(bytes, Buffer.from(layout.blobs.get(blob.digest) as Uint8Array))).toBe(0);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, pull));
    expect(proxy.gets.get('/v2/library/busy/manifests/v1')).toBe(1);
    for (const digest of layout.blobs.keys()) {
      if (digest === layout.index.digest) continue;
      const path = layout.images.some((image) => image.manifest.digest === digest) ? 'manifests' : 'blobs';
      expect(proxy.gets.get(`/v2/library/busy/${path}/${digest}`), digest).toBe(1);
    }
  });

  it('sees a tag moved upstream once the refresh interval has passed; crane and the AWS CLI pull through too', async () => {
    await pushUpstream('library/moving', 'before');
    const first = await crane(registry, ['digest', `${registry.host}/hub/library/moving:v1`]);
    const moved = await pushUpstream('library/moving', 'after');
    expect((await crane(registry, ['digest', `${registry.host}/hub/library/moving:v1`])).stdout).toBe(
      first.stdout,
    );
    await new Promise((resolve) => setTimeout(resolve, (REFRESH_SECONDS + 1) * 1000));
    expect((await crane(registry, ['digest', `${registry.host}/hub/library/moving:v1`])).stdout.trim()).toBe(
      moved.index.digest,
    );
    // Asked for no cached answer, a pull checks the tag upstream at once.
    const again = await pushUpstream('library/moving', 'again');
    const revalidated = await ociGet('hub/library/moving/manifests/v1', { 'cache-control': 'no-cache' });
    expect(revalidated.headers.get('docker-content-digest')).toBe(again.index.digest);

    const viaEcr = await pushUpstream('library/ecr', 'ecr-door');
    const got = await aws(stack, [
      ...['batch-get-image', '--repository-name', 'hub/library/ecr', '--image-ids', 'imageTag=v1'],
    ]);
    expect(got.ok, got.stderr).toBe(true);
    expect(got.json.images[0].imageId.imageDigest).toBe(viaEcr.index.digest);
    // A layer still upstream has a download URL all the same: fetching it brings the layer in.
    const { layer } = viaEcr.images[0] as OciLayout['images'][number];
    const url = await aws(stack, [
      ...['get-download-url-for-layer', '--repository-name', 'hub/library/ecr'],
      ...['--layer-digest', layer.digest],
    ]);
    expect(url.ok, url.stderr).toBe(true);
    const downloaded = Buffer.from(await (await fetch(url.json.downloadUrl)).arrayBuffer());
    expect(Buffer.compare(downloaded, Buffer.from(viaEcr.blobs.get(layer.digest) as Uint8Array))).toBe(0);
    expect(await skopeoRawManifest(registry, 'hub/library/ecr:v1')).toBe(
      new TextDecoder().decode(viaEcr.blobs.get(viaEcr.index.digest)),
    );
  });

  it('stores nothing for a garbage manifest, and no blob that does not match its digest', async () => {
    const layout = await pushUpstream('library/bad', 'bad');
    proxy.mode = 'garbage-manifest';
    try {
      const response = await ociGet('hub/library/bad/manifests/v1');
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('UpstreamUnavailable');
    } finally {
      proxy.mode = 'pass';
    }
    const repository = await aws(stack, ['describe-repositories', '--repository-names', 'hub/library/bad']);
    expect(repository.stderr).toContain('(RepositoryNotFoundException)');

    // A corrupted blob reaches the client cut short (never whole), and is not kept: the next pull fetches it again.
    const image = layout.images[0] as OciLayout['images'][number];
    expect((await ociGet('hub/library/bad/manifests/v1')).status).toBe(200);
    proxy.mode = 'corrupt-blob';
    try {
      const response = await ociGet(`hub/library/bad/blobs/${image.layer.digest}`);
      await expect(response.arrayBuffer()).rejects.toThrow();
    } finally {
      proxy.mode = 'pass';
    }
    const layers = await aws(stack, [
      ...['batch-check-layer-availability', '--repository-name', 'hub/library/bad'],
      ...['--layer-digests', image.layer.digest],
    ]);
    expect(layers.json.failures).toEqual([
      expect.objectContaining({ layerDigest: image.layer.digest, failureCode: 'MissingLayerDigest' }),
    ]);
    const good = await ociGet(`hub/library/bad/blobs/${image.layer.digest}`);
    const bytes = Buffer.from(await good.arrayBuffer());
    expect(Buffer.compare(bytes, Buffer.from(layout.blobs.get(image.layer.digest) as Uint8Array))).toBe(0);
    expect(proxy.gets.get(`/v2/library/bad/blobs/${image.layer.digest}`)).toBe(2);
  });
});
