/**
 * A chunker's options checked against the layer limits, and what follows from them: where parts are cut and
 * where the layer must end at the latest.
 * @module
 */
import { describeValue } from '@edgecr/protocol';
import type { LayerChunkerOptions, LayerLimits } from './layerChunker.ts';
import { ResumableSha256 } from './resumableSha256.ts';

/** The checked options of one chunker. */
export interface LayerPlan {
  readonly partSize: number;
  /** Layer offset of the first byte the chunker is given. */
  readonly startOffset: number;
  /** The layer's size when the caller knows it. */
  readonly totalSize: number | undefined;
  /** The most the layer may grow to: the limit on layer size or on the number of parts, whichever is lower. */
  readonly maxLayerEnd: number;
  /** Where the last part ends: `totalSize` when known, else {@link LayerPlan.maxLayerEnd}. */
  readonly layerEnd: number;
  /** The layer hash at `startOffset`. */
  readonly hasher: ResumableSha256;
  /** The error for a layer of `size` bytes, past {@link LayerPlan.maxLayerEnd}. */
  tooLarge(size: number): RangeError;
}

function integerOption(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`"${name}" expected number, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`"${name}" expected integer ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * Checks `options` against `limits`, in the order the errors are documented: `partSize`, `hashState`,
 * `startOffset`, then the layer's size.
 * @throws TypeError for an option of the wrong type; RangeError for one out of bounds, a `hashState` that does
 *   not match `startOffset`, or a layer that cannot fit the limits.
 */
export function planLayer(options: LayerChunkerOptions, limits: LayerLimits): LayerPlan {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`"options" expected object, got ${describeValue(options)}`);
  }
  const partSize = integerOption(options.partSize, 'partSize', limits.minPartBytes, limits.maxPartBytes);
  const { hashState } = options;
  const hasher = hashState === undefined ? new ResumableSha256() : ResumableSha256.restore(hashState);
  const startOffset =
    options.startOffset === undefined
      ? hasher.length
      : integerOption(options.startOffset, 'startOffset', 0, limits.maxLayerBytes);
  if (hasher.length !== startOffset) {
    throw hashState === undefined
      ? new TypeError(
          `"hashState" is required to start at "startOffset" ${startOffset}: the layer hash needs it`,
        )
      : new RangeError(`"hashState.length" (${hasher.length}) must equal "startOffset" (${startOffset})`);
  }

  // Bytes before startOffset count as whole parts already uploaded, so a resumed layer gets the same limit.
  const partsBefore = Math.ceil(startOffset / partSize);
  const maxLayerEnd = Math.min(
    limits.maxLayerBytes,
    startOffset + (limits.maxParts - partsBefore) * partSize,
  );
  const tooLarge = (size: number): RangeError =>
    size > limits.maxLayerBytes
      ? new RangeError(
          `layer of ${size} bytes exceeds the largest layer, MAX_LAYER_BYTES = ${limits.maxLayerBytes}`,
        )
      : new RangeError(
          `layer of ${size} bytes needs ${partsBefore + Math.ceil((size - startOffset) / partSize)} parts of ` +
            `"partSize" ${partSize} bytes, more than MAX_LAYER_PARTS = ${limits.maxParts}; use a larger "partSize"`,
        );
  if (startOffset > maxLayerEnd) throw tooLarge(startOffset);
  const totalSize =
    options.totalSize === undefined
      ? undefined
      : integerOption(options.totalSize, 'totalSize', startOffset, Number.MAX_SAFE_INTEGER);
  if (totalSize !== undefined && totalSize > maxLayerEnd) throw tooLarge(totalSize);
  return {
    partSize,
    startOffset,
    totalSize,
    maxLayerEnd,
    layerEnd: totalSize ?? maxLayerEnd,
    hasher,
    tooLarge,
  };
}
