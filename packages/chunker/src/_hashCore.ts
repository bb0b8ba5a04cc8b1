/**
 * What a resumable SHA-2 hasher needs from an implementation, whatever the variant (SHA-256 or SHA-512). Two
 * implement it for each variant: @noble/hashes (`_nobleSha2.ts`, pure JavaScript, runs everywhere) and a
 * WebAssembly compression function (`_wasmHash.ts`). Their midstates are the same three values, so a state
 * saved by one restores in the other.
 * @module
 */

/**
 * One SHA-2 variant as the shared code sees it. The working words are uint32: SHA-256's eight, or SHA-512's
 * eight 64-bit words as sixteen halves (high half first, @noble/hashes' order), so the digest is the words
 * written big-endian in both.
 */
export interface Sha2Spec {
  /** `'SHA-256'` or `'SHA-512'`, for messages. */
  readonly name: string;
  /** The class `ResumableSha…` that uses it, for messages. */
  readonly className: string;
  /** Block size in bytes (FIPS 180-4 §5.1): 64 or 128. */
  readonly blockBytes: number;
  /** Initial hash value H(0) (FIPS 180-4 §5.3) as uint32 words. */
  readonly iv: readonly number[];
  /**
   * A known answer every implementation is checked against when it loads: the digest of the
   * `blockBytes + 1` bytes 0, 1, 2, … (checked with node:crypto): one whole block then one buffered byte, so it
   * crosses a block boundary and leaves a partial block to carry over.
   */
  readonly probeHex: string;
}

/** The probe input of a {@link Sha2Spec}: `blockBytes + 1` bytes counting up from 0. */
export function probeInput(spec: Sha2Spec): Uint8Array {
  return new Uint8Array(spec.blockBytes + 1).map((_, i) => i);
}

/**
 * A streaming SHA-2 whose midstate can be read: the working words after the last whole block, the byte
 * count, and the bytes of the partial block (`length % blockBytes` of them).
 */
export interface HashCore {
  /** Hashes `data` after everything hashed so far; `data` is read, never kept. */
  update(data: Uint8Array): void;
  /** Number of bytes hashed so far. */
  readonly length: number;
  /** The working words after the last whole block, as uint32. */
  words(): number[];
  /** A copy of the partial block. */
  tail(): Uint8Array;
  /** The digest of everything hashed so far; the hasher can go on after. */
  digest(): Uint8Array;
  /** An independent hasher in the same state. */
  clone(): HashCore;
}

/** Which implementation computes a hasher's blocks. */
export type HashImplementation = 'wasm' | 'noble';

/** Makes hashers of one implementation, fresh or continuing from a midstate. */
export interface HashEngine {
  readonly implementation: HashImplementation;
  /** A hasher continuing from `words`, `length` and `tail` (a fresh one from the IV, 0, empty). */
  create(words: readonly number[], length: number, tail: Uint8Array): HashCore;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether `engine` computes the variant: the probe digested from a fresh hasher. */
export function passesProbe(spec: Sha2Spec, engine: HashEngine): boolean {
  const probe = engine.create(spec.iv, 0, new Uint8Array(0));
  probe.update(probeInput(spec));
  return toHex(probe.digest()) === spec.probeHex;
}
