import { ResumableSha256, ResumableSha512 } from '@edgecr/chunker';
import { MAX_LAYER_BYTES } from '@edgecr/protocol';
import {
  layerTooLarge,
  partLengthMismatch,
  partOutOfOrder,
  partRangeReversed,
  partResentDifferently,
} from '../errors.ts';
import type { UploadedPart } from '../ports/blobStore.ts';
import type { PartCommit, UploadRecord } from '../ports/uploadStore.ts';
import { PartLayout } from './partLayout.ts';

/** A part's place in the layer: its first and last byte offsets, inclusive (ECR's `partFirstByte`/`partLastByte`). */
export interface PartRange {
  first: number;
  last: number;
}

/**
 * A part whose place may be left open: an OCI PATCH streamed without `Content-Range` omits both ends and
 * appends whatever bytes its body holds where the upload stands.
 */
export interface OpenPartRange {
  first?: number;
  last?: number;
}

/** A part placed in the upload: where it starts is known, where it ends may not be. */
export interface PlacedRange {
  first: number;
  last?: number;
}

/** The chunks of a stream, read so that its reader's `closed` promise never goes unhandled when it errors. */
async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  reader.closed.catch(() => undefined);
  let done = false;
  try {
    while (!done) {
      const next = await reader.read();
      done = next.done;
      if (next.value) yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Where a part goes: `'resend'` when it is the last accepted part sent again (a client that lost the answer),
 * `'next'` when it starts right after the last valid byte. Anything else is refused with ECR's error.
 */
export function placePart(record: UploadRecord, { first, last }: PlacedRange): 'resend' | 'next' {
  if (last === undefined) {
    if (first !== record.received) throw partOutOfOrder(record);
    return 'next';
  }
  if (last < first) throw partRangeReversed(record, first, last);
  const { lastPart } = record;
  if (record.policy.acceptResend && lastPart && first === lastPart.first && last === lastPart.last) {
    return 'resend';
  }
  if (first !== record.received) throw partOutOfOrder(record);
  if (record.received + (last - first + 1) > MAX_LAYER_BYTES) throw layerTooLarge();
  return 'next';
}

/**
 * Reads a part every chunk of which goes to `take`, refusing it as soon as it is longer than its range and at
 * its end if shorter; a part without an end takes any length up to the layer limit.
 * @returns How many bytes the part held.
 */
async function readExactly(
  record: UploadRecord,
  { first, last }: PlacedRange,
  body: ReadableStream<Uint8Array>,
  take: (chunk: Uint8Array) => Promise<void> | void,
): Promise<number> {
  const length = last === undefined ? undefined : last - first + 1;
  let received = 0;
  for await (const chunk of readChunks(body)) {
    received += chunk.length;
    if (length === undefined) {
      if (record.received + received > MAX_LAYER_BYTES) throw layerTooLarge();
    } else if (received > length) {
      throw partLengthMismatch(record, first, first + length - 1, received);
    }
    await take(chunk);
  }
  if (length !== undefined && received !== length) {
    throw partLengthMismatch(record, first, first + length - 1, received);
  }
  return received;
}

/**
 * Checks the last part sent again: the same bytes are accepted once more and change nothing; other bytes are
 * refused. Compared through the layer's midstate before the part, so no hash of each part is kept.
 */
export async function checkResentPart(
  record: UploadRecord,
  range: PartRange,
  body: ReadableStream<Uint8Array>,
): Promise<void> {
  const before = record.lastPart?.hashBefore;
  if (!before) throw new Error('checkResentPart needs the last part');
  const hasher = ResumableSha256.restore(before);
  await readExactly(record, range, body, (chunk) => void hasher.update(chunk));
  if (hasher.digestHex() !== ResumableSha256.restore(record.hash).digestHex()) {
    throw partResentDifferently(record, range.first, range.last);
  }
}

/**
 * Receives the next part: hashes its bytes into the layer's midstate and lays them out into equal BlobStore
 * parts as they arrive (with the staged remainder in front), one part written while the next fills: at most
 * two parts in memory. Nothing is
 * committed here: the caller writes the returned change, only once every byte arrived.
 * @param staged The staged remainder from earlier parts.
 * @param writePart Writes one BlobStore part.
 */
export async function receiveNextPart(
  record: UploadRecord,
  range: PlacedRange,
  body: ReadableStream<Uint8Array>,
  staged: Uint8Array,
  writePart: (partNumber: number, bytes: Uint8Array) => Promise<UploadedPart>,
  now: number,
): Promise<PartCommit> {
  const { partSize } = record;
  let stagedBuffer: Uint8Array | null = null;
  if (staged.length > 0) {
    stagedBuffer = new Uint8Array(partSize);
    stagedBuffer.set(staged);
  }
  const layout = new PartLayout(
    partSize,
    Math.floor((record.received - record.staged) / partSize) + 1,
    stagedBuffer,
    staged.length,
    writePart,
  );
  const hasher = ResumableSha256.restore(record.hash);
  // OCI uploads hash every byte twice, in the same pass, so either digest can close them.
  const hasher512 = record.hash512 && ResumableSha512.restore(record.hash512);
  let length: number;
  try {
    length = await readExactly(record, range, body, async (chunk) => {
      hasher.update(chunk);
      hasher512?.update(chunk);
      await layout.write(chunk);
    });
  } catch (error) {
    // No write of this part may still be running when the next call (the serialised upload's) begins.
    await layout.settle().catch(() => undefined);
    throw error;
  }
  await layout.settle();
  const previous = record.lastPart;
  // The minimum applies to every part but the last, so a small part is only known to break it now.
  const previousWasSmall =
    previous !== null && previous.last - previous.first + 1 < record.policy.minPartBytes;
  const remainder = layout.remainder();
  return {
    record: {
      ...record,
      received: record.received + length,
      staged: remainder.length,
      hash: hasher.save(),
      ...(hasher512 && { hash512: hasher512.save() }),
      lastPart: { first: range.first, last: range.first + length - 1, hashBefore: record.hash },
      partTooSmall: record.partTooSmall || previousWasSmall,
      expiresAt: now + record.ttlSeconds * 1000,
    },
    parts: layout.parts,
    staged: remainder,
  };
}
