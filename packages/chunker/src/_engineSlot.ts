/**
 * Which implementation new hashers of one SHA-2 variant use: WebAssembly when the runtime can run it,
 * @noble/hashes otherwise. Chosen when the slot is made (when the package loads):
 * - Node and browsers compile the embedded module bytes synchronously (a few KiB, far below the size browsers
 *   refuse to compile on the main thread).
 * - workerd refuses to compile WebAssembly while serving a request ("Wasm code generation disallowed by
 *   embedder"); locally it allows it while the Worker's modules are first evaluated, which is when this runs,
 *   but a Worker should not rely on that: it imports `@edgecr/chunker/sha256.wasm` (and `sha512.wasm`;
 *   wrangler bundles each as a compiled `WebAssembly.Module`) and hands it to {@link EngineSlot.useWasm}.
 * - Anywhere compiling fails, noble.
 * @module
 */
import { decodeBase64 } from '@edgecr/protocol';
import { type HashEngine, passesProbe, type Sha2Spec } from './_hashCore.ts';
import { HashWasm, WasmHash } from './_wasmHash.ts';

/** The engine selection of one variant. */
export class EngineSlot {
  /** The variant. */
  readonly spec: Sha2Spec;
  readonly #fileName: string;
  #current: HashEngine;

  /**
   * @param wasmBase64 the variant's module as base64, compiled here where the runtime allows it
   * @param fileName the module's file (`sha256.wasm`), for messages
   * @param noble the fallback engine
   */
  constructor(spec: Sha2Spec, wasmBase64: string, fileName: string, noble: HashEngine) {
    this.spec = spec;
    this.#fileName = fileName;
    const wasm = this.#compile(wasmBase64);
    this.#current = wasm ? this.#wasmEngine(wasm) : noble;
  }

  /** The engine new hashers use. */
  get current(): HashEngine {
    return this.#current;
  }

  /**
   * Makes new hashers use `module`, the compiled module of this variant (what
   * `import m from '@edgecr/chunker/sha256.wasm'` gives in a Worker).
   * @throws TypeError when `module` is not the variant's module, Error when it fails the known-answer check
   */
  useWasm(module: WebAssembly.Module): void {
    if (!(module instanceof WebAssembly.Module)) {
      throw new TypeError(`"module" expected a WebAssembly.Module (the compiled ${this.#fileName})`);
    }
    this.#current = this.#wasmEngine(new HashWasm(this.spec, module, this.#fileName));
  }

  /**
   * Replaces the engine new hashers use. For tests and benchmarks that run both implementations side by side.
   * @internal
   */
  set(engine: HashEngine): void {
    this.#current = engine;
  }

  #wasmEngine(wasm: HashWasm): HashEngine {
    const engine: HashEngine = {
      implementation: 'wasm',
      create: (words, length, tail) => new WasmHash(wasm, words, length, tail),
    };
    // A module that instantiates but computes something else must never produce a digest.
    if (!passesProbe(this.spec, engine)) {
      throw new Error(
        `@edgecr/chunker: ${this.#fileName} does not compute ${this.spec.name} (known-answer check failed)`,
      );
    }
    return engine;
  }

  /** The embedded bytes compiled and instantiated, or `undefined` where the runtime refuses (workerd) or lacks wasm. */
  #compile(base64: string): HashWasm | undefined {
    if (typeof WebAssembly !== 'object') return undefined;
    try {
      const module = new WebAssembly.Module(decodeBase64(base64) as Uint8Array<ArrayBuffer>);
      return new HashWasm(this.spec, module, this.#fileName);
    } catch {
      return undefined;
    }
  }
}
