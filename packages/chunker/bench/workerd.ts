/// <reference types="node" />
// SHA-256 and SHA-512 throughput inside workerd. bench/workerd/worker.ts is bundled by `wrangler deploy --dry-run` (so the
// `.wasm` import becomes a separate compiled module, as in a deployed Worker) and served by the plain workerd
// binary: `wrangler dev`/`unstable_dev` attach an inspector, which puts V8 in debug mode and halved every figure
// here. Each request hashes BENCH_WORKERD_MIB MiB with one implementation; the requests are timed from outside
// (inside a Worker the clock only moves on I/O). Ratios are medians of per-round ratios (noble's time / the
// contestant's), so a busy neighbour slowing a whole round cancels out.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchChunks } from './workerd/input.ts';

const MiB = 1024 * 1024;
const NOBLE = 'noble sha256.create().update()';
const WASM = 'ResumableSha256 (wasm)';
const NOBLE_512 = 'noble sha512.create().update()';
const WASM_512 = 'ResumableSha512 (wasm)';
const DUAL = 'SHA-256 + SHA-512 (wasm, one pass)';
/** The contestants and what each answers: one digest's hex, or both (`<sha256>:<sha512>`). */
const CONTESTANTS: [string, 'sha256' | 'sha512' | 'both'][] = [
  [WASM, 'sha256'],
  ['ResumableSha256 (noble)', 'sha256'],
  [NOBLE, 'sha256'],
  ['crypto.DigestStream (not resumable)', 'sha256'],
  [WASM_512, 'sha512'],
  ['ResumableSha512 (noble)', 'sha512'],
  [NOBLE_512, 'sha512'],
  [DUAL, 'both'],
];
const NAMES = CONTESTANTS.map(([name]) => name);
// The goal of issue 12: layer hashing in the upload Durable Object at least 3x @noble/hashes.
const TARGET = 3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The digest the Worker must answer for `mib` MiB of the shared input. */
function expectedHex(algorithm: 'sha256' | 'sha512' | 'both', mib: number): string {
  if (algorithm === 'both') return `${expectedHex('sha256', mib)}:${expectedHex('sha512', mib)}`;
  const hash = createHash(algorithm);
  for (const chunk of benchChunks(mib)) hash.update(chunk);
  return hash.digest('hex');
}

const COMPATIBILITY_DATE = '2025-11-17';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bundles the bench Worker with wrangler into `dir`; returns the module files (worker.js first). */
function bundle(dir: string): string[] {
  const entry = new URL('./workerd/worker.ts', import.meta.url).pathname;
  const args = ['deploy', '--dry-run', '--outdir', dir, '--name', 'sha256-bench'];
  execFileSync('wrangler', [...args, '--compatibility-date', COMPATIBILITY_DATE, entry], { stdio: 'ignore' });
  return ['worker.js', ...readdirSync(dir).filter((file) => file.endsWith('.wasm'))];
}

/** Starts workerd serving the bundle in `dir` on 127.0.0.1:`port`. */
function serve(dir: string, modules: string[], port: number): ChildProcess {
  const entries = modules.map(
    (file) => `(name = "${file}", ${file.endsWith('.wasm') ? 'wasm' : 'esModule'} = embed "${file}")`,
  );
  writeFileSync(
    join(dir, 'config.capnp'),
    [
      'using Workerd = import "/workerd/workerd.capnp";',
      'const config :Workerd.Config = (',
      '  services = [(name = "main", worker = .worker)],',
      `  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],`,
      ');',
      `const worker :Workerd.Worker = (modules = [${entries.join(', ')}], compatibilityDate = "${COMPATIBILITY_DATE}");`,
    ].join('\n'),
  );
  const binary = (createRequire(import.meta.url)('workerd') as { default: string }).default;
  return spawn(binary, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitForServer(origin: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(origin);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`workerd did not answer on ${origin}`);
}

/** Runs the workerd bench; returns wasm's speed-up over noble (median of per-round ratios). */
export async function benchWorkerd(mib: number, rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-sha256-bench-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const workerd = serve(dir, bundle(dir), port);
  try {
    await waitForServer(origin);
    const expected = new Map(CONTESTANTS.map(([name, algorithm]) => [name, expectedHex(algorithm, mib)]));
    const run = async (name: string, size: number): Promise<number> => {
      const start = performance.now();
      const response = await fetch(`${origin}/?run=${encodeURIComponent(name)}&mib=${size}`);
      const body = (await response.json()) as { hex: string };
      const seconds = (performance.now() - start) / 1000;
      if (size === mib && body.hex !== expected.get(name))
        throw new Error(`${name} in workerd: wrong digest`);
      return seconds;
    };
    // Warm-up: JIT and the wasm tier-up settle before anything is timed.
    for (const name of NAMES) await run(name, 32);
    const times = new Map<string, number[]>(NAMES.map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < NAMES.length; i++) {
        const name = NAMES[(i + round) % NAMES.length] as string;
        times.get(name)?.push(await run(name, mib));
      }
    }
    const of = (name: string): number[] => times.get(name) ?? [];
    const ratio = (name: string, base = NOBLE): number =>
      median(of(name).map((t, r) => (of(base)[r] ?? Number.NaN) / t));
    console.log(
      `\ninside workerd (wrangler-bundled, plain workerd): ${mib} MiB in 1 MiB updates, ${rounds} rounds`,
    );
    console.log(`  ${'contestant'.padEnd(44)} ${'MB/s'.padStart(6)}   ratio to noble (wall)`);
    for (const name of NAMES) {
      const mbs = (mib * MiB) / 1e6 / median(of(name));
      console.log(`  ${name.padEnd(44)} ${mbs.toFixed(0).padStart(6)}   ${ratio(name).toFixed(2)}x`);
    }
    console.log(
      `  SHA-512: wasm / noble sha512 = ${ratio(WASM_512, NOBLE_512).toFixed(2)}x; ` +
        `wasm SHA-512 speed / wasm SHA-256 speed = ${ratio(WASM_512, WASM).toFixed(2)}; ` +
        `both in one pass (an OCI upload) / SHA-256 alone (an ECR upload) = ${ratio(DUAL, WASM).toFixed(2)}`,
    );
    const speedup = ratio(WASM);
    console.log(
      `  wasm / noble inside workerd = ${speedup.toFixed(2)} (target >= ${TARGET}): ` +
        (speedup >= TARGET ? 'meets the target' : 'BELOW THE TARGET'),
    );
    return speedup;
  } finally {
    workerd.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
