/**
 * Which SHA-256 implementation new `ResumableSha256` hashers use: WebAssembly when the runtime can run it,
 * @noble/hashes otherwise. Chosen when this module loads:
 * - Node and browsers compile the embedded `sha256.wasm` bytes synchronously (a few KiB, far below the size
 *   browsers refuse to compile on the main thread).
 * - workerd refuses to compile WebAssembly while serving a request ("Wasm code generation disallowed by
 *   embedder"); locally it allows it while the Worker's modules are first evaluated, which is when this runs,
 *   but a Worker should not rely on that: it imports `@edgecr/chunker/sha256.wasm` (wrangler bundles it as a
 *   compiled `WebAssembly.Module`) and hands it to {@link useSha256Wasm}.
 * - Anywhere compiling fails, noble.
 * @module
 */
import { decodeBase64 } from '@edgecr/protocol';
import { NOBLE_SHA256 } from './_nobleSha256.ts';
import { SHA256_IV, SHA256_PROBE, type Sha256Engine } from './_sha256Core.ts';
import { SHA256_WASM_BASE64 } from './_sha256WasmBase64.ts';
import { Sha256Wasm, WasmSha256 } from './_wasmSha256.ts';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function wasmEngine(wasm: Sha256Wasm): Sha256Engine {
  const engine: Sha256Engine = {
    implementation: 'wasm',
    create: (words, length, tail) => new WasmSha256(wasm, words, length, tail),
  };
  // A module that instantiates but computes something else must never produce a digest.
  const probe = engine.create(SHA256_IV, 0, new Uint8Array(0));
  probe.update(SHA256_PROBE.input());
  if (hex(probe.digest()) !== SHA256_PROBE.digestHex) {
    throw new Error('@edgecr/chunker: sha256.wasm does not compute SHA-256 (known-answer check failed)');
  }
  return engine;
}

/** The bundled bytes compiled and instantiated, or `undefined` where the runtime refuses (workerd) or lacks wasm. */
function compileBundledWasm(): Sha256Wasm | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  try {
    return new Sha256Wasm(
      new WebAssembly.Module(decodeBase64(SHA256_WASM_BASE64) as Uint8Array<ArrayBuffer>),
    );
  } catch {
    return undefined;
  }
}

function bundledEngine(): Sha256Engine {
  const wasm = compileBundledWasm();
  return wasm ? wasmEngine(wasm) : NOBLE_SHA256;
}

let current = bundledEngine();

/** The engine new hashers use. */
export function sha256Engine(): Sha256Engine {
  return current;
}

/**
 * Makes new hashers use `module`, a compiled `sha256.wasm` (what `import m from '@edgecr/chunker/sha256.wasm'`
 * gives in a Worker).
 * @throws TypeError when `module` is not `sha256.wasm`, Error when it fails the known-answer check
 */
export function useSha256Wasm(module: WebAssembly.Module): void {
  if (!(module instanceof WebAssembly.Module)) {
    throw new TypeError('"module" expected a WebAssembly.Module (the compiled sha256.wasm)');
  }
  current = wasmEngine(new Sha256Wasm(module));
}

/**
 * Replaces the engine new hashers use. For tests and benchmarks that run both implementations side by side.
 * @internal
 */
export function setSha256Engine(engine: Sha256Engine): void {
  current = engine;
}
