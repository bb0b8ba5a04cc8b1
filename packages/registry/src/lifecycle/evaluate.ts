/**
 * The lifecycle engine: which images a policy expires, and by which rule. One pure function serves both the
 * run (the Registry object's alarm) and the preview, so a preview shows exactly what a run at the same
 * moment would expire.
 * @module
 */

import type { LifecyclePolicy, LifecycleRule } from './policy.ts';

/** What the engine knows of an image. Times are epoch seconds. */
export interface LifecycleImage {
  digest: string;
  tags: string[];
  pushedAt: number;
  lastRecordedPullTime?: number;
}

/** An image a policy expires, and the priority of the rule that expires it. */
export interface LifecycleVerdict {
  image: LifecycleImage;
  rulePriority: number;
}

const DAY_SECONDS = 86_400;

/** A `tagPatternList` pattern as an anchored expression: `*` is any run of characters, the rest literal. */
function patternExpression(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}

/** Whether the rule's tag filter selects the image (every listed prefix or pattern matched by some tag). */
function selects(rule: LifecycleRule, image: LifecycleImage): boolean {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  if (tagPrefixList) return tagPrefixList.every((prefix) => image.tags.some((tag) => tag.startsWith(prefix)));
  const expressions = (tagPatternList ?? []).map(patternExpression);
  return expressions.every((expression) => image.tags.some((tag) => expression.test(tag)));
}

/** Newest push first; equal pushes by digest, so the order (and what is kept) never depends on storage. */
function newestFirst(a: LifecycleImage, b: LifecycleImage): number {
  return b.pushedAt - a.pushedAt || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);
}

/** The selected images the rule's count condition lets go. */
function beyondCount(rule: LifecycleRule, selected: LifecycleImage[], now: number): LifecycleImage[] {
  const { countType, countNumber } = rule.selection;
  if (countType === 'imageCountMoreThan') return [...selected].sort(newestFirst).slice(countNumber);
  const cutoff = now - countNumber * DAY_SECONDS;
  // An image never pulled counts from its push, as ECR counts it.
  const since = (image: LifecycleImage) =>
    countType === 'sinceImagePushed' ? image.pushedAt : (image.lastRecordedPullTime ?? image.pushedAt);
  return selected.filter((image) => since(image) < cutoff);
}

/**
 * The images `policy` expires at `now` (epoch seconds), oldest push first. Rules go in priority order, each
 * over every image its tag filter selects (counting, too, images a higher rule expires, as ECR does); a rule
 * expires only images that no higher-priority rule selected, so an image is expired by at most one rule and
 * an image a higher rule's tags select (and keeps) is never expired by a lower one.
 * @example
 * evaluateLifecycle(policy, [{ digest: 'sha256:…', tags: [], pushedAt: 1_700_000_000 }], Date.now() / 1000);
 */
export function evaluateLifecycle(
  policy: LifecyclePolicy,
  images: readonly LifecycleImage[],
  now: number,
): LifecycleVerdict[] {
  const claimed = new Set<string>();
  const verdicts: LifecycleVerdict[] = [];
  for (const rule of policy.rules) {
    const selected = images.filter((image) => selects(rule, image));
    for (const image of beyondCount(rule, selected, now)) {
      if (!claimed.has(image.digest)) verdicts.push({ image, rulePriority: rule.rulePriority });
    }
    for (const image of selected) claimed.add(image.digest);
  }
  return verdicts.sort((a, b) => newestFirst(b.image, a.image));
}
