// `edgecr push` and `edgecr pull` as users run them, against a real `wrangler dev` (local R2 and Durable
// Objects): a round trip with byte-identical blobs, and Ctrl-C in the middle of a push, then the same command.
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testLayerBytes } from '@edgecr/chunker/testing';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { readImageArchive } from '@edgecr/image-archive';
import { dockerSaveClassic, ociLayoutOneLayer, ociLayoutTwoPlatforms } from '@edgecr/image-archive/testing';
import { MiB } from '@edgecr/protocol';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, LOCAL_KEY, runCli, startCli } from './_cli.ts';

let stack: LocalStack;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await startLocalStack();
  home = await mkdtemp(join(tmpdir(), 'edgecr-cli-'));
  env = cliEnv(stack.endpoint, home);
  const ecr = new EcrClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_KEY,
    transport: fetchTransport(),
  });
  for (const repositoryName of ['classic', 'platforms', 'copy', 'big']) {
    await ecr.createRepository({ repositoryName });
  }
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeState(stack);
  if (home) await rm(home, { recursive: true, force: true });
});

/**
 * Every blob of an archive's first image: its digest, and the SHA-256 of the bytes the archive holds for it
 * (hashes, not bytes, are compared: a failing toEqual on MiBs of bytes spends minutes printing its diff).
 */
async function blobsOf(path: string): Promise<Map<string, string>> {
  const [image] = (await readImageArchive(await openAsBlob(path))).images;
  const out = new Map<string, string>();
  for (const blob of image?.blobs ?? []) {
    const bytes = new Uint8Array(await blob.blob.arrayBuffer());
    out.set(blob.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  }
  return out;
}

describe('edgecr push and pull', () => {
  it.each([
    ['a classic docker save', 'classic', dockerSaveClassic],
    ['an OCI index of two platforms', 'platforms', ociLayoutTwoPlatforms],
  ])('round-trips %s with byte-identical blobs', async (_name, repository, fixture) => {
    const { archive } = await fixture();
    const source = join(home, `${repository}.tar`);
    await writeFile(source, new Uint8Array(await archive.arrayBuffer()));
    const [image] = (await readImageArchive(archive)).images;
    const tag = image?.tags[0] as string;

    const pushed = await runCli(['push', source, repository], env);
    expect(pushed.stderr).not.toMatch(/edgecr:/);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain(`pushed ${repository}:${tag} ${image?.manifest.digest}`);

    const pulledPath = join(home, `${repository}-pulled.tar`);
    const pulled = await runCli(['pull', `${repository}:${tag}`, pulledPath], env);
    expect(pulled.code).toBe(0);
    const original = await blobsOf(source);
    const back = await blobsOf(pulledPath);
    expect([...back.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [digest, hash] of original) {
      expect(hash).toBe(digest);
      expect(back.get(digest)).toBe(hash);
    }

    // The pulled file is itself an archive to push: to another repository, nothing new to store.
    const copied = await runCli(['push', pulledPath, `copy:${repository}`], env);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toContain(`pushed copy:${repository} ${image?.manifest.digest}`);
  });

  it('stops on Ctrl-C with exit code 130, and the same command continues without resending acknowledged bytes', async () => {
    const { archive, facts } = await ociLayoutOneLayer(testLayerBytes(48 * MiB, 3));
    const source = join(home, 'big.tar');
    await writeFile(source, new Uint8Array(await archive.arrayBuffer()));

    let interrupted = false;
    const first = startCli(['push', source, 'big:1'], env, (stderr, child) => {
      // Ctrl-C once the endpoint has acknowledged a part of the layer.
      if (!interrupted && new RegExp(`layer ${facts.layer.digest} [1-9]\\d*/`).test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const stopped = await first.done;
    expect(interrupted).toBe(true);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/Interrupted/);

    const saved = await readdir(join(home, 'cache', 'uploads'));
    expect(saved).toHaveLength(1);
    const [record] = JSON.parse(await readFile(join(home, 'cache', 'uploads', saved[0] as string), 'utf8'));
    const acknowledged = record.offset as number;
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(facts.layer.size);

    const second = await runCli(['push', source, 'big:1'], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`(resumed at ${acknowledged})`);
    const sent = Number(/sent (\d+) bytes, (\d+) resumed/.exec(second.stdout)?.[1]);
    const resumed = Number(/sent (\d+) bytes, (\d+) resumed/.exec(second.stdout)?.[2]);
    expect(resumed).toBe(acknowledged);
    // The config is tiny: it went in the first run or in this one.
    expect([facts.layer.size - acknowledged, facts.layer.size - acknowledged + facts.config.size]).toContain(
      sent,
    );
    expect(await readdir(join(home, 'cache', 'uploads'))).toEqual([]);

    const pulledPath = join(home, 'big-pulled.tar');
    expect((await runCli(['pull', 'big:1', pulledPath], env)).code).toBe(0);
    expect((await blobsOf(pulledPath)).get(facts.layer.digest)).toBe(facts.layer.digest);
  });

  it('exits 2 on a wrong command line and 1 on a file that is not an image archive', async () => {
    const usage = await runCli(['push', 'only-one-argument'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage:');
    const notArchive = join(home, 'notes.txt');
    await writeFile(notArchive, 'not an archive\n'.repeat(100));
    const failed = await runCli(['push', notArchive, 'classic:x'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/not an image archive/);
  });
});
