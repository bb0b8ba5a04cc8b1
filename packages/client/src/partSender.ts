/**
 * The upload proper: parts from the acknowledged offset to the end, each read, hashed and made into its request
 * while the one before it is on the wire, and a resync wherever the endpoint says its bytes end.
 * @module
 */
import { createLayerChunker, type LayerPart } from '@edgecr/chunker';
import { sha256Hex } from './_sha256Hex.ts';
import { isEcrError } from './errors.ts';
import type { LayerPartInput } from './layerPartBody.ts';
import { type LayerSource, sourceError } from './layerSource.ts';
import type { PushProgress, UploadTarget } from './pushProgress.ts';
import type { PushRequests } from './pushRequests.ts';
import type { PushStatus } from './pushStatus.ts';
import { type Checkpoint, planResync, type ResyncPlan } from './resume.ts';

/** Consecutive part refusals without progress before the upload gives up. */
const MAX_STALLS = 3;

/** The pieces of one push that its parts of work share. */
export interface PushContext {
  source: LayerSource;
  progress: PushProgress;
  requests: PushRequests;
  status: PushStatus;
}

/**
 * Sends every part from the acknowledged offset to the end of the layer, going on where the endpoint says
 * when it refuses a part (`InvalidLayerPartException`).
 * @throws Error when the endpoint refuses {@link MAX_STALLS} times in a row without progress, or names a
 *   place the upload cannot go on from; the failures the retries did not mend.
 */
export async function sendParts(push: PushContext, signal: AbortSignal): Promise<void> {
  const { progress } = push;
  const { size } = push.source;
  let stalls = 0;
  while (progress.committed.offset < size) {
    const start = progress.committed;
    const resync = await sendPartsFrom(push, start, signal);
    if (!resync) continue;
    if (resync.action === 'fail') throw new Error(`Cannot go on with the upload: ${resync.reason}`);
    stalls = resync.offset > start.offset ? 0 : stalls + 1;
    if (stalls >= MAX_STALLS) {
      throw new Error(`The endpoint refused the part at byte ${resync.offset} ${MAX_STALLS} times in a row`);
    }
    await progress.resync(resync.offset, resync.from, signal);
  }
}

/**
 * One pass of the chunker from `start`; returns early with a resync plan when the endpoint refuses a part.
 * The next part is read, hashed and its request prepared while the current one is on the wire (memory: two
 * parts and two request bodies).
 */
async function sendPartsFrom(
  push: PushContext,
  start: Checkpoint,
  signal: AbortSignal,
): Promise<ResyncPlan | undefined> {
  const { source, progress } = push;
  const upload = progress.upload as UploadTarget;
  const chunker = createLayerChunker({
    partSize: upload.partSize,
    startOffset: start.offset,
    hashState: start.hashState,
    totalSize: source.size,
  });
  const reader = source.stream(start.offset).pipeThrough(chunker).getReader();
  const read = () =>
    reader.read().then((result) => {
      if (!result.done) push.requests.api.prepareLayerPart?.(partInput(push, result.value, upload.uploadId));
      return result;
    });
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let next = read();
    for (;;) {
      const { done, value: part } = await next.catch((error: unknown) => {
        throw signal.aborted ? signal.reason : sourceError(error);
      });
      signal.throwIfAborted();
      if (done) return undefined;
      next = read();
      // A pause or resync leaves this read behind: it must not become an unhandled rejection.
      next.catch(() => {});
      const head = progress.fingerprintsWith(part) ? sha256Hex(part.bytes) : undefined;
      const refused = await sendPart(push, partInput(push, part, upload.uploadId), signal);
      if (refused) return refused;
      await progress.commit(part, head);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}

function partInput(push: PushContext, part: LayerPart, uploadId: string): LayerPartInput {
  return {
    repositoryName: push.requests.repositoryName,
    uploadId,
    partFirstByte: part.partFirstByte,
    partLastByte: part.partLastByte,
    layerPartBlob: part.bytes,
  };
}

/** Sends one part with retries; a refusal that names where the endpoint's bytes end becomes a resync plan. */
async function sendPart(
  push: PushContext,
  input: LayerPartInput,
  signal: AbortSignal,
): Promise<ResyncPlan | undefined> {
  const { progress, requests, status } = push;
  return requests.withRetry(async (options) => {
    progress.inflight = 0;
    try {
      await requests.api.uploadLayerPart(input, {
        ...options,
        onUploadProgress: (sent) => {
          progress.inflight = sent;
          status.progress();
        },
      });
      return undefined;
    } catch (error) {
      if (isEcrError(error, 'InvalidLayerPartException')) {
        return planResync(error.fields.lastValidByteReceived, push.source.size, progress.checkpoints());
      }
      throw error;
    } finally {
      progress.inflight = 0;
    }
  }, signal);
}
