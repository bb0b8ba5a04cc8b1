/**
 * SHA-256 on the WebAssembly compression function of `sha256.wasm` (source: `wasm/sha256Wat.ts`). The wasm side
 * only compresses whole blocks; the eight words, the byte count and the partial block live here, in the same
 * shape as noble's midstate, so a state saved by either implementation restores in the other.
 * @module
 */
import { SHA256_BLOCK_BYTES, type Sha256Core } from './_sha256Core.ts';

/** What `sha256.wasm` exports (see `wasm/sha256Wat.ts` for the memory layout). */
interface Sha256WasmExports {
  memory: WebAssembly.Memory;
  input: WebAssembly.Global;
  inputBytes: WebAssembly.Global;
  hashBlocks(blocks: number): void;
}

function isSha256WasmExports(exports: Record<string, unknown>): exports is Sha256WasmExports & {
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
 * One instance of `sha256.wasm`. Its memory is scratch space shared by every hasher made from it: a call copies
 * the hasher's words in, compresses, and copies them out, and JavaScript never interleaves two calls.
 */
export class Sha256Wasm {
  readonly #hashBlocks: (blocks: number) => void;
  readonly #words: Int32Array;
  readonly #input: Uint8Array;

  /**
   * Instantiates a compiled `sha256.wasm` (instantiating is allowed where compiling is not, as in workerd).
   * @throws TypeError when the module does not export what `sha256.wasm` exports
   */
  constructor(module: WebAssembly.Module) {
    const { exports } = new WebAssembly.Instance(module, {});
    if (!isSha256WasmExports(exports)) {
      throw new TypeError('"module" expected the compiled sha256.wasm of @edgecr/chunker');
    }
    // The memory has a fixed maximum equal to its size, so these views never go stale.
    this.#hashBlocks = exports.hashBlocks;
    this.#words = new Int32Array(exports.memory.buffer, 0, 8);
    this.#input = new Uint8Array(exports.memory.buffer, exports.input.value, exports.inputBytes.value);
  }

  /**
   * Compresses `head` followed by `data` (together a whole number of blocks) into `words`, copying the bytes
   * into wasm memory in slices as large as its input area.
   */
  compress(words: Int32Array, head: Uint8Array, data: Uint8Array): void {
    const input = this.#input;
    this.#words.set(words);
    input.set(head);
    let filled = head.length;
    let offset = 0;
    for (;;) {
      const take = Math.min(input.length - filled, data.length - offset);
      input.set(data.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      this.#hashBlocks(filled / SHA256_BLOCK_BYTES);
      if (offset === data.length) break;
      filled = 0;
    }
    words.set(this.#words);
  }
}

/** A streaming SHA-256 whose blocks are compressed by a {@link Sha256Wasm}. */
export class WasmSha256 implements Sha256Core {
  readonly #wasm: Sha256Wasm;
  readonly #words: Int32Array;
  readonly #buffer = new Uint8Array(SHA256_BLOCK_BYTES);
  #pos: number;
  #length: number;

  /** A hasher continuing from the midstate `words`, `length`, `tail` (see `Sha256Core`). */
  constructor(wasm: Sha256Wasm, words: readonly number[], length: number, tail: Uint8Array) {
    this.#wasm = wasm;
    this.#words = Int32Array.from(words);
    this.#length = length;
    this.#pos = tail.length;
    this.#buffer.set(tail);
  }

  update(data: Uint8Array): void {
    const pos = this.#pos;
    const total = pos + data.length;
    this.#length += data.length;
    if (total < SHA256_BLOCK_BYTES) {
      this.#buffer.set(data, pos);
      this.#pos = total;
      return;
    }
    const rest = total % SHA256_BLOCK_BYTES;
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
    // Padding (FIPS 180-4 §5.1.1): 0x80, zeros to 56 mod 64, then the length in bits as a big-endian uint64.
    const pos = this.#pos;
    const padded = new Uint8Array(pos < 56 ? SHA256_BLOCK_BYTES : 2 * SHA256_BLOCK_BYTES);
    padded.set(this.#buffer.subarray(0, pos));
    padded[pos] = 0x80;
    const view = new DataView(padded.buffer);
    // length * 8 can exceed 2^53, so the two halves are computed apart.
    view.setUint32(padded.length - 8, Math.floor(this.#length / 2 ** 29));
    view.setUint32(padded.length - 4, (this.#length % 2 ** 29) * 8);
    const words = this.#words.slice();
    this.#wasm.compress(words, padded, new Uint8Array(0));
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    words.forEach((word, i) => {
      outView.setInt32(i * 4, word);
    });
    return out;
  }

  clone(): WasmSha256 {
    return new WasmSha256(this.#wasm, Array.from(this.#words), this.#length, this.tail());
  }
}
