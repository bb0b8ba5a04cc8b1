/**
 * The saved form of a SHA-2 midstate, shared by `ResumableSha256` and `ResumableSha512`: the working words,
 * the byte count and the partial block as base64, checked field by field when restored.
 * @module
 */
import { decodeBase64, describeValue, encodeBase64 } from '@edgecr/protocol';
import type { HashCore, Sha2Spec } from './_hashCore.ts';

/**
 * JSON-serialisable SHA-2 midstate: everything needed to go on hashing where an earlier hasher stopped. It
 * reveals the length of the input and up to one block of its last bytes (`tail`): treat it like the data it
 * summarises.
 */
export interface HashState {
  /** Format version, always 1. */
  v: 1;
  /** The working words (FIPS 180-4 H(i)) after the last whole block, as uint32. */
  h: number[];
  /** Number of bytes hashed so far. */
  length: number;
  /** Base64 (standard alphabet, padded) of the `length % blockBytes` bytes after the last whole block. */
  tail: string;
}

/** A midstate's decoded parts. */
export interface Midstate {
  words: number[];
  length: number;
  tail: Uint8Array;
}

const UINT32_MAX = 0xffffffff;

/** The saved form of a hasher's state. */
export function saveMidstate(hash: HashCore): HashState {
  return { v: 1, h: hash.words(), length: hash.length, tail: encodeBase64(hash.tail()) };
}

/** Decodes `state.tail`, which must be the one canonical (padded, zero padding bits) base64 of its bytes. */
function decodeTail(text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch (error) {
    throw new TypeError(`"state.tail" expected base64 (canonical, padded): ${(error as Error).message}`);
  }
}

function checkWords(h: unknown, count: number): number[] {
  if (!Array.isArray(h))
    throw new TypeError(`"state.h" expected an array of ${count} uint32 words, got ${describeValue(h)}`);
  if (h.length !== count) throw new RangeError(`"state.h" expected ${count} words, got ${h.length}`);
  for (let i = 0; i < count; i++) {
    const word: unknown = h[i];
    if (typeof word !== 'number')
      throw new TypeError(`"state.h[${i}]" expected number, got ${describeValue(word)}`);
    if (!Number.isInteger(word) || word < 0 || word > UINT32_MAX) {
      throw new RangeError(`"state.h[${i}]" expected integer 0..${UINT32_MAX}, got ${word}`);
    }
  }
  return h as number[];
}

/**
 * Checks that `value` is a well-formed midstate of `spec` and returns its decoded parts. Throws a `TypeError`
 * for a wrong type and a `RangeError` for a wrong value, each naming the field.
 */
export function parseMidstate(spec: Sha2Spec, value: unknown): Midstate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`"state" expected a ${spec.className} state object, got ${describeValue(value)}`);
  }
  const state = value as Record<string, unknown>;
  if (typeof state.v !== 'number')
    throw new TypeError(`"state.v" expected number 1, got ${describeValue(state.v)}`);
  if (state.v !== 1) throw new RangeError(`"state.v" expected 1 (the only format version), got ${state.v}`);
  const { length, tail } = state;
  const words = checkWords(state.h, spec.iv.length);
  if (typeof length !== 'number')
    throw new TypeError(`"state.length" expected number, got ${describeValue(length)}`);
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`"state.length" expected integer 0..${Number.MAX_SAFE_INTEGER}, got ${length}`);
  }
  if (typeof tail !== 'string')
    throw new TypeError(`"state.tail" expected base64 string, got ${describeValue(tail)}`);
  const tailBytes = decodeTail(tail);
  const { blockBytes } = spec;
  if (tailBytes.length !== length % blockBytes) {
    throw new RangeError(
      `"state.tail" expected ${length % blockBytes} bytes (state.length % ${blockBytes}), got ${tailBytes.length}`,
    );
  }
  return { words, length, tail: tailBytes };
}
