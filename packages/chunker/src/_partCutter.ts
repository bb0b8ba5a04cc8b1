/**
 * The cutting itself: layer bytes in, parts of `partSize` out, each hashed as it goes out.
 * @module
 */
import { describeValue } from '@edgecr/protocol';
import { isBytes } from '@noble/hashes/utils.js';
import type { LayerPlan } from './_layerPlan.ts';
import type { LayerPart, LayerSummary } from './layerChunker.ts';
import { formatSha256Digest } from './resumableSha256.ts';

/**
 * Cuts the chunks it is given into {@link LayerPart}s along a {@link LayerPlan}, holding at most one part being
 * assembled. A part that lies inside one chunk is a view of it; one that spans chunks is copied once.
 */
export class PartCutter {
  readonly #plan: LayerPlan;
  /** Layer offset after the last byte written. */
  #received: number;
  /** Layer offset of the first byte not yet in an emitted part. */
  #nextByte: number;
  /** The part being assembled from several chunks; allocated only when a part straddles chunks. */
  #pending: Uint8Array | undefined;
  #pendingLength = 0;

  constructor(plan: LayerPlan) {
    this.#plan = plan;
    this.#received = plan.startOffset;
    this.#nextByte = plan.startOffset;
  }

  /** Layer offset of the first byte not yet in an emitted part. */
  get nextByte(): number {
    return this.#nextByte;
  }

  /** Bytes held for the part being assembled. */
  get bufferedBytes(): number {
    return this.#pendingLength;
  }

  /**
   * Takes one chunk, emitting every part it completes.
   * @throws TypeError for a chunk that is not bytes; RangeError when the layer grows past its size or limits.
   */
  write(chunk: unknown, emit: (part: LayerPart) => void): void {
    if (!isBytes(chunk))
      throw new TypeError(`layer stream chunks expected Uint8Array, got ${describeValue(chunk)}`);
    const { totalSize, maxLayerEnd } = this.#plan;
    const end = this.#received + chunk.length;
    if (totalSize !== undefined && end > totalSize) {
      throw new RangeError(`layer stream is longer than "totalSize" ${totalSize}: got at least ${end} bytes`);
    }
    if (end > maxLayerEnd) throw this.#plan.tooLarge(end);
    this.#received = end;

    const length = chunk.length;
    let pos = 0;
    if (this.#pending !== undefined) {
      const pending = this.#pending;
      const take = Math.min(pending.length - this.#pendingLength, length);
      pending.set(take === length ? chunk : chunk.subarray(0, take), this.#pendingLength);
      this.#pendingLength += take;
      pos = take;
      if (this.#pendingLength < pending.length) return;
      this.#pending = undefined;
      this.#pendingLength = 0;
      this.#emit(pending, emit);
    }
    // Whole parts inside this chunk go out as views: no copy.
    for (let want = this.#partLength(); want > 0 && length - pos >= want; want = this.#partLength()) {
      this.#emit(chunk.subarray(pos, pos + want), emit);
      pos += want;
    }
    if (pos < length) {
      this.#pending = new Uint8Array(this.#partLength());
      this.#pending.set(pos === 0 ? chunk : chunk.subarray(pos));
      this.#pendingLength = length - pos;
    }
  }

  /**
   * The layer ended: emits the last, short part if one is being assembled.
   * @throws RangeError when the layer is shorter than a known `totalSize`.
   */
  end(emit: (part: LayerPart) => void): void {
    const { totalSize } = this.#plan;
    if (totalSize !== undefined && this.#received !== totalSize) {
      throw new RangeError(
        `layer stream ended after ${this.#received} bytes, short of "totalSize" ${totalSize}`,
      );
    }
    if (this.#pending !== undefined) {
      const part = this.#pending.subarray(0, this.#pendingLength);
      this.#pending = undefined;
      this.#pendingLength = 0;
      this.#emit(part, emit);
    }
  }

  /** The layer's digest and size, once {@link PartCutter.end} has emitted the last part. */
  summary(): LayerSummary {
    return { digest: formatSha256Digest(this.#plan.hasher.digest()), size: this.#nextByte };
  }

  /** Length of the part starting at nextByte; shorter than partSize only for a last part of known size. */
  #partLength(): number {
    return Math.min(this.#plan.partSize, this.#plan.layerEnd - this.#nextByte);
  }

  #emit(bytes: Uint8Array, emit: (part: LayerPart) => void): void {
    // Hashing each part whole at the moment it is emitted keeps the hasher exactly at a part boundary, so every
    // part can carry the state to resume after it.
    const { hasher } = this.#plan;
    hasher.update(bytes);
    const partFirstByte = this.#nextByte;
    this.#nextByte += bytes.length;
    emit({ partFirstByte, partLastByte: this.#nextByte - 1, bytes, hashState: hasher.save() });
  }
}
