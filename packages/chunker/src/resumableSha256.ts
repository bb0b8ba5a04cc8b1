/**
 * A streaming SHA-256 whose midstate can be saved as a small JSON value and restored later, in another request,
 * isolate or page load. Computed by WebAssembly where the runtime runs it, by @noble/hashes otherwise (see
 * `_engineSlot.ts`); the saved state is the same either way.
 * @module
 */
import { describeValue } from '@edgecr/protocol';
import { bytesToHex, isBytes } from '@noble/hashes/utils.js';
import { SHA256_ENGINES } from './_engines.ts';
import type { HashImplementation } from './_hashCore.ts';
import { type HashState, parseMidstate } from './_midstate.ts';
import { ResumableHash } from './_resumableHash.ts';
import { SHA256_SPEC } from './_sha2Specs.ts';

/**
 * JSON-serialisable SHA-256 midstate: everything needed to go on hashing where an earlier hasher stopped.
 * At most about 220 bytes as JSON: `h` holds the eight working words A..H (FIPS 180-4 H(i)) as uint32, `tail`
 * the `length % 64` bytes after the last whole block. It reveals the length of the input and up to 63 of its
 * last bytes: treat it like the data it summarises.
 * @example
 * const state: Sha256State = JSON.parse(saved);
 * const hasher = ResumableSha256.restore(state);
 */
export type Sha256State = HashState;

/** Length in bytes of a SHA-256 digest. */
export const SHA256_DIGEST_BYTES = 32;

/**
 * Streaming SHA-256 (FIPS 180-4) that can {@link ResumableSha256.save | save} its midstate as JSON and
 * {@link ResumableSha256.restore | restore} it, so a layer's digest can be carried across UploadLayerPart
 * requests or browser reloads without re-reading the bytes already hashed.
 * @example
 * const a = new ResumableSha256().update(firstPart);
 * const saved = JSON.stringify(a.save());
 * // …later, anywhere:
 * const b = ResumableSha256.restore(JSON.parse(saved)).update(secondPart);
 * formatSha256Digest(b.digest()); // 'sha256:…' of firstPart + secondPart
 */
export class ResumableSha256 extends ResumableHash {
  /** A hasher of the empty input. */
  constructor() {
    super(SHA256_ENGINES.current.create(SHA256_SPEC.iv, 0, new Uint8Array(0)));
  }

  /**
   * Makes hashers created from now on compute with `module`, the compiled `sha256.wasm` of this package. Needed
   * where WebAssembly cannot be compiled at run time (Cloudflare Workers), so the Worker bundles the file and
   * hands it over once; elsewhere the package compiles it by itself. Hashers already made keep their engine.
   * @throws TypeError when `module` is not the compiled `sha256.wasm`
   * @example
   * import sha256Wasm from '@edgecr/chunker/sha256.wasm';
   * ResumableSha256.useWasm(sha256Wasm);
   */
  static useWasm(module: WebAssembly.Module): void {
    SHA256_ENGINES.useWasm(module);
  }

  /**
   * Which implementation new hashers use: `'wasm'` (WebAssembly) or `'noble'` (@noble/hashes, where
   * WebAssembly cannot run or has not been handed over).
   */
  static get implementation(): HashImplementation {
    return SHA256_ENGINES.current.implementation;
  }

  /**
   * A hasher that continues from a state made by {@link ResumableSha256.save}. Validates the state first.
   * @throws TypeError or RangeError naming the offending field (`state.v`, `state.h[3]`, `state.tail`, …)
   * @example
   * const hasher = ResumableSha256.restore(JSON.parse(savedJson));
   */
  static restore(state: Sha256State): ResumableSha256 {
    const { words, length, tail } = parseMidstate(SHA256_SPEC, state);
    return new ResumableSha256().replaceCore(SHA256_ENGINES.current.create(words, length, tail));
  }

  /**
   * An independent hasher in the same state.
   * @example
   * const fork = hasher.clone().update(extra);
   */
  clone(): ResumableSha256 {
    return new ResumableSha256().replaceCore(this.cloneCore());
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The OCI/ECR spelling of a SHA-256 digest: `'sha256:'` followed by 64 lowercase hex digits. Takes either the
 * 32 digest bytes or their hex (upper case is lowered).
 * @throws TypeError or RangeError when the input is not a SHA-256 digest
 * @example
 * formatSha256Digest(hasher.digest()); // 'sha256:e3b0c442…'
 * formatSha256Digest('E3B0C442…');     // 'sha256:e3b0c442…'
 */
export function formatSha256Digest(digest: Uint8Array | string): string {
  if (typeof digest === 'string') {
    const hex = digest.toLowerCase();
    if (!SHA256_HEX.test(hex))
      throw new RangeError(`"digest" expected 64 hex digits, got ${describeValue(digest)}`);
    return `sha256:${hex}`;
  }
  if (!isBytes(digest))
    throw new TypeError(`"digest" expected Uint8Array or hex string, got ${describeValue(digest)}`);
  if (digest.length !== SHA256_DIGEST_BYTES) {
    throw new RangeError(`"digest" expected ${SHA256_DIGEST_BYTES} bytes, got ${digest.length}`);
  }
  return `sha256:${bytesToHex(digest)}`;
}
