/**
 * What `ResumableSha256` and `ResumableSha512` share: a hasher over a {@link HashCore} whose midstate saves
 * as JSON. Each subclass adds its own construction, `restore` and engine selection.
 * @module
 */
import { describeValue } from '@edgecr/protocol';
import { bytesToHex, isBytes } from '@noble/hashes/utils.js';
import type { HashCore } from './_hashCore.ts';
import { type HashState, saveMidstate } from './_midstate.ts';

/** A streaming SHA-2 whose midstate can be saved and restored; see `ResumableSha256`. */
export abstract class ResumableHash {
  #hash: HashCore;

  protected constructor(hash: HashCore) {
    this.#hash = hash;
  }

  /** Replaces the hasher's state (for `restore` and `clone` of the subclasses). */
  protected replaceCore(hash: HashCore): this {
    this.#hash = hash;
    return this;
  }

  /** A copy of the hasher's state. */
  protected cloneCore(): HashCore {
    return this.#hash.clone();
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
  save(): HashState {
    return saveMidstate(this.#hash);
  }

  /**
   * The digest of everything hashed so far. Works on a copy: the hasher can keep updating after.
   * @example
   * const digest = hasher.digest();
   */
  digest(): Uint8Array {
    return this.#hash.digest();
  }

  /**
   * Lowercase hex of {@link ResumableHash.digest}.
   * @example
   * `sha256:${hasher.digestHex()}`;
   */
  digestHex(): string {
    return bytesToHex(this.digest());
  }
}
