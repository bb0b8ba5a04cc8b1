/**
 * The blobs an isolate is bringing in from upstream: one upstream fetch per blob, shared by every puller of it.
 * @module
 */

import { unableToGetUpstream } from './errors.ts';
import type { SharedBody } from './sharedBody.ts';

/** A blob as a pull gets it while it is brought in: its bytes as they arrive, or `stored` (read it there). */
export type PulledBlob =
  | { kind: 'bytes'; size: number | undefined; body: ReadableStream<Uint8Array> }
  | { kind: 'stored' };

/**
 * A fetch under way: its body to join, the stream of the caller that opened it (joined before the first
 * byte), its size as upstream gave it, and whether the blob was stored.
 */
export interface OpenFill {
  body: SharedBody;
  first: ReadableStream<Uint8Array>;
  size: number | undefined;
  stored: Promise<boolean>;
}

interface Fill {
  opened: Promise<OpenFill>;
  /** When the blob landed (epoch ms): for a little while after, a pull is told to read it from the repository. */
  landedAt?: number;
}

/**
 * How long a landed fill is remembered: a pull that missed the blob in the repository a moment before it
 * landed reads it there instead of fetching it from upstream again.
 */
const LANDED_MS = 10_000;

/**
 * What this isolate is bringing in, by registry, repository and digest. Isolates do not share it: the bound is
 * one upstream fetch per blob and isolate (docs/pull-through.md).
 */
const fills = new Map<string, Fill>();

function forgetLanded(now: number): void {
  for (const [key, fill] of fills) {
    if (fill.landedAt !== undefined && now - fill.landedAt > LANDED_MS) fills.delete(key);
  }
}

/**
 * A blob's bytes, fetched once: `open` starts the upstream fetch and its store unless this isolate already
 * has one under way for `key`, which the caller then joins (from the first byte, while those are kept) or
 * waits out.
 * @param keep Keeps the store alive after the caller's answer.
 * @throws EcrError `UnableToGetUpstreamLayerException` when the fetch fails, or the one joined was not stored.
 */
export async function sharedFill(
  key: string,
  keep: (work: Promise<unknown>) => void,
  open: () => Promise<OpenFill>,
): Promise<PulledBlob> {
  const now = Date.now();
  forgetLanded(now);
  const running = fills.get(key);
  if (running) {
    if (running.landedAt !== undefined) return { kind: 'stored' };
    const { body, size, stored } = await running.opened;
    const joined = body.join();
    if (joined) return { kind: 'bytes', size, body: joined };
    if (await stored) return { kind: 'stored' };
    throw unableToGetUpstream('layer', 'UpstreamUnavailable', 'the blob could not be brought in; try again');
  }
  const fill: Fill = { opened: open() };
  fills.set(key, fill);
  let opened: OpenFill;
  try {
    opened = await fill.opened;
  } catch (error) {
    fills.delete(key);
    throw error;
  }
  keep(
    opened.stored.then((stored) => {
      if (stored) fill.landedAt = Date.now();
      else fills.delete(key);
    }),
  );
  return { kind: 'bytes', size: opened.size, body: opened.first };
}
