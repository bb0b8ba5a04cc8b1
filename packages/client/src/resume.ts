/**
 * Resume decisions, as pure functions: whether a saved record fits the file chosen again, and where to go on
 * when the endpoint says it holds a different number of bytes than the client thought.
 * @module
 */
import { ResumableSha256, type Sha256State } from '@edgecr/chunker';
import type { LayerSource } from './layerSource.ts';
import type { UploadRecord } from './stateStore.ts';

/** A layer offset with the layer's hash state there: a place the upload can go on from without re-reading. */
export interface Checkpoint {
  offset: number;
  hashState: Sha256State;
}

/**
 * The checkpoint at offset 0: the hash of nothing.
 * @example
 * const start = startCheckpoint();
 */
export function startCheckpoint(): Checkpoint {
  return { offset: 0, hashState: new ResumableSha256().save() };
}

/** What to do with a saved record when its file is chosen again. */
export type ResumePlan =
  | { action: 'fresh'; reason: 'no-record' | 'file-changed' | 'bad-record' }
  | {
      action: 'resume';
      uploadId: string;
      partSize: number;
      /** Where the next part starts. */
      offset: number;
      /**
       * The nearest known hash state at or before `offset`. When its offset is `offset` (the usual case) the
       * upload goes on without reading a byte before `offset`; otherwise the bytes in between are hashed first.
       */
      from: Checkpoint;
    };

/** Whether `state` is a valid hash state (`ResumableSha256.restore` accepts it). */
function isValidState(state: unknown): state is Sha256State {
  try {
    ResumableSha256.restore(state as Sha256State);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides how to resume from `record` for `source`, given the SHA-256 of the source's first
 * `record.fingerprint.headBytes` bytes (undefined when the source is shorter than that).
 * @example
 * const plan = planResume(record, source, await headSha256(source, record.fingerprint.headBytes));
 * if (plan.action === 'resume' && plan.from.offset === plan.offset) {
 *   // no byte before plan.offset is read again
 * }
 */
export function planResume(
  record: UploadRecord | undefined,
  source: Pick<LayerSource, 'name' | 'size' | 'lastModified'>,
  headSha256: string | undefined,
): ResumePlan {
  if (!record) return { action: 'fresh', reason: 'no-record' };
  const { fingerprint, offset } = record;
  if (
    fingerprint.name !== source.name ||
    fingerprint.size !== source.size ||
    fingerprint.lastModified !== source.lastModified ||
    headSha256 === undefined ||
    fingerprint.headSha256 !== headSha256
  ) {
    return { action: 'fresh', reason: 'file-changed' };
  }
  if (
    !Number.isSafeInteger(offset) ||
    offset < 0 ||
    offset > source.size ||
    typeof record.uploadId !== 'string' ||
    !Number.isSafeInteger(record.partSize) ||
    record.partSize <= 0
  ) {
    return { action: 'fresh', reason: 'bad-record' };
  }
  const saved = isValidState(record.hashState) && record.hashState.length <= offset;
  return {
    action: 'resume',
    uploadId: record.uploadId,
    partSize: record.partSize,
    offset,
    from: saved ? { offset: record.hashState.length, hashState: record.hashState } : startCheckpoint(),
  };
}

/** Where to go on after `InvalidLayerPartException`. */
export type ResyncPlan =
  | { action: 'resync'; offset: number; from: Checkpoint }
  | { action: 'fail'; reason: string };

/**
 * The endpoint refused a part and said the last byte it holds is `lastValidByteReceived` (-1 for none): the
 * upload goes on at the byte after it, from the nearest checkpoint at or before that byte.
 * @param checkpoints Known hash states, in any order; the start of the layer is always known.
 * @example
 * planResync(-1, size, []); // { action: 'resync', offset: 0, from: startCheckpoint() }
 */
export function planResync(
  lastValidByteReceived: unknown,
  size: number,
  checkpoints: readonly Checkpoint[],
): ResyncPlan {
  if (typeof lastValidByteReceived !== 'number' || !Number.isSafeInteger(lastValidByteReceived)) {
    return { action: 'fail', reason: 'the endpoint did not say which bytes it holds' };
  }
  const offset = lastValidByteReceived + 1;
  if (offset < 0 || offset > size) {
    return { action: 'fail', reason: `the endpoint holds ${offset} bytes of a ${size}-byte layer` };
  }
  let from = startCheckpoint();
  for (const checkpoint of checkpoints) {
    if (checkpoint.offset <= offset && checkpoint.offset > from.offset) from = checkpoint;
  }
  return { action: 'resync', offset, from };
}
