// Starts and stops a real `wrangler dev` process for end-to-end tests and benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Worker the stack runs: apps/worker of this repository, with its own wrangler.jsonc, .dev.vars and wrangler. */
export const WORKER_DIR = fileURLToPath(new URL('../../../apps/worker/', import.meta.url));
// Run wrangler's entry with this process's Node (24): its shebang would pick whatever `node` PATH has first.
const WRANGLER_BIN = join(
  dirname(createRequire(join(WORKER_DIR, 'package.json')).resolve('wrangler/package.json')),
  'bin/wrangler.js',
);

export interface LocalStack {
  endpoint: string;
  port: number;
  persistTo: string;
  /** Port of workerd's V8 inspector, for heap measurements. */
  inspectorPort: number;
  stop(): Promise<void>;
}

/** A port the kernel just gave out on loopback, free for the next process to bind. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(endpoint, { method: 'POST', body: '{}' });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`wrangler dev did not answer within 120 s:\n${log()}`);
}

/**
 * Runs the Worker with `wrangler dev` on loopback, its state persisted under `persistTo` (a fresh temporary
 * folder unless given, so a test can restart the stack on the same state). `script` runs another entry
 * (relative to apps/worker) with the same wrangler.jsonc: the benchmark's variant of the Worker. `vars`
 * override settings of wrangler.jsonc (`--var`).
 */
export async function startLocalStack(
  options: { persistTo?: string; port?: number; script?: string; vars?: Record<string, string> } = {},
): Promise<LocalStack> {
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), 'edgecr-e2e-'));
  const child = spawn(
    process.execPath,
    [
      WRANGLER_BIN,
      'dev',
      ...(options.script ? [options.script] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistTo,
      '--show-interactive-dev-session=false',
      '--log-level',
      process.env.EDGECR_E2E_LOG ? 'log' : 'warn',
    ],
    {
      cwd: WORKER_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
      // Its own process group: wrangler starts node and workerd children, and all of them must stop together.
      detached: true,
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilServing(endpoint, child, () => output);
  return {
    endpoint,
    port,
    persistTo,
    inspectorPort,
    async stop() {
      if (process.env.EDGECR_E2E_LOG) console.log(output);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const group = -(child.pid as number);
        process.kill(group, 'SIGTERM');
        const timer = setTimeout(() => process.kill(group, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Deletes a stack's persisted state (after `stop`). */
export function removeState(stack: LocalStack): void {
  rmSync(stack.persistTo, { recursive: true, force: true });
}
