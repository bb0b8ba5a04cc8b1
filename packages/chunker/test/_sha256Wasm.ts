// How each runtime gets the compiled sha256.wasm, as an application would: workerd cannot compile at run time, so
// there the module comes from a bundled `.wasm` import (the vitest plugin, like wrangler, turns it into a
// WebAssembly.Module); Node and Chromium compile the package's embedded bytes.
import { decodeBase64 } from '@edgecr/protocol';
import { SHA256_WASM_BASE64 } from '../src/_sha256WasmBase64.ts';

/** True inside workerd (the Workers runtime names itself in `navigator.userAgent`). */
export const IN_WORKERD = globalThis.navigator?.userAgent === 'Cloudflare-Workers';

export async function loadSha256WasmModule(): Promise<WebAssembly.Module> {
  if (IN_WORKERD) return (await import('../src/sha256.wasm')).default;
  return WebAssembly.compile(decodeBase64(SHA256_WASM_BASE64) as Uint8Array<ArrayBuffer>);
}
