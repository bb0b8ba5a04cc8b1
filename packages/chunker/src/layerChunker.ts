/**
 * Cuts a layer's byte stream into UploadLayerPart-sized parts and computes the layer's SHA-256 in the same pass.
 * @module
 */
import {
  MAX_LAYER_BYTES,
  MAX_LAYER_PART_BYTES,
  MAX_LAYER_PARTS,
  MIN_LAYER_PART_BYTES,
} from '@edgecr/protocol';
import { planLayer } from './_layerPlan.ts';
import { PartCutter } from './_partCutter.ts';
import { streamPair } from './_streamPair.ts';
import type { Sha256State } from './resumableSha256.ts';

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

/**
 * Creates a chunker that enforces `limits` instead of ECR's. For tests and for stores with other limits;
 * applications use {@link createLayerChunker}. Three named pieces: {@link planLayer} checks the options,
 * {@link PartCutter} cuts and hashes, {@link streamPair} carries chunks in and parts out with backpressure.
 * @internal
 */
export function createChunkerWithLimits(options: LayerChunkerOptions, limits: LayerLimits): LayerChunker {
  const plan = planLayer(options, limits);
  const cutter = new PartCutter(plan);
  let resolveSummary!: (summary: LayerSummary) => void;
  let rejectSummary!: (reason: unknown) => void;
  const summary = new Promise<LayerSummary>((resolve, reject) => {
    resolveSummary = resolve;
    rejectSummary = reject;
  });
  // A caller that only reads parts must not get an unhandled rejection; awaiting `summary` still rejects.
  summary.catch(() => {});
  const { readable, writable } = streamPair<Uint8Array, LayerPart>({
    write: (chunk, enqueue) => cutter.write(chunk, enqueue),
    close: (enqueue) => cutter.end(enqueue),
    closed: () => resolveSummary(cutter.summary()),
    stopped: rejectSummary,
  });
  return {
    readable,
    writable,
    summary,
    hashState: () => plan.hasher.save(),
    get nextByte() {
      return cutter.nextByte;
    },
    get bufferedBytes() {
      return cutter.bufferedBytes;
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
