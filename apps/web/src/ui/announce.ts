/**
 * What the aria-live region says: every change of status at once, progress only every tenth and no more
 * often than a screen reader can speak it.
 * @module
 */
import type { LayerSnapshot, QueueSnapshot } from '@edgecr/client';
import { formatDuration, percent } from './format.ts';

/** What was last said about each layer. */
export interface AnnouncerState {
  /** Per layer id: the status and the progress tenth last announced. */
  layers: Map<string, { status: string; tenth: number }>;
  /** When progress was last announced (ms). */
  lastProgressAt: number;
}

/** Least time between two progress announcements. */
const PROGRESS_INTERVAL_MS = 3_000;

export function createAnnouncer(): AnnouncerState {
  return { layers: new Map(), lastProgressAt: 0 };
}

function statusSentence(layer: LayerSnapshot): string | undefined {
  switch (layer.status) {
    case 'uploading':
      return layer.resumedFrom !== undefined
        ? `${layer.name}: resumed at ${percent(layer.resumedFrom, layer.size)}%.`
        : `${layer.name}: uploading.`;
    case 'hashing':
      return `${layer.name}: computing its digest.`;
    case 'paused':
      return `${layer.name}: paused.`;
    case 'offline':
      return `${layer.name}: the browser is offline; the upload continues when the network is back.`;
    case 'retrying':
      return layer.retry ? `${layer.name}: ${layer.retry.failure.message} Trying again.` : undefined;
    case 'done':
      return layer.result?.outcome === 'already-present'
        ? `${layer.name}: already in the repository; nothing to send.`
        : `${layer.name}: uploaded.`;
    case 'failed':
      return `${layer.name} failed: ${layer.error?.message ?? 'unknown error'}`;
    case 'cancelled':
      return `${layer.name}: cancelled.`;
    default:
      return undefined;
  }
}

/**
 * The sentences to announce for the change from the last announced state to `snapshot`; updates `state`.
 * @example
 * const text = announce(state, queue.snapshot, performance.now()).join(' ');
 */
export function announce(state: AnnouncerState, snapshot: QueueSnapshot, now: number): string[] {
  const sentences: string[] = [];
  const progress: string[] = [];
  for (const layer of snapshot.layers) {
    const said = state.layers.get(layer.id);
    const tenth = Math.floor(percent(layer.bytesUploaded, layer.size) / 10);
    if (!said || said.status !== layer.status) {
      const sentence = statusSentence(layer);
      if (sentence) sentences.push(sentence);
      state.layers.set(layer.id, { status: layer.status, tenth });
    } else if (
      layer.status === 'uploading' &&
      tenth > said.tenth &&
      now - state.lastProgressAt >= PROGRESS_INTERVAL_MS
    ) {
      const eta = layer.etaSeconds === undefined ? '' : `, about ${formatDuration(layer.etaSeconds)} left`;
      progress.push(`${layer.name}: ${tenth * 10}% uploaded${eta}.`);
      said.tenth = tenth;
    }
  }
  if (progress.length > 0) {
    state.lastProgressAt = now;
    sentences.push(...progress);
  }
  return sentences;
}
