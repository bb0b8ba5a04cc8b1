/**
 * `@edgecr/chunker/sha256.wasm`: the SHA-256 compression function `ResumableSha256` runs on, for runtimes that
 * cannot compile WebAssembly at run time. Bundlers for Cloudflare Workers (wrangler, the vitest workerd pool)
 * turn this import into a compiled module; hand it to `ResumableSha256.useWasm`.
 * @example
 * import sha256Wasm from '@edgecr/chunker/sha256.wasm';
 * ResumableSha256.useWasm(sha256Wasm);
 */
declare const sha256Wasm: WebAssembly.Module;
export default sha256Wasm;
