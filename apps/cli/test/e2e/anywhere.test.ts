// The CLI from any folder, against a real `wrangler dev`: relative paths from the folder the command runs in
// (directly, and through the checkout's launcher as `pnpm edgecr` starts it), no turbo output around it, and
// the packed tarball run by npm's own npx from a temporary folder outside the checkout on Node 20.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { ociLayoutOneLayer } from '@edgecr/image-archive/testing';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, LOCAL_KEY, runCli, startProgram } from './_cli.ts';

const CLI = fileURLToPath(new URL('../..', import.meta.url));
const REPOSITORY_ROOT = join(CLI, '..', '..');
const LAUNCHER = join(CLI, 'scripts', 'checkout.ts');

let stack: LocalStack;
let home: string;
let env: NodeJS.ProcessEnv;
let image: Awaited<ReturnType<typeof ociLayoutOneLayer>>;

beforeAll(async () => {
  stack = await startLocalStack();
  home = await mkdtemp(join(tmpdir(), 'edgecr-cli-anywhere-'));
  env = cliEnv(stack.endpoint, home);
  const ecr = new EcrClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_KEY,
    transport: fetchTransport(),
  });
  await ecr.createRepository({ repositoryName: 'anywhere' });
  image = await ociLayoutOneLayer(new TextEncoder().encode('pushed from a sub-folder\n'), 'rel');
  await mkdir(join(home, 'images'));
  await mkdir(join(home, 'work', 'sub'), { recursive: true });
  await writeFile(join(home, 'images', 'app.tar'), new Uint8Array(await image.archive.arrayBuffer()));
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeState(stack);
  if (home) await rm(home, { recursive: true, force: true });
});

/** Lines turbo prints around a run (banner, scope, summary); none may reach the user. */
const TURBO = /turbo|Packages in scope|Tasks:|Cached:|FULL TURBO/;

/** A Node 20 binary (the oldest the package accepts) on this machine, found by asking each candidate. */
function node20(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ];
  return candidates.find((path) => {
    try {
      return execFileSync(path, ['--version'], { encoding: 'utf8' }).startsWith('v20.');
    } catch {
      return false;
    }
  });
}

describe('edgecr from any folder', () => {
  it('resolves paths against the folder it runs in', async () => {
    const sub = join(home, 'work', 'sub');
    const pushed = await runCli(['push', '../../images/app.tar', 'anywhere:direct'], env, sub);
    expect(pushed.stderr).not.toMatch(/edgecr:/);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain(`pushed anywhere:direct ${image.facts.manifest.digest}`);
    expect(pushed.stdout).toMatch(/\b2 blobs \(0 already there\), 1 manifest;/);

    const pulled = await runCli(['pull', 'anywhere:direct', 'pulled.tar'], env, sub);
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toContain('1 manifest, 2 blobs');
    expect(await readdir(sub)).toEqual(['pulled.tar']);

    const missing = await runCli(['push', '../nothing.tar', 'anywhere:x'], env, sub);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `No such file or folder: ../nothing.tar (${join(home, 'work', 'nothing.tar')})`,
    );
  });

  it('runs as `pnpm edgecr` does: from the user’s folder (INIT_CWD), built quietly when stale', async () => {
    const sub = join(home, 'work', 'sub');
    // pnpm runs root scripts in the repository's root and names the user's folder in INIT_CWD.
    const launch = (args: string[]) =>
      startProgram(process.execPath, [LAUNCHER, ...args], {
        env: { ...env, INIT_CWD: sub },
        cwd: REPOSITORY_ROOT,
      }).done;
    const fresh = await launch(['push', '../../images/app.tar', 'anywhere:launched']);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).not.toMatch(TURBO);
    expect(fresh.stdout).toContain(`pushed anywhere:launched ${image.facts.manifest.digest}`);

    // An out-of-date dist/ is rebuilt (turbo, its output kept back), then the command runs.
    await utimes(join(CLI, 'dist', 'main.js'), new Date(0), new Date(0));
    const rebuilt = await launch(['ls', 'anywhere']);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toBe(
      'edgecr: building the CLI first (dist/ is missing or older than its sources)\n',
    );
    expect(rebuilt.stdout).toMatch(/^TAGS +DIGEST +SIZE +PUSHED\n/);
    expect(rebuilt.stdout).toContain('launched');
  });

  it('packs into a tarball that npx runs from a folder outside the checkout, on Node 20', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'edgecr-cli-packed-'));
    try {
      const version = (
        JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
          packageManager: string;
        }
      ).packageManager;
      execFileSync('npx', ['-y', version, '--filter', '@edgecr/cli', 'pack', '--pack-destination', outside], {
        cwd: REPOSITORY_ROOT,
        stdio: 'pipe',
      });
      const [tarball] = await readdir(outside);
      expect(tarball).toMatch(/^edgecr-cli-\d+\.\d+\.\d+\.tgz$/);
      const manifest = execFileSync(
        'tar',
        ['-xzOf', join(outside, tarball as string), 'package/package.json'],
        {
          encoding: 'utf8',
        },
      );
      expect(manifest).not.toContain('workspace:');
      await mkdir(join(outside, 'images'));
      await writeFile(join(outside, 'images', 'app.tar'), new Uint8Array(await image.archive.arrayBuffer()));

      // Node 20 where the machine has one; otherwise the Node running the tests (still from outside the checkout).
      const node = node20() ?? process.execPath;
      const packedEnv = {
        ...env,
        // Node 20 first, for npx and for the CLI's `#!/usr/bin/env node`.
        PATH: `${dirname(node)}${delimiter}${env.PATH}`,
        // The machine's npm cache (the test's HOME is a fresh folder): the registry only for what it lacks.
        npm_config_cache: join(homedir(), '.npm'),
        npm_config_prefer_offline: 'true',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      };
      // npm's own npx, found on that PATH (it sits next to the Node it came with).
      const run = (args: string[]) =>
        startProgram('npx', ['--yes', `./${tarball}`, ...args], { env: packedEnv, cwd: outside }).done;
      const major = Number(/^v(\d+)\./.exec(execFileSync(node, ['--version'], { encoding: 'utf8' }))?.[1]);
      expect(major).toBeGreaterThanOrEqual(20);

      const pushed = await run(['push', 'images/app.tar', 'anywhere:packed']);
      expect(pushed.stderr).not.toMatch(/edgecr:/);
      expect(pushed.code).toBe(0);
      expect(pushed.stdout).toContain(`pushed anywhere:packed ${image.facts.manifest.digest}`);
      const listed = await run(['ls', 'anywhere']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/packed/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
