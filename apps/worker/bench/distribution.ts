// CNCF distribution 2.8 (Debian's `docker-registry`), the reference registry: installed if missing, run on
// loopback with a temporary configuration and storage, stopped and removed afterwards.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@edgecr/testkit/localStack';
import { deferCleanup } from './cleanup.ts';

const BINARY = '/usr/bin/docker-registry';

/** Installs Debian's `docker-registry` package when the binary is missing (as root, or through sudo). */
function ensureInstalled(): void {
  if (existsSync(BINARY)) return;
  console.log('Installing distribution 2.8 (apt package docker-registry)…');
  const apt = ['apt-get', 'install', '-y', '--no-install-recommends', 'docker-registry'];
  const [command, ...args] = process.getuid?.() === 0 ? apt : ['sudo', '-n', ...apt];
  execFileSync(command as string, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(BINARY)) throw new Error(`apt-get installed docker-registry but ${BINARY} is missing`);
}

/** A running distribution registry. */
export interface Distribution {
  endpoint: string;
  version: string;
  stop(): Promise<void>;
}

/** Starts distribution on a free loopback port, storing blobs in a fresh temporary folder. */
export async function startDistribution(): Promise<Distribution> {
  ensureInstalled();
  // `--version` prints `<path> github.com/docker/distribution <version>`.
  const version = execFileSync(BINARY, ['--version']).toString().trim().split(' ').pop() as string;
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-distribution-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'storage')} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}", secret: edgecr-bench }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-10_000);
  });
  const stop = deferCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`distribution exited with ${child.exitCode}:\n${log}`);
    }
    const ok = await fetch(`${endpoint}/v2/`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { endpoint, version, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`distribution did not answer within 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
