/**
 * The one place that reaches into @noble/hashes' private SHA-2 state. noble has no public API to export or
 * import a midstate, so `ResumableSha256` and `ResumableSha512` read and write the run-time fields of
 * `_SHA256` and `_SHA512` listed in {@link NobleSha2Internals}. Those names are not public API: `package.json`
 * pins @noble/hashes to one exact version and {@link assertNobleLayout} runs for both when this module loads,
 * so an upgrade that moves a field fails at import with a message saying what moved, instead of producing
 * wrong digests.
 * @module
 */
import { _SHA256, _SHA512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type HashCore, type HashEngine, probeInput, type Sha2Spec } from './_hashCore.ts';
import { SHA256_SPEC, SHA512_SPEC } from './_sha2Specs.ts';

/** The @noble/hashes version whose internals this module was written and checked against. */
export const NOBLE_HASHES_VERSION = '2.4.0';

/**
 * The run-time shape of noble's `_SHA256` and `_SHA512` (TypeScript-`protected` members of `HashMD`,
 * `SHA2_32B` and `SHA2_64B` in @noble/hashes 2.4.0): the working words through `get()`/`set()` (SHA-512's as
 * high/low halves), the total byte count `length`, the number of bytes `pos` buffered in the partial block
 * `buffer`.
 */
export interface NobleSha2Internals {
  get(): number[];
  set(...words: number[]): void;
  length: number;
  pos: number;
  buffer: Uint8Array;
  readonly blockLen: number;
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleSha2Internals;
}

/** noble's class of each variant. */
const NOBLE_CLASSES = new Map<Sha2Spec, { name: string; create: () => unknown }>([
  [SHA256_SPEC, { name: '_SHA256', create: () => new _SHA256() }],
  [SHA512_SPEC, { name: '_SHA512', create: () => new _SHA512() }],
]);

function nobleClass(spec: Sha2Spec): { name: string; create: () => unknown } {
  const found = NOBLE_CLASSES.get(spec);
  if (!found) throw new Error(`no @noble/hashes class for ${spec.name}`);
  return found;
}

function layoutError(spec: Sha2Spec, what: string): Error {
  return new Error(
    `@edgecr/chunker: the internals of @noble/hashes' ${nobleClass(spec).name} are not where ${spec.className} ` +
      `expects them (${what}). ${spec.className} is written for @noble/hashes ${NOBLE_HASHES_VERSION} exactly: ` +
      'pin that version, or re-check and update packages/chunker/src/_nobleSha2.ts for the new one.',
  );
}

/**
 * Puts a saved midstate into a fresh hasher: the working words, the total byte count and the bytes of the
 * partial block.
 * @internal
 */
export function writeMidstate(
  hash: NobleSha2Internals,
  words: readonly number[],
  length: number,
  tail: Uint8Array,
): void {
  hash.set(...words);
  hash.length = length;
  hash.pos = tail.length;
  hash.buffer.set(tail);
}

/**
 * Checks that instances made by `create` expose the state of `spec` the way @noble/hashes 2.4.0 does, both by
 * shape (field names and types) and by behaviour (a midstate copied field by field into a fresh instance
 * digests to the known value). Throws an `Error` naming the first field that differs.
 * @param create - makes a fresh hasher; defaults to noble's class of the variant
 * @example
 * assertNobleLayout(SHA512_SPEC); // throws if an @noble/hashes upgrade moved a field
 */
export function assertNobleLayout(spec: Sha2Spec, create: () => unknown = nobleClass(spec).create): void {
  const fail = (what: string) => layoutError(spec, what);
  const { blockBytes, iv } = spec;
  const probe = create() as Partial<NobleSha2Internals> | null;
  if (typeof probe !== 'object' || probe === null) throw fail('the constructor did not return an object');
  for (const method of ['get', 'set', 'update', 'digest', 'clone'] as const) {
    if (typeof probe[method] !== 'function') throw fail(`method "${method}" missing`);
  }
  if (probe.blockLen !== blockBytes) throw fail(`field "blockLen" is not ${blockBytes}`);
  if (probe.length !== 0) throw fail('field "length" is not 0 on a fresh hasher');
  if (probe.pos !== 0) throw fail('field "pos" is not 0 on a fresh hasher');
  if (!(probe.buffer instanceof Uint8Array) || probe.buffer.length !== blockBytes) {
    throw fail(`field "buffer" is not a Uint8Array of ${blockBytes} bytes`);
  }
  const words = (probe as NobleSha2Internals).get();
  if (!Array.isArray(words) || words.length !== iv.length || words.some((w, i) => w >>> 0 !== iv[i])) {
    throw fail(`"get()" does not return the ${iv.length} ${spec.name} initial words`);
  }

  const hasher = probe as NobleSha2Internals;
  const input = probeInput(spec);
  hasher.update(input);
  if (hasher.length !== input.length)
    throw fail(`field "length" is not ${input.length} after ${input.length} bytes`);
  if (hasher.pos !== input.length % blockBytes) throw fail('field "pos" does not count buffered bytes');
  if (hasher.buffer[0] !== input.length - 1) throw fail('field "buffer" does not hold the partial block');

  // Through the very function restoring uses, so the guard checks what restoring relies on.
  const copy = create() as NobleSha2Internals;
  writeMidstate(copy, hasher.get(), hasher.length, hasher.buffer.subarray(0, hasher.pos));
  if (bytesToHex(copy.digest()) !== spec.probeHex) {
    throw fail('a midstate copied through get/set/length/pos/buffer does not digest to the known value');
  }
}

/** A noble hasher seen through {@link HashCore}. */
class NobleHash implements HashCore {
  readonly #hash: NobleSha2Internals;

  constructor(hash: NobleSha2Internals) {
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

  clone(): NobleHash {
    return new NobleHash(this.#hash.clone());
  }
}

/** The noble engine of `spec`, once its layout guard passed. */
function nobleEngine(spec: Sha2Spec): HashEngine {
  assertNobleLayout(spec);
  const { create } = nobleClass(spec);
  return {
    implementation: 'noble',
    create(words, length, tail) {
      const hash = create() as NobleSha2Internals;
      writeMidstate(hash, words, length, tail);
      return new NobleHash(hash);
    },
  };
}

/**
 * SHA-256 on @noble/hashes: pure JavaScript, so it runs wherever the package does; the reference the wasm
 * implementation is tested against.
 */
export const NOBLE_SHA256: HashEngine = nobleEngine(SHA256_SPEC);

/** SHA-512 on @noble/hashes, as {@link NOBLE_SHA256}. */
export const NOBLE_SHA512: HashEngine = nobleEngine(SHA512_SPEC);
