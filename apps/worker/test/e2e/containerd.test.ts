// containerd's `ctr` (Debian's package, its daemon started for this test alone) pulls an image pushed by skopeo
// from a real `wrangler dev`, logged in with a token from the AWS CLI: the index, one platform's manifest,
// config and layer, each byte in containerd's content store compared with the pushed layout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Containerd, startContainerd } from '@edgecr/testkit/containerd';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { writeOciLayout } from '@edgecr/testkit/ociLayout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, loginPassword } from './_aws.ts';

describe('containerd pulls from the /v2/ door', () => {
  let stack: LocalStack;
  let dir: string;
  let registry: RegistryTarget;
  let containerd: Containerd | undefined;

  beforeAll(async () => {
    stack = await startLocalStack();
    dir = mkdtempSync(join(tmpdir(), 'edgecr-containerd-e2e-'));
    registry = { host: `127.0.0.1:${stack.port}`, username: 'AWS', password: await loginPassword(stack) };
    const created = await aws(stack, ['create-repository', '--repository-name', 'ctr/app']);
    expect(created.ok, created.stderr).toBe(true);
    containerd = await startContainerd(join(dir, 'containerd'));
  });
  afterAll(async () => {
    await containerd?.stop();
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ctr pulls and unpacks one platform of a two-platform image, byte for byte', async () => {
    const layout = writeOciLayout(join(dir, 'layout'), { seed: 'containerd' });
    const reference = `${registry.host}/ctr/app:${layout.tag}`;
    await skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${reference}`, { dest: registry });
    const ctrd = containerd as Containerd;
    await ctrd.pull(registry, reference, 'linux/arm64');
    const images = await ctrd.ctr(['images', 'ls', '--quiet']);
    expect(images.stdout.trim().split('\n')).toEqual([reference]);
    const listed = await ctrd.ctr(['images', 'ls']);
    expect(listed.stdout).toContain(layout.index.digest);
    const arm64 = layout.images.find((image) => image.platform.architecture === 'arm64');
    if (!arm64) throw new Error('the layout has no linux/arm64 image');
    const store = join(dir, 'containerd', 'root', 'io.containerd.content.v1.content', 'blobs', 'sha256');
    for (const { digest } of [layout.index, arm64.manifest, arm64.config, arm64.layer]) {
      const held = readFileSync(join(store, digest.slice('sha256:'.length)));
      expect(Buffer.compare(held, layout.blobs.get(digest) as Uint8Array), digest).toBe(0);
    }
    // The layer was unpacked into a snapshot the image's rootfs stands on.
    const snapshots = await ctrd.ctr(['snapshots', '--snapshotter', 'native', 'ls']);
    expect(snapshots.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });
});
