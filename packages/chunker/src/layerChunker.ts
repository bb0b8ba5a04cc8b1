/**
 * Cuts a layer's byte stream into UploadLayerPart-sized parts and computes the layer's SHA-256 in the same pass.
 * @module
 */
import {
  describeValue,
  MAX_LAYER_BYTES,
  MAX_LAYER_PART_BYTES,
  MAX_LAYER_PARTS,
  MIN_LAYER_PART_BYTES,
} from '@edgecr/protocol';
import { isBytes } from '@noble/hashes/utils.js';
import { formatSha256Digest, ResumableSha256, type Sha256State } from './resumableSha256.ts';

/**
 * One layer part, ready for UploadLayerPart. The chunker never touches `bytes` again once the part is enqueued:
 * the consumer owns it until it is done uploading.
 */
export interface LayerPart {
  /** Offset in the layer of the part's first byte. */
  partFirstByte: number;
  /** Offset in the layer of the part's last byte, inclusive (UploadLayerPart's convention). */
  partLastByte: number;
  /** The part's bytes: `partLastByte - partFirstByte + 1` of them. May be a view into an input chunk. */
  bytes: Uint8Array;
  /**
   * The layer's hash state after `partLastByte`. Once the part is uploaded, keep `partLastByte + 1` and this
   * state: together they are what `createLayerChunker({ startOffset, hashState })` resumes from.
   */
  hashState: Sha256State;
}

/** What identifies a whole layer: its digest and size. */
export interface LayerSummary {
  /** `'sha256:'` and 64 lowercase hex digits. */
  digest: string;
  /** Size of the whole layer in bytes (bytes before `startOffset` included). */
  size: number;
}

/** Options of {@link createLayerChunker}. */
export interface LayerChunkerOptions {
  /**
   * Size of every part but the last, in bytes: an integer from MIN_LAYER_PART_BYTES (5 MiB) to
   * MAX_LAYER_PART_BYTES (20,971,520), both from `@edgecr/protocol`. The last part may be shorter.
   */
  partSize: number;
  /**
   * Layer offset of the first byte written to the chunker, to continue a layer where an earlier run stopped.
   * Defaults to `hashState.length`, or 0. Parts are cut every `partSize` bytes from here.
   */
  startOffset?: number;
  /** The layer's hash state at `startOffset` (a part's `hashState`, or `ResumableSha256#save()`). */
  hashState?: Sha256State;
  /**
   * Size of the whole layer, when known (e.g. `File.size`). The chunker then refuses at once a layer over the
   * limits, emits the last part as soon as its bytes arrive, and errors if the stream is longer or shorter.
   */
  totalSize?: number;
}

/**
 * A transform from layer bytes to {@link LayerPart}s. Use it with `pipeThrough`; backpressure flows through it
 * (a consumer that stops reading stops the source), and it holds at most one part being assembled.
 */
export interface LayerChunker extends ReadableWritablePair<LayerPart, Uint8Array> {
  readonly readable: ReadableStream<LayerPart>;
  readonly writable: WritableStream<Uint8Array>;
  /**
   * The layer's digest and size. Settles once the last part is enqueued (the consumer may not have read it yet);
   * rejects with the reason if the stream errors, is aborted or is cancelled first.
   */
  readonly summary: Promise<LayerSummary>;
  /** The layer hash state at {@link LayerChunker.nextByte}: the end of the last part enqueued. */
  hashState(): Sha256State;
  /** Layer offset of the first byte not yet enqueued in a part (`startOffset` before the first part). */
  readonly nextByte: number;
  /** Bytes copied into the part being assembled and not yet enqueued (always less than `partSize`). */
  readonly bufferedBytes: number;
}

/** The limits a chunker enforces. The public API always uses ECR's, from `@edgecr/protocol`. */
export interface LayerLimits {
  minPartBytes: number;
  maxPartBytes: number;
  maxParts: number;
  maxLayerBytes: number;
}

/** ECR's layer limits, from `@edgecr/protocol`. */
export const ECR_LAYER_LIMITS: Readonly<LayerLimits> = Object.freeze({
  minPartBytes: MIN_LAYER_PART_BYTES,
  maxPartBytes: MAX_LAYER_PART_BYTES,
  maxParts: MAX_LAYER_PARTS,
  maxLayerBytes: MAX_LAYER_BYTES,
});

function integerOption(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`"${name}" expected number, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`"${name}" expected integer ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * Creates a chunker that enforces `limits` instead of ECR's. For tests and for stores with other limits;
 * applications use {@link createLayerChunker}.
 * @internal
 */
export function createChunkerWithLimits(options: LayerChunkerOptions, limits: LayerLimits): LayerChunker {
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
  const layerEnd = totalSize ?? maxLayerEnd;

  let received = startOffset;
  let nextByte = startOffset;
  // The part being assembled from several chunks; allocated only when a part straddles chunks.
  let pending: Uint8Array | undefined;
  let pendingLength = 0;

  let resolveSummary!: (summary: LayerSummary) => void;
  let rejectSummary!: (reason: unknown) => void;
  const summary = new Promise<LayerSummary>((resolve, reject) => {
    resolveSummary = resolve;
    rejectSummary = reject;
  });
  // A caller that only reads parts must not get an unhandled rejection; awaiting `summary` still rejects.
  summary.catch(() => {});

  // A writable/readable pair wired like a TransformStream (Streams spec §6: the same backpressure flag, set when
  // the part queue is full and cleared by the consumer's pull), but built only from hooks every runtime has had
  // for years. workerd reports a spurious unhandled rejection when a TransformStream with a `cancel` transformer
  // is cancelled mid-pipe, and `summary` needs that cancel.
  let readableController!: ReadableStreamDefaultController<LayerPart>;
  let writableController!: WritableStreamDefaultController;
  let backpressure = true;
  let wakeWriter: (() => void) | undefined;
  let stopped = false;
  let stopReason: unknown;

  const stop = (reason: unknown): void => {
    if (stopped) return;
    stopped = true;
    stopReason = reason;
    rejectSummary(reason);
    wakeWriter?.();
  };

  const enqueuePart = (bytes: Uint8Array): void => {
    // Hashing each part whole at the moment it is enqueued keeps the hasher exactly at a part boundary, so every
    // part can carry the state to resume after it.
    hasher.update(bytes);
    const partFirstByte = nextByte;
    nextByte += bytes.length;
    readableController.enqueue({
      partFirstByte,
      partLastByte: nextByte - 1,
      bytes,
      hashState: hasher.save(),
    });
    if ((readableController.desiredSize ?? 0) <= 0) backpressure = true;
  };

  // Length of the part starting at nextByte; shorter than partSize only for a last part of known size.
  const currentPartLength = (): number => Math.min(partSize, layerEnd - nextByte);

  const transform = (chunk: Uint8Array): void => {
    if (!isBytes(chunk))
      throw new TypeError(`layer stream chunks expected Uint8Array, got ${describeValue(chunk)}`);
    const end = received + chunk.length;
    if (totalSize !== undefined && end > totalSize) {
      throw new RangeError(`layer stream is longer than "totalSize" ${totalSize}: got at least ${end} bytes`);
    }
    if (end > maxLayerEnd) throw tooLarge(end);
    received = end;

    const length = chunk.length;
    let pos = 0;
    if (pending !== undefined) {
      const take = Math.min(pending.length - pendingLength, length);
      pending.set(take === length ? chunk : chunk.subarray(0, take), pendingLength);
      pendingLength += take;
      pos = take;
      if (pendingLength < pending.length) return;
      const part = pending;
      pending = undefined;
      pendingLength = 0;
      enqueuePart(part);
    }
    // Whole parts inside this chunk go out as views: no copy.
    for (let want = currentPartLength(); want > 0 && length - pos >= want; want = currentPartLength()) {
      enqueuePart(chunk.subarray(pos, pos + want));
      pos += want;
    }
    if (pos < length) {
      pending = new Uint8Array(currentPartLength());
      pending.set(pos === 0 ? chunk : chunk.subarray(pos));
      pendingLength = length - pos;
    }
  };

  const flush = (): void => {
    if (totalSize !== undefined && received !== totalSize) {
      throw new RangeError(`layer stream ended after ${received} bytes, short of "totalSize" ${totalSize}`);
    }
    if (pending !== undefined) {
      const part = pending.subarray(0, pendingLength);
      pending = undefined;
      pendingLength = 0;
      enqueuePart(part);
    }
  };

  // Runs `step`; on failure errors the part stream and `summary` with the same reason and rethrows, which errors
  // the writable side too.
  const guarded = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      stop(error);
      readableController.error(error);
      throw error;
    }
  };

  const readable = new ReadableStream<LayerPart>(
    {
      start(controller) {
        readableController = controller;
      },
      pull() {
        backpressure = false;
        wakeWriter?.();
      },
      cancel(reason) {
        stop(reason);
        writableController.error(reason);
      },
    },
    { highWaterMark: 0 },
  );

  const writable = new WritableStream<Uint8Array>(
    {
      start(controller) {
        writableController = controller;
      },
      async write(chunk) {
        // Like TransformStream: transform a chunk only once the consumer wants a part.
        while (backpressure && !stopped) {
          await new Promise<void>((resolve) => {
            wakeWriter = resolve;
          });
          wakeWriter = undefined;
        }
        if (stopped) throw stopReason;
        guarded(() => transform(chunk));
      },
      close() {
        if (stopped) throw stopReason;
        guarded(flush);
        readableController.close();
        resolveSummary({ digest: formatSha256Digest(hasher.digest()), size: nextByte });
      },
      abort(reason) {
        stop(reason);
        readableController.error(reason);
      },
    },
    { highWaterMark: 1 },
  );

  return {
    readable,
    writable,
    summary,
    hashState: () => hasher.save(),
    get nextByte() {
      return nextByte;
    },
    get bufferedBytes() {
      return pendingLength;
    },
  };
}

/**
 * A transform stream (a `{ readable, writable }` pair for `pipeThrough`) that turns a layer's bytes (any
 * `ReadableStream<Uint8Array>`: `File.stream()`, a fetch body, `Readable.toWeb(…)`) into consecutive
 * {@link LayerPart}s of exactly `partSize` bytes (the last one shorter) and computes the layer's SHA-256 on the
 * way. `summary` settles with the digest and size once the last part is enqueued.
 *
 * Memory is bounded by one part plus one input chunk. A part that lies inside one input chunk is a view of it
 * (no copy), so input chunks must not be modified after they are written; a part spanning chunks is copied
 * once into its own buffer. An empty stream yields no part.
 *
 * @throws RangeError at once if `partSize` is outside ECR's bounds, or `totalSize` needs more than
 *   MAX_LAYER_PARTS parts or exceeds MAX_LAYER_BYTES; without `totalSize` the stream errors as soon as its
 *   bytes cross either limit.
 * @example
 * const chunker = createLayerChunker({ partSize: MIN_LAYER_PART_BYTES, totalSize: file.size });
 * for await (const part of file.stream().pipeThrough(chunker)) {
 *   const { partFirstByte, partLastByte, bytes } = part;
 *   await uploadLayerPart({ uploadId, partFirstByte, partLastByte, layerPartBlob: bytes });
 *   saveProgress(partLastByte + 1, part.hashState); // resume: createLayerChunker({ partSize, hashState })
 * }
 * const { digest, size } = await chunker.summary;
 */
export function createLayerChunker(options: LayerChunkerOptions): LayerChunker {
  return createChunkerWithLimits(options, ECR_LAYER_LIMITS);
}
