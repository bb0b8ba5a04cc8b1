/**
 * A streaming SHA-256 whose midstate can be saved as a small JSON value and restored later, in another request,
 * isolate or page load. Computed by WebAssembly where the runtime runs it, by @noble/hashes otherwise (see
 * `_sha256Engine.ts`); the saved state is the same either way.
 * @module
 */
import { decodeBase64, describeValue, encodeBase64 } from '@edgecr/protocol';
import { bytesToHex, isBytes } from '@noble/hashes/utils.js';
import { SHA256_BLOCK_BYTES, SHA256_IV, type Sha256Core, type Sha256Implementation } from './_sha256Core.ts';
import { sha256Engine, useSha256Wasm } from './_sha256Engine.ts';

/**
 * JSON-serialisable SHA-256 midstate: everything needed to go on hashing where an earlier hasher stopped.
 * At most about 220 bytes as JSON. It reveals the length of the input and up to 63 of its last bytes (`tail`): treat
 * it like the data it summarises.
 * @example
 * const state: Sha256State = JSON.parse(saved);
 * const hasher = ResumableSha256.restore(state);
 */
export interface Sha256State {
  /** Format version, always 1. */
  v: 1;
  /** The eight working words A..H (FIPS 180-4 H(i)) after the last whole 64-byte block, as uint32. */
  h: number[];
  /** Number of bytes hashed so far. */
  length: number;
  /** Base64 (standard alphabet, padded) of the `length % 64` bytes after the last whole block. */
  tail: string;
}

/** Length in bytes of a SHA-256 digest. */
export const SHA256_DIGEST_BYTES = 32;

const UINT32_MAX = 0xffffffff;

/** Decodes `state.tail`, which must be the one canonical (padded, zero padding bits) base64 of its bytes. */
function decodeTail(text: string, field: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch (error) {
    throw new TypeError(`"${field}" expected base64 (canonical, padded): ${(error as Error).message}`);
  }
}

/**
 * Checks that `value` is a well-formed {@link Sha256State} and returns its decoded parts. Throws a `TypeError`
 * for a wrong type and a `RangeError` for a wrong value, each naming the field.
 */
function parseSha256State(value: unknown): { words: number[]; length: number; tail: Uint8Array } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`"state" expected a Sha256State object, got ${describeValue(value)}`);
  }
  const state = value as Record<string, unknown>;
  if (typeof state.v !== 'number')
    throw new TypeError(`"state.v" expected number 1, got ${describeValue(state.v)}`);
  if (state.v !== 1) throw new RangeError(`"state.v" expected 1 (the only format version), got ${state.v}`);
  const { h, length, tail } = state;
  if (!Array.isArray(h))
    throw new TypeError(`"state.h" expected an array of 8 uint32 words, got ${describeValue(h)}`);
  if (h.length !== 8) throw new RangeError(`"state.h" expected 8 words, got ${h.length}`);
  for (let i = 0; i < 8; i++) {
    const word: unknown = h[i];
    if (typeof word !== 'number')
      throw new TypeError(`"state.h[${i}]" expected number, got ${describeValue(word)}`);
    if (!Number.isInteger(word) || word < 0 || word > UINT32_MAX) {
      throw new RangeError(`"state.h[${i}]" expected integer 0..${UINT32_MAX}, got ${word}`);
    }
  }
  if (typeof length !== 'number')
    throw new TypeError(`"state.length" expected number, got ${describeValue(length)}`);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`"state.length" expected integer 0..${Number.MAX_SAFE_INTEGER}, got ${length}`);
  }
  if (typeof tail !== 'string')
    throw new TypeError(`"state.tail" expected base64 string, got ${describeValue(tail)}`);
  const tailBytes = decodeTail(tail, 'state.tail');
  if (tailBytes.length !== length % SHA256_BLOCK_BYTES) {
    throw new RangeError(
      `"state.tail" expected ${length % SHA256_BLOCK_BYTES} bytes (state.length % 64), got ${tailBytes.length}`,
    );
  }
  return { words: h as number[], length, tail: tailBytes };
}

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
export class ResumableSha256 {
  #hash: Sha256Core;

  /** A hasher of the empty input. */
  constructor() {
    this.#hash = sha256Engine().create(SHA256_IV, 0, new Uint8Array(0));
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
    useSha256Wasm(module);
  }

  /**
   * Which implementation new hashers use: `'wasm'` (WebAssembly) or `'noble'` (@noble/hashes, where
   * WebAssembly cannot run or has not been handed over).
   */
  static get implementation(): Sha256Implementation {
    return sha256Engine().implementation;
  }

  /**
   * A hasher that continues from a state made by {@link ResumableSha256.save}. Validates the state first.
   * @throws TypeError or RangeError naming the offending field (`state.v`, `state.h[3]`, `state.tail`, …)
   * @example
   * const hasher = ResumableSha256.restore(JSON.parse(savedJson));
   */
  static restore(state: Sha256State): ResumableSha256 {
    const { words, length, tail } = parseSha256State(state);
    const restored = new ResumableSha256();
    restored.#hash = sha256Engine().create(words, length, tail);
    return restored;
  }

  /**
   * Hashes `bytes` after everything hashed so far. The bytes are read, never kept.
   * @example
   * hasher.update(chunk);
   */
  update(bytes: Uint8Array): this {
    if (!isBytes(bytes)) throw new TypeError(`"bytes" expected Uint8Array, got ${describeValue(bytes)}`);
    this.#hash.update(bytes);
    return this;
  }

  /** Number of bytes hashed so far. */
  get length(): number {
    return this.#hash.length;
  }

  /**
   * The current midstate as a JSON-serialisable value. The hasher is not disturbed and can go on.
   * @example
   * localStorage.setItem(key, JSON.stringify(hasher.save()));
   */
  save(): Sha256State {
    const hash = this.#hash;
    return { v: 1, h: hash.words(), length: hash.length, tail: encodeBase64(hash.tail()) };
  }

  /**
   * The 32-byte SHA-256 of everything hashed so far. Works on a copy: the hasher can keep updating after.
   * @example
   * const digest = hasher.digest();
   */
  digest(): Uint8Array {
    return this.#hash.digest();
  }

  /**
   * Lowercase hex of {@link ResumableSha256.digest}.
   * @example
   * `sha256:${hasher.digestHex()}`;
   */
  digestHex(): string {
    return bytesToHex(this.digest());
  }

  /**
   * An independent hasher in the same state.
   * @example
   * const fork = hasher.clone().update(extra);
   */
  clone(): ResumableSha256 {
    const copy = new ResumableSha256();
    copy.#hash = this.#hash.clone();
    return copy;
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
