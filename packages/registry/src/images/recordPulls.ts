/**
 * Pull-time recording (`lastRecordedPullTime`), apart from the read it follows so that a door can send it after
 * the answer.
 * @module
 */

import type { ImageIdentifier } from '@edgecr/protocol';
import { resolveImageId } from './imageIds.ts';
import type { ImageContext } from './store.ts';

/**
 * How stale `lastRecordedPullTime` may be: ECR refreshes it at least once every 24 hours rather than on every
 * pull, and so does edgecr, so a busy image costs one catalog write a day, not one per pull.
 */
export const PULL_TIME_RESOLUTION_SECONDS = 24 * 3600;

/** The images a door served to pulls: the identifiers as it asked for them (a tag, a digest or both). */
export interface PullRecord {
  repositoryName: string;
  imageIds: ImageIdentifier[];
}

/**
 * Records a pull of each image the identifiers name, now, unless its recorded time is younger than
 * {@link PULL_TIME_RESOLUTION_SECONDS}. A pull is recorded after its answer, so an image or repository gone
 * since then is no fault: nothing is recorded for it.
 * @example
 * recordPulls(ctx, { repositoryName: 'app', imageIds: [{ imageTag: 'latest' }] });
 */
export function recordPulls(ctx: ImageContext, input: PullRecord): void {
  const { repositoryName } = input;
  if (!ctx.store.repository(repositoryName)) return;
  const now = ctx.now();
  for (const imageId of input.imageIds) {
    const found = resolveImageId(ctx, repositoryName, imageId);
    if ('failure' in found) continue;
    const last = found.image.lastRecordedPullTime;
    if (last === undefined || now - last >= PULL_TIME_RESOLUTION_SECONDS) {
      ctx.store.recordPull(repositoryName, found.image.digest, now);
    }
  }
}
