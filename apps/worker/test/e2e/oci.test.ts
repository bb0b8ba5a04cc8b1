// The OCI door driven by real clients no one here wrote: skopeo, crane, oras and the OCI conformance suite,
// logged in with a token from the AWS CLI, against a real `wrangler dev`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import {
  crane,
  oras,
  type RegistryTarget,
  runConformance,
  runTool,
  skopeoCopy,
  skopeoListTags,
  skopeoRawManifest,
} from '@edgecr/testkit/ociClients';
import { writeOciLayout } from '@edgecr/testkit/ociLayout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws as awsCli, loginPassword } from './_aws.ts';

/** `aws ecr <args>` that must succeed; its JSON output. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary members of the CLI's JSON output.
async function aws(stack: LocalStack, args: string[]): Promise<any> {
  const result = await awsCli(stack, args);
  if (!result.ok) throw new Error(`aws ecr ${args.join(' ')} failed: ${result.stderr}`);
  return result.json;
}

describe('OCI clients against the /v2/ door', () => {
  let stack: LocalStack;
  let dir: string;
  let registry: RegistryTarget;

  beforeAll(async () => {
    stack = await startLocalStack();
    dir = mkdtempSync(join(tmpdir(), 'edgecr-oci-e2e-'));
    // `aws ecr get-login-password` prints the password docker and skopeo log in with, as user AWS.
    const password = await loginPassword(stack);
    registry = { host: `127.0.0.1:${stack.port}`, username: 'AWS', password };
    for (const name of [
      'skopeo/app',
      'ecr/app',
      'crane/app',
      'oras/app',
      'conformance/repo1',
      'conformance/repo2',
    ]) {
      await aws(stack, ['create-repository', '--repository-name', name]);
    }
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  it('skopeo logs in, copies a two-platform OCI layout in and back byte for byte; the ECR API sees it', async () => {
    const authFile = join(dir, 'auth.json');
    const login = await runTool(
      'skopeo',
      ['login', '--tls-verify=false', '-u', 'AWS', '-p', registry.password ?? '', registry.host],
      { env: { REGISTRY_AUTH_FILE: authFile } },
    );
    expect(login.stdout).toContain('Login Succeeded');
    const layout = writeOciLayout(join(dir, 'layout'));
    await skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${registry.host}/skopeo/app:v1`, {
      dest: registry,
    });
    const served = await skopeoRawManifest(registry, 'skopeo/app:v1');
    expect(served).toBe(new TextDecoder().decode(layout.blobs.get(layout.index.digest)));
    expect(await skopeoListTags(registry, 'skopeo/app')).toEqual(['v1']);

    const back = join(dir, 'back');
    await skopeoCopy(`docker://${registry.host}/skopeo/app:v1`, `oci:${back}:v1`, { src: registry });
    for (const [digest, bytes] of layout.blobs) {
      const copy = readFileSync(join(back, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      expect(Buffer.compare(copy, bytes), digest).toBe(0);
    }

    const described = await aws(stack, ['describe-images', '--repository-name', 'skopeo/app']);
    const digests = described.imageDetails.map((image: { imageDigest: string }) => image.imageDigest).sort();
    expect(digests).toEqual(
      [layout.index.digest, ...layout.images.map((image) => image.manifest.digest)].sort(),
    );
  });

  it('skopeo pulls an image pushed through the ECR API (layer uploads and PutImage)', async () => {
    const layout = writeOciLayout(join(dir, 'ecr-layout'), { seed: 'ecr-door' });
    const [image] = layout.images;
    if (!image) throw new Error('the layout has no image');
    for (const blob of [image.config, image.layer]) {
      const file = join(dir, blob.digest.slice('sha256:'.length));
      writeFileSync(file, layout.blobs.get(blob.digest) as Uint8Array);
      const { uploadId } = await aws(stack, ['initiate-layer-upload', '--repository-name', 'ecr/app']);
      await aws(stack, [
        'upload-layer-part',
        '--repository-name',
        'ecr/app',
        '--upload-id',
        uploadId,
        '--part-first-byte',
        '0',
        '--part-last-byte',
        String(blob.size - 1),
        '--layer-part-blob',
        `fileb://${file}`,
      ]);
      await aws(stack, [
        'complete-layer-upload',
        '--repository-name',
        'ecr/app',
        '--upload-id',
        uploadId,
        '--layer-digests',
        blob.digest,
      ]);
    }
    const manifest = new TextDecoder().decode(layout.blobs.get(image.manifest.digest));
    await aws(stack, [
      'put-image',
      '--repository-name',
      'ecr/app',
      '--image-tag',
      'v1',
      '--image-manifest',
      manifest,
      '--image-manifest-media-type',
      image.manifest.mediaType,
    ]);
    expect(await skopeoRawManifest(registry, 'ecr/app:v1')).toBe(manifest);
    const pulled = join(dir, 'ecr-pulled');
    await skopeoCopy(`docker://${registry.host}/ecr/app:v1`, `oci:${pulled}:v1`, { src: registry });
    const layer = readFileSync(join(pulled, 'blobs', 'sha256', image.layer.digest.slice('sha256:'.length)));
    expect(Buffer.compare(layer, layout.blobs.get(image.layer.digest) as Uint8Array)).toBe(0);
    const pulledImage = await aws(stack, [
      'describe-images',
      '--repository-name',
      'ecr/app',
      '--image-ids',
      'imageTag=v1',
    ]);
    expect(pulledImage.imageDetails[0].lastRecordedPullTime).toBeDefined();
  });

  it('crane copies, tags, lists, lists the catalog and deletes', async () => {
    const source = `${registry.host}/skopeo/app:v1`;
    const target = `${registry.host}/crane/app`;
    await crane(registry, ['copy', source, `${target}:v1`]);
    await crane(registry, ['tag', `${target}:v1`, 'v2']);
    expect((await crane(registry, ['ls', target])).stdout.trim().split('\n')).toEqual(['v1', 'v2']);
    const digest = (await crane(registry, ['digest', `${target}:v1`])).stdout.trim();
    expect(digest).toBe((await crane(registry, ['digest', source])).stdout.trim());
    const catalog = (await crane(registry, ['catalog', registry.host])).stdout.trim().split('\n');
    expect(catalog).toEqual(expect.arrayContaining(['crane/app', 'skopeo/app']));
    await crane(registry, ['delete', `${target}@${digest}`]);
    expect((await crane(registry, ['ls', target])).stdout.trim()).toBe('');
  });

  it('crane pulls a two-platform image byte for byte; HEAD names digest, length and type; a held digest gets 304', async () => {
    await aws(stack, ['create-repository', '--repository-name', 'crane/pull']);
    const layout = writeOciLayout(join(dir, 'crane-source'), { seed: 'crane-pull' });
    const reference = `${registry.host}/crane/pull:${layout.tag}`;
    await skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${reference}`, { dest: registry });
    const out = join(dir, 'crane-pull');
    await crane(registry, ['pull', '--format=oci', reference, out]);
    for (const [digest, bytes] of layout.blobs) {
      const copy = readFileSync(join(out, 'blobs', 'sha256', digest.slice('sha256:'.length)));
      expect(Buffer.compare(copy, bytes), digest).toBe(0);
    }
    // What a pull client reads before it downloads: HEAD of a manifest and of a layer, then a conditional GET.
    const authorization = `Basic ${btoa(`AWS:${registry.password}`)}`;
    const image = layout.images[0] as (typeof layout.images)[number];
    for (const [path, descriptor] of [
      ['manifests', image.manifest],
      ['blobs', image.layer],
    ] as const) {
      const url = `${stack.endpoint}/v2/crane/pull/${path}/${descriptor.digest}`;
      const head = await fetch(url, { method: 'HEAD', headers: { authorization } });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(descriptor.digest);
      expect(head.headers.get('content-length')).toBe(String(descriptor.size));
      const type = path === 'manifests' ? descriptor.mediaType : 'application/octet-stream';
      expect(head.headers.get('content-type')).toBe(type);
      const held = await fetch(url, {
        headers: { authorization, 'if-none-match': `"${descriptor.digest}"` },
      });
      expect(held.status).toBe(304);
    }
  });

  it('oras pushes and pulls an artifact, attaches a referrer and finds it through the referrers API', async () => {
    const work = join(dir, 'oras');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'notes.txt'), 'hello from oras\n');
    writeFileSync(join(work, 'sig.txt'), 'a signature\n');
    const ref = `${registry.host}/oras/app:notes`;
    await oras(
      registry,
      'push',
      [ref, '--artifact-type', 'application/vnd.edgecr.notes', 'notes.txt:text/plain'],
      {
        cwd: work,
      },
    );
    await oras(registry, 'tag', [ref, 'latest']);
    expect(
      (await oras(registry, 'repo tags', [`${registry.host}/oras/app`])).stdout.trim().split('\n'),
    ).toEqual(['latest', 'notes']);
    await oras(
      registry,
      'attach',
      [ref, '--artifact-type', 'application/vnd.edgecr.signature', 'sig.txt:text/plain'],
      {
        cwd: work,
      },
    );
    const discovered = JSON.parse(
      (
        await oras(registry, 'discover', [
          ref,
          '--format',
          'json',
          '--artifact-type',
          'application/vnd.edgecr.signature',
        ])
      ).stdout,
    );
    const referrers = discovered.referrers ?? discovered.manifests ?? [];
    expect(referrers).toHaveLength(1);
    expect(referrers[0].artifactType).toBe('application/vnd.edgecr.signature');
    const out = join(dir, 'oras-out');
    mkdirSync(out, { recursive: true });
    await oras(registry, 'pull', [ref, '-o', out]);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('hello from oras\n');
  });

  it('passes every case of the OCI conformance suite, blob deletes, sha512 and anonymous mounts included', async () => {
    const result = await runConformance(registry, {
      resultsDir: join(dir, 'conformance'),
      repo1: 'conformance/repo1',
      repo2: 'conformance/repo2',
      // Upload cancel (DELETE on an upload: 204) is on only in the suite's 1.1+dev defaults; the door does it.
      env: { OCI_API_BLOBS_UPLOAD_CANCEL: 'true' },
    });
    console.log(
      `OCI conformance: ${result.passed.length} passed, ${result.failed.length} failed, ${result.skipped.length} skipped`,
    );
    expect(result.passed.length).toBeGreaterThan(500);
    expect(result.passed.filter((name) => name.includes('sha512')).length).toBeGreaterThan(40);
    // Blob DELETE runs (202, then HEAD 404) after every blob and image case, sha256 and sha512.
    expect(result.passed.filter((name) => name.endsWith('/blob-delete')).length).toBeGreaterThan(100);
    // Nothing is skipped: anonymous mounts (`?mount=` without `from`, on by default in 1.1) are linked from a
    // repository the key may read.
    expect(result.passed.filter((name) => name.endsWith('/blob-mount-anonymous')).length).toBe(2);
    expect([...new Set(result.skipped)]).toEqual([]);
    expect([...new Set(result.failed)].sort(), result.output.slice(-4000)).toEqual([]);
  });
});
