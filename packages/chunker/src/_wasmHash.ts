/**
 * SHA-2 on a WebAssembly compression function (`sha256.wasm` or `sha512.wasm`, sources in `wasm/`). The wasm
 * side only compresses whole blocks; the words, the byte count and the partial block live here, in the same
 * shape as noble's midstate, so a state saved by either implementation restores in the other.
 * @module
 */
import type { HashCore, Sha2Spec } from './_hashCore.ts';

/** What both modules export (see `wasm/sha256Wat.ts` and `wasm/sha512Wat.ts` for the memory layout). */
interface HashWasmExports {
  memory: WebAssembly.Memory;
  input: WebAssembly.Global;
  inputBytes: WebAssembly.Global;
  hashBlocks(blocks: number): void;
}

function isHashWasmExports(exports: Record<string, unknown>): exports is HashWasmExports & {
  [key: string]: unknown;
} {
  return (
    exports.memory instanceof WebAssembly.Memory &&
    exports.input instanceof WebAssembly.Global &&
    exports.inputBytes instanceof WebAssembly.Global &&
    typeof exports.hashBlocks === 'function'
  );
}

/**
 * One instance of a hash module. Its memory is scratch space shared by every hasher made from it: a call
 * copies the hasher's words in, compresses, and copies them out, and JavaScript never interleaves two calls.
 */
export class HashWasm {
  readonly spec: Sha2Spec;
  readonly #hashBlocks: (blocks: number) => void;
  readonly #words: Int32Array;
  readonly #input: Uint8Array;

  /**
   * Instantiates a compiled module of `spec` (instantiating is allowed where compiling is not, as in workerd).
   * @throws TypeError when the module does not export what the hash modules export
   */
  constructor(spec: Sha2Spec, module: WebAssembly.Module, fileName: string) {
    const { exports } = new WebAssembly.Instance(module, {});
    if (!isHashWasmExports(exports)) {
      throw new TypeError(`"module" expected the compiled ${fileName} of @edgecr/chunker`);
    }
    this.spec = spec;
    // The memory has a fixed maximum equal to its size, so these views never go stale.
    this.#hashBlocks = exports.hashBlocks;
    this.#words = new Int32Array(exports.memory.buffer, 0, spec.iv.length);
    this.#input = new Uint8Array(exports.memory.buffer, exports.input.value, exports.inputBytes.value);
  }

  /**
   * Compresses `head` followed by `data` (together a whole number of blocks) into `words`, copying the bytes
   * into wasm memory in slices as large as its input area.
   */
  compress(words: Int32Array, head: Uint8Array, data: Uint8Array): void {
    const input = this.#input;
    const { blockBytes } = this.spec;
    this.#words.set(words);
    input.set(head);
    let filled = head.length;
    let offset = 0;
    for (;;) {
      const take = Math.min(input.length - filled, data.length - offset);
      input.set(data.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      this.#hashBlocks(filled / blockBytes);
      if (offset === data.length) break;
      filled = 0;
    }
    words.set(this.#words);
  }
}

/** A streaming SHA-2 whose blocks are compressed by a {@link HashWasm}. */
export class WasmHash implements HashCore {
  readonly #wasm: HashWasm;
  readonly #words: Int32Array;
  readonly #buffer: Uint8Array;
  #pos: number;
  #length: number;

  /** A hasher continuing from the midstate `words`, `length`, `tail` (see `HashCore`). */
  constructor(wasm: HashWasm, words: readonly number[], length: number, tail: Uint8Array) {
    this.#wasm = wasm;
    this.#words = Int32Array.from(words);
    this.#length = length;
    this.#pos = tail.length;
    this.#buffer = new Uint8Array(wasm.spec.blockBytes);
    this.#buffer.set(tail);
  }

  update(data: Uint8Array): void {
    const pos = this.#pos;
    const blockBytes = this.#buffer.length;
    const total = pos + data.length;
    this.#length += data.length;
    if (total < blockBytes) {
      this.#buffer.set(data, pos);
      this.#pos = total;
      return;
    }
    const rest = total % blockBytes;
    const fromData = data.length - rest;
    this.#wasm.compress(this.#words, this.#buffer.subarray(0, pos), data.subarray(0, fromData));
    this.#buffer.set(data.subarray(fromData));
    this.#pos = rest;
  }

  get length(): number {
    return this.#length;
  }

  words(): number[] {
    return Array.from(this.#words, (word) => word >>> 0);
  }

  tail(): Uint8Array {
    return this.#buffer.slice(0, this.#pos);
  }

  digest(): Uint8Array {
    // Padding (FIPS 180-4 §5.1): 0x80, zeros, then the length in bits as a big-endian integer filling the
    // block's last eighth (64 bits for SHA-256, 128 for SHA-512; lengths here stay far below 2^64 bits).
    const pos = this.#pos;
    const blockBytes = this.#buffer.length;
    const lengthField = blockBytes / 8;
    const padded = new Uint8Array(pos < blockBytes - lengthField ? blockBytes : 2 * blockBytes);
    padded.set(this.#buffer.subarray(0, pos));
    padded[pos] = 0x80;
    const view = new DataView(padded.buffer);
    // length * 8 can exceed 2^53, so the two halves are computed apart.
    view.setUint32(padded.length - 8, Math.floor(this.#length / 2 ** 29));
    view.setUint32(padded.length - 4, (this.#length % 2 ** 29) * 8);
    const words = this.#words.slice();
    this.#wasm.compress(words, padded, new Uint8Array(0));
    // Both variants' words are big-endian uint32 of the digest, in order.
    const out = new Uint8Array(words.length * 4);
    const outView = new DataView(out.buffer);
    words.forEach((word, i) => {
      outView.setInt32(i * 4, word);
    });
    return out;
  }

  clone(): WasmHash {
    return new WasmHash(this.#wasm, Array.from(this.#words), this.#length, this.tail());
  }
}
