/**
 * A streaming SHA-512 that saves and restores its midstate as `ResumableSha256` does, for OCI clients that
 * name blobs by `sha512:` digests. Computed by WebAssembly where the runtime runs it, by @noble/hashes
 * otherwise; the saved state is the same either way.
 * @module
 */
import { SHA512_ENGINES } from './_engines.ts';
import type { HashImplementation } from './_hashCore.ts';
import { type HashState, parseMidstate } from './_midstate.ts';
import { ResumableHash } from './_resumableHash.ts';
import { SHA512_SPEC } from './_sha2Specs.ts';

/**
 * JSON-serialisable SHA-512 midstate: `h` holds the eight 64-bit working words (FIPS 180-4 H(i)) as sixteen
 * uint32 halves, high half first; `tail` the `length % 128` bytes after the last whole block. About 330 bytes
 * as JSON at most. It reveals the length of the input and up to 127 of its last bytes: treat it like the data
 * it summarises.
 * @example
 * const hasher = ResumableSha512.restore(JSON.parse(saved) as Sha512State);
 */
export type Sha512State = HashState;

/** Length in bytes of a SHA-512 digest. */
export const SHA512_DIGEST_BYTES = 64;

/**
 * Streaming SHA-512 (FIPS 180-4) that can {@link ResumableSha512.save | save} its midstate as JSON and
 * {@link ResumableSha512.restore | restore} it, so a blob's `sha512:` digest can be carried across upload
 * requests without re-reading the bytes already hashed.
 * @example
 * const saved = JSON.stringify(new ResumableSha512().update(firstChunk).save());
 * const hex = ResumableSha512.restore(JSON.parse(saved)).update(secondChunk).digestHex();
 */
export class ResumableSha512 extends ResumableHash {
  /** A hasher of the empty input. */
  constructor() {
    super(SHA512_ENGINES.current.create(SHA512_SPEC.iv, 0, new Uint8Array(0)));
  }

  /**
   * Makes hashers created from now on compute with `module`, the compiled `sha512.wasm` of this package (as
   * `ResumableSha256.useWasm` for `sha256.wasm`, and for the same reason).
   * @throws TypeError when `module` is not the compiled `sha512.wasm`
   * @example
   * import sha512Wasm from '@edgecr/chunker/sha512.wasm';
   * ResumableSha512.useWasm(sha512Wasm);
   */
  static useWasm(module: WebAssembly.Module): void {
    SHA512_ENGINES.useWasm(module);
  }

  /** Which implementation new hashers use: `'wasm'` or `'noble'`. */
  static get implementation(): HashImplementation {
    return SHA512_ENGINES.current.implementation;
  }

  /**
   * A hasher that continues from a state made by {@link ResumableSha512.save}. Validates the state first.
   * @throws TypeError or RangeError naming the offending field (`state.v`, `state.h[3]`, `state.tail`, …)
   * @example
   * const hasher = ResumableSha512.restore(JSON.parse(savedJson));
   */
  static restore(state: Sha512State): ResumableSha512 {
    const { words, length, tail } = parseMidstate(SHA512_SPEC, state);
    return new ResumableSha512().replaceCore(SHA512_ENGINES.current.create(words, length, tail));
  }

  /**
   * An independent hasher in the same state.
   * @example
   * const fork = hasher.clone().update(extra);
   */
  clone(): ResumableSha512 {
    return new ResumableSha512().replaceCore(this.cloneCore());
  }
}
