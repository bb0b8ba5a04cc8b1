/**
 * The one place that reaches into @noble/hashes' private SHA-256 state. noble has no public API to export or
 * import a SHA-256 midstate, so `ResumableSha256` reads and writes the run-time fields of `_SHA256` listed in
 * {@link NobleSha256Internals}. Those names are not public API: `package.json` pins @noble/hashes to one exact
 * version and {@link assertNobleSha256Layout} runs when this module loads, so an upgrade that moves a field fails
 * at import with a message saying what moved, instead of producing wrong digests.
 * @module
 */
import { _SHA256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  SHA256_BLOCK_BYTES,
  SHA256_IV,
  SHA256_PROBE,
  type Sha256Core,
  type Sha256Engine,
} from './_sha256Core.ts';

/** The @noble/hashes version whose internals this module was written and checked against. */
export const NOBLE_HASHES_VERSION = '2.4.0';

/**
 * The run-time shape of noble's `_SHA256` (TypeScript-`protected` members of `HashMD` and `SHA2_32B` in
 * @noble/hashes 2.4.0): the eight working words through `get()`/`set()`, the total byte count `length`, the
 * number of bytes `pos` buffered in the partial block `buffer`.
 */
export interface NobleSha256Internals {
  get(): number[];
  set(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): void;
  length: number;
  pos: number;
  buffer: Uint8Array;
  readonly blockLen: number;
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleSha256Internals;
}

function layoutError(what: string): Error {
  return new Error(
    `@edgecr/chunker: the internals of @noble/hashes' _SHA256 are not where ResumableSha256 expects them (${what}). ` +
      `ResumableSha256 is written for @noble/hashes ${NOBLE_HASHES_VERSION} exactly: pin that version, ` +
      'or re-check and update packages/chunker/src/_nobleSha256.ts for the new one.',
  );
}

/**
 * Puts a saved midstate into a fresh hasher: the eight words A..H, the total byte count and the 0..63 bytes of
 * the partial block.
 * @internal
 */
export function writeMidstate(
  hash: NobleSha256Internals,
  words: readonly number[],
  length: number,
  tail: Uint8Array,
): void {
  const [a, b, c, d, e, f, g, h] = words as [number, number, number, number, number, number, number, number];
  hash.set(a, b, c, d, e, f, g, h);
  hash.length = length;
  hash.pos = tail.length;
  hash.buffer.set(tail);
}

/**
 * Checks that instances made by `create` expose SHA-256 state the way @noble/hashes 2.4.0 does, both by shape
 * (field names and types) and by behaviour (a midstate copied field by field into a fresh instance digests to
 * the known value). Throws an `Error` naming the first field that differs.
 * @param create - makes a fresh hasher; defaults to noble's `_SHA256`
 * @example
 * assertNobleSha256Layout(); // throws if an @noble/hashes upgrade moved a field
 */
export function assertNobleSha256Layout(create: () => unknown = () => new _SHA256()): void {
  const probe = create() as Partial<NobleSha256Internals> | null;
  if (typeof probe !== 'object' || probe === null)
    throw layoutError('the constructor did not return an object');
  if (typeof probe.get !== 'function') throw layoutError('method "get" missing');
  if (typeof probe.set !== 'function') throw layoutError('method "set" missing');
  if (typeof probe.update !== 'function') throw layoutError('method "update" missing');
  if (typeof probe.digest !== 'function') throw layoutError('method "digest" missing');
  if (typeof probe.clone !== 'function') throw layoutError('method "clone" missing');
  if (probe.blockLen !== SHA256_BLOCK_BYTES)
    throw layoutError(`field "blockLen" is not ${SHA256_BLOCK_BYTES}`);
  if (probe.length !== 0) throw layoutError('field "length" is not 0 on a fresh hasher');
  if (probe.pos !== 0) throw layoutError('field "pos" is not 0 on a fresh hasher');
  if (!(probe.buffer instanceof Uint8Array) || probe.buffer.length !== SHA256_BLOCK_BYTES) {
    throw layoutError(`field "buffer" is not a Uint8Array of ${SHA256_BLOCK_BYTES} bytes`);
  }
  const words = probe.get();
  if (!Array.isArray(words) || words.length !== 8 || words.some((w, i) => w >>> 0 !== SHA256_IV[i])) {
    throw layoutError('"get()" does not return the eight SHA-256 initial words');
  }

  const hasher = probe as NobleSha256Internals;
  const input = SHA256_PROBE.input();
  hasher.update(input);
  if (hasher.length !== input.length)
    throw layoutError(`field "length" is not ${input.length} after ${input.length} bytes`);
  if (hasher.pos !== input.length % SHA256_BLOCK_BYTES)
    throw layoutError('field "pos" does not count buffered bytes');
  if (hasher.buffer[0] !== input.length - 1)
    throw layoutError('field "buffer" does not hold the partial block');

  // Through the very function ResumableSha256.restore uses, so the guard checks what restoring relies on.
  const copy = create() as NobleSha256Internals;
  writeMidstate(copy, hasher.get(), hasher.length, hasher.buffer.subarray(0, hasher.pos));
  if (bytesToHex(copy.digest()) !== SHA256_PROBE.digestHex) {
    throw layoutError(
      'a midstate copied through get/set/length/pos/buffer does not digest to the known value',
    );
  }
}

assertNobleSha256Layout();

/** A noble hasher seen through {@link Sha256Core}. */
class NobleSha256 implements Sha256Core {
  readonly #hash: NobleSha256Internals;

  constructor(hash: NobleSha256Internals) {
    this.#hash = hash;
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  get length(): number {
    return this.#hash.length;
  }

  words(): number[] {
    return this.#hash.get().map((word) => word >>> 0);
  }

  tail(): Uint8Array {
    return this.#hash.buffer.slice(0, this.#hash.pos);
  }

  digest(): Uint8Array {
    return this.#hash.clone().digest();
  }

  clone(): NobleSha256 {
    return new NobleSha256(this.#hash.clone());
  }
}

/**
 * SHA-256 on @noble/hashes: pure JavaScript, so it runs wherever the package does; the reference the wasm
 * implementation is tested against.
 */
export const NOBLE_SHA256: Sha256Engine = {
  implementation: 'noble',
  create(words, length, tail) {
    const hash = new _SHA256() as unknown as NobleSha256Internals;
    writeMidstate(hash, words, length, tail);
    return new NobleSha256(hash);
  },
};
