// CNCF distribution 2.8 (Debian's `docker-registry`), the reference registry: installed if missing, run by the
// testkit on loopback, stopped and removed afterwards (also when the benchmark is interrupted).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startReferenceRegistry } from '@edgecr/testkit/referenceRegistry';
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

/** Starts distribution (installed first if missing) on a free loopback port, with a fresh temporary store. */
export async function startDistribution(): Promise<Distribution> {
  ensureInstalled();
  // `--version` prints `<path> github.com/docker/distribution <version>`.
  const version = execFileSync(BINARY, ['--version']).toString().trim().split(' ').pop() as string;
  const { registry, stop } = await startReferenceRegistry();
  return { endpoint: `http://${registry.host}`, version, stop: deferCleanup(stop) };
}
