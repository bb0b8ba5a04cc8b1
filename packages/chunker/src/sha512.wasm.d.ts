/**
 * `@edgecr/chunker/sha512.wasm`: the SHA-512 compression function `ResumableSha512` runs on, for runtimes that
 * cannot compile WebAssembly at run time (see `sha256.wasm.d.ts`); hand it to `ResumableSha512.useWasm`.
 * @example
 * import sha512Wasm from '@edgecr/chunker/sha512.wasm';
 * ResumableSha512.useWasm(sha512Wasm);
 */
declare const sha512Wasm: WebAssembly.Module;
export default sha512Wasm;
