// The two SHA-2 variants as the shared tests run them, and how each runtime gets a variant's compiled module, as
// an application would: workerd cannot compile at run time, so there the module comes from a bundled `.wasm`
// import (the vitest plugin, like wrangler, turns it into a WebAssembly.Module); Node and Chromium compile the
// package's embedded bytes.
import { decodeBase64 } from '@edgecr/protocol';
import type { EngineSlot } from '../src/_engineSlot.ts';
import { SHA256_ENGINES, SHA512_ENGINES } from '../src/_engines.ts';
import type { HashEngine, HashImplementation } from '../src/_hashCore.ts';
import type { HashState } from '../src/_midstate.ts';
import { NOBLE_SHA256, NOBLE_SHA512 } from '../src/_nobleSha2.ts';
import { SHA256_WASM_BASE64 } from '../src/_sha256WasmBase64.ts';
import { SHA512_WASM_BASE64 } from '../src/_sha512WasmBase64.ts';
import { ResumableSha256, ResumableSha512 } from '../src/index.ts';
import { referenceHex } from './_helpers.ts';
import { NIST_VECTORS, SHA512_VECTORS } from './_vectors.ts';

/** True inside workerd (the Workers runtime names itself in `navigator.userAgent`). */
export const IN_WORKERD = globalThis.navigator?.userAgent === 'Cloudflare-Workers';

/** What the tests use of a resumable hasher. */
export interface Hasher {
  update(bytes: Uint8Array): Hasher;
  readonly length: number;
  save(): HashState;
  digest(): Uint8Array;
  digestHex(): string;
  clone(): Hasher;
}

/** One variant: its class, engines, known answers and WebCrypto reference. */
export interface Variant {
  name: 'SHA-256' | 'SHA-512';
  blockBytes: number;
  create(): Hasher;
  restore(state: HashState): Hasher;
  useWasm(module: WebAssembly.Module): void;
  implementation(): HashImplementation;
  engines: EngineSlot;
  noble: HashEngine;
  vectors: { name: string; message: () => Uint8Array; digest: string }[];
  reference(bytes: Uint8Array): Promise<string>;
  loadWasm(): Promise<WebAssembly.Module>;
}

async function compileEmbedded(base64: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(decodeBase64(base64) as Uint8Array<ArrayBuffer>);
}

export const VARIANTS: Variant[] = [
  {
    name: 'SHA-256',
    blockBytes: 64,
    create: () => new ResumableSha256(),
    restore: (state) => ResumableSha256.restore(state),
    useWasm: (module) => ResumableSha256.useWasm(module),
    implementation: () => ResumableSha256.implementation,
    engines: SHA256_ENGINES,
    noble: NOBLE_SHA256,
    vectors: NIST_VECTORS,
    reference: (bytes) => referenceHex('SHA-256', bytes),
    loadWasm: async () =>
      IN_WORKERD ? (await import('../src/sha256.wasm')).default : compileEmbedded(SHA256_WASM_BASE64),
  },
  {
    name: 'SHA-512',
    blockBytes: 128,
    create: () => new ResumableSha512(),
    restore: (state) => ResumableSha512.restore(state),
    useWasm: (module) => ResumableSha512.useWasm(module),
    implementation: () => ResumableSha512.implementation,
    engines: SHA512_ENGINES,
    noble: NOBLE_SHA512,
    vectors: SHA512_VECTORS,
    reference: (bytes) => referenceHex('SHA-512', bytes),
    loadWasm: async () =>
      IN_WORKERD ? (await import('../src/sha512.wasm')).default : compileEmbedded(SHA512_WASM_BASE64),
  },
];
