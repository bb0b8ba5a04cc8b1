// CNCF distribution 2.8 (Debian's `docker-registry`), the reference registry the OCI harness is checked against
// and the benchmarks compare with: run on loopback with a throwaway store, stopped and removed afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './localStack.ts';
import type { RegistryTarget } from './ociClients.ts';

/** A running CNCF distribution registry. */
export interface ReferenceRegistry {
  registry: RegistryTarget;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `docker-registry` (CNCF distribution 2.8) on a free loopback port with a throwaway
 * filesystem store and deletes enabled, and waits until `/v2/` answers. No authentication unless `auth`, the
 * configuration's `auth` section as a YAML flow mapping (`{ htpasswd: { realm: r, path: /p } }`).
 */
export async function startReferenceRegistry(options: { auth?: string } = {}): Promise<ReferenceRegistry> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-distribution-'));
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
      ...(options.auth ? [`auth: ${options.auth}`] : []),
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v2/`);
      // With authentication configured, the 401 is the answer that says it is serving.
      if (response.ok || response.status === 401) break;
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { registry: { host: `127.0.0.1:${port}` }, stop };
}
