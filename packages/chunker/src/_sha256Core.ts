/**
 * What `ResumableSha256` needs from a SHA-256 implementation, and the constants both implementations share.
 * Two implement it: @noble/hashes (`_nobleSha256.ts`, pure JavaScript, runs everywhere) and the WebAssembly
 * compression function (`_wasmSha256.ts`). Their midstates are the same three values, so a state saved by one
 * restores in the other.
 * @module
 */

/** SHA-256 block size in bytes (FIPS 180-4 §5.1.1). */
export const SHA256_BLOCK_BYTES = 64;

/** Initial hash value H(0) of SHA-256 (FIPS 180-4 §5.3.3), as uint32 words. */
export const SHA256_IV: readonly number[] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/**
 * A known answer both implementations are checked against when they load: SHA-256 of the 65 bytes 0x00..0x40
 * (checked with node:crypto), one whole block then one buffered byte, so it crosses a block boundary and leaves
 * a partial block to carry over.
 */
export const SHA256_PROBE = {
  input: (): Uint8Array => new Uint8Array(65).map((_, i) => i),
  digestHex: '4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781',
} as const;

/**
 * A streaming SHA-256 whose midstate can be read: the eight words A..H after the last whole block, the byte
 * count, and the bytes of the partial block (`length % 64` of them).
 */
export interface Sha256Core {
  /** Hashes `data` after everything hashed so far; `data` is read, never kept. */
  update(data: Uint8Array): void;
  /** Number of bytes hashed so far. */
  readonly length: number;
  /** H0..H7 after the last whole block, as uint32. */
  words(): number[];
  /** A copy of the partial block. */
  tail(): Uint8Array;
  /** The digest of everything hashed so far; the hasher can go on after. */
  digest(): Uint8Array;
  /** An independent hasher in the same state. */
  clone(): Sha256Core;
}

/** Which implementation computes a hasher's blocks. */
export type Sha256Implementation = 'wasm' | 'noble';

/** Makes hashers of one implementation, fresh or continuing from a midstate. */
export interface Sha256Engine {
  readonly implementation: Sha256Implementation;
  /** A hasher continuing from `words`, `length` and `tail` (a fresh one from {@link SHA256_IV}, 0, empty). */
  create(words: readonly number[], length: number, tail: Uint8Array): Sha256Core;
}
