// Bundles a Worker entry for Miniflare, as wrangler would (ES module, workerd's export conditions, `.wasm`
// imports kept as modules beside the script, which Miniflare loads as compiled WebAssembly).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { deferCleanup } from './cleanup.ts';

/** A bundled Worker on disk; `remove` deletes it. */
export interface Bundle {
  scriptPath: string;
  /** Miniflare's `modules`: the script, then the `.wasm` files esbuild copied beside it, as compiled modules. */
  modules: { type: 'ESModule' | 'CompiledWasm'; path: string }[];
  remove(): Promise<void>;
}

export async function bundle(entry: string): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-bundle-'));
  const scriptPath = join(dir, 'worker.js');
  const remove = deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await build({
      entryPoints: [entry],
      outfile: scriptPath,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2024',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*'],
      loader: { '.wasm': 'copy' },
      logLevel: 'error',
    });
  } catch (error) {
    await remove();
    throw error;
  }
  const wasm = readdirSync(dir).filter((name) => name.endsWith('.wasm'));
  return {
    scriptPath,
    modules: [
      { type: 'ESModule', path: scriptPath },
      ...wasm.map((name) => ({ type: 'CompiledWasm' as const, path: join(dir, name) })),
    ],
    remove,
  };
}
