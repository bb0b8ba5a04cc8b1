// containerd, Debian's package, run for one test: its own config, root, state and socket in a scratch directory
// (no system service, no CRI), so `ctr` pulls from the local stack as a container runtime does.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RegistryTarget, runTool, type ToolResult } from './ociClients.ts';

/** A running containerd and the `ctr` that talks to it. */
export interface Containerd {
  /** `ctr <args>` against this containerd; rejects when it fails. */
  ctr(args: readonly string[]): Promise<ToolResult>;
  /** `ctr images pull` of `reference` over plain HTTP with the registry's credentials, unpacked natively. */
  pull(registry: RegistryTarget, reference: string, platform: string): Promise<ToolResult>;
  /** Stops the daemon (its directory is the caller's). */
  stop(): Promise<void>;
}

/**
 * Starts containerd in `dir` (it needs root, as a container runtime does) and waits for its socket.
 * @example
 * const containerd = await startContainerd(join(dir, 'containerd'));
 * await containerd.pull(registry, `${registry.host}/app:v1`, 'linux/amd64');
 */
export async function startContainerd(dir: string): Promise<Containerd> {
  mkdirSync(dir, { recursive: true });
  const address = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      '[grpc]',
      `  address = "${address}"`,
      // The Kubernetes runtime interface is not what a pull needs.
      '[plugins."io.containerd.grpc.v1.cri"]',
      '  disable = true',
      '',
    ].join('\n'),
  );
  let log = '';
  const daemon: ChildProcess = spawn('containerd', ['--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  daemon.stdout?.setEncoding('utf8').on('data', (text: string) => (log += text));
  daemon.stderr?.setEncoding('utf8').on('data', (text: string) => (log += text));
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  const ctr = (args: readonly string[]) => runTool('ctr', ['--address', address, ...args]);
  const stop = async () => {
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
    await exited;
  };
  for (let waited = 0; !existsSync(address); waited += 100) {
    if (daemon.exitCode !== null || waited > 30_000) {
      await stop();
      throw new Error(`containerd did not start:\n${log}`);
    }
    await sleep(100);
  }
  return {
    ctr,
    pull: (registry, reference, platform) =>
      ctr([
        'images',
        'pull',
        '--plain-http',
        '--snapshotter',
        'native',
        '--platform',
        platform,
        ...(registry.username === undefined
          ? []
          : ['--user', `${registry.username}:${registry.password ?? ''}`]),
        reference,
      ]),
    stop,
  };
}
