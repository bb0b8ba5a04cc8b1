// The lifecycle engine against a small reference written from ECR's rules image by image: the first rule (by
// priority) whose tag filter selects an image decides its fate; it expires the image if the image is past the
// rule's count (its rank among everything the rule selects, newest first) or its age. Random images, tags, push
// and pull times and random valid policies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateLifecycle,
  type LifecycleImage,
  type LifecycleRule,
  parseLifecyclePolicy,
} from '../../src/index.ts';
import { policyText, type RuleJson, rule } from './_policies.ts';

const NOW = 1_800_000_000;
const DAY = 86_400;

/** Wildcard matching by recursion, not by regular expression, so it cannot share the engine's mistakes. */
function wildcard(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern[0] === '*')
    return wildcard(pattern.slice(1), text) || (text !== '' && wildcard(pattern, text.slice(1)));
  return text !== '' && pattern[0] === text[0] && wildcard(pattern.slice(1), text.slice(1));
}

function reference(rules: LifecycleRule[], images: LifecycleImage[]): Map<string, number> {
  const matches = (r: LifecycleRule, image: LifecycleImage) => {
    const { tagStatus, tagPrefixList, tagPatternList } = r.selection;
    if (tagStatus === 'any') return true;
    if (tagStatus === 'untagged') return image.tags.length === 0;
    if (image.tags.length === 0) return false;
    if (tagPrefixList) return tagPrefixList.every((p) => image.tags.some((t) => t.startsWith(p)));
    return (tagPatternList ?? []).every((p) => image.tags.some((t) => wildcard(p, t)));
  };
  const expired = new Map<string, number>();
  for (const image of images) {
    const decider = [...rules].sort((a, b) => a.rulePriority - b.rulePriority).find((r) => matches(r, image));
    if (!decider) continue;
    const { countType, countNumber } = decider.selection;
    let goes: boolean;
    if (countType === 'imageCountMoreThan') {
      const newer = images.filter(
        (other) =>
          matches(decider, other) &&
          (other.pushedAt > image.pushedAt ||
            (other.pushedAt === image.pushedAt && other.digest < image.digest)),
      ).length;
      goes = newer >= countNumber;
    } else {
      const since =
        countType === 'sinceImagePushed' ? image.pushedAt : (image.lastRecordedPullTime ?? image.pushedAt);
      goes = since < NOW - countNumber * DAY;
    }
    if (goes) expired.set(image.digest, decider.rulePriority);
  }
  return expired;
}

const word = fc.string({ unit: fc.constantFrom('a', 'b', '1', '-'), minLength: 1, maxLength: 3 });
const pattern = fc
  .array(fc.oneof(word, fc.constant('*')), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));
// Any second of the last 30 days, often exactly a whole number of days ago (a time rule's boundary).
const time = fc.oneof(
  fc.integer({ min: NOW - 30 * DAY, max: NOW }),
  fc.integer({ min: 0, max: 30 }).map((days) => NOW - days * DAY),
);

const images = fc
  .array(
    fc.record({
      tags: fc.uniqueArray(word, { maxLength: 3 }),
      pushedAt: time,
      pulled: fc.option(time, { nil: undefined }),
    }),
    { maxLength: 25 },
  )
  .map((drafts) => {
    // A tag names one image: the first image that has it keeps it.
    const seen = new Set<string>();
    return drafts.map((draft, i): LifecycleImage => {
      const tags = draft.tags.filter((tag) => !seen.has(tag)).sort();
      for (const tag of tags) seen.add(tag);
      const pulled =
        draft.pulled === undefined ? {} : { lastRecordedPullTime: Math.max(draft.pulled, draft.pushedAt) };
      return {
        digest: `sha256:${i.toString(16).padStart(64, '0')}`,
        tags,
        pushedAt: draft.pushedAt,
        ...pulled,
      };
    });
  });

const count = fc.oneof(
  fc.record({ countType: fc.constant('imageCountMoreThan'), countNumber: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    countType: fc.constantFrom('sinceImagePushed', 'sinceImagePulled'),
    countUnit: fc.constant('days'),
    countNumber: fc.integer({ min: 1, max: 20 }),
  }),
);
const tagFilter = fc.oneof(
  fc.record({ tagPrefixList: fc.array(word, { minLength: 1, maxLength: 2 }) }),
  fc.record({ tagPatternList: fc.array(pattern, { minLength: 1, maxLength: 2 }) }),
);

/** Valid policies: tagged rules, at most one untagged rule, `any` (if present) last; priorities shuffled. */
const policies = fc
  .record({
    tagged: fc.array(fc.tuple(tagFilter, count), { maxLength: 4 }),
    untagged: fc.option(count, { nil: undefined }),
    any: fc.option(count, { nil: undefined }),
    priorities: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ tagged, untagged, any, priorities }) => {
    const middle: Record<string, unknown>[] = [
      ...tagged.map(([filter, c]) => ({ tagStatus: 'tagged', ...filter, ...c })),
      ...(untagged ? [{ tagStatus: 'untagged', ...untagged }] : []),
    ];
    const sorted = [...priorities].sort((a, b) => a - b);
    const last = sorted.pop() as number;
    // The `any` rule takes the highest priority number; the others take the rest in a shuffled order.
    const rules: RuleJson[] = middle.map((selection, i) =>
      rule(priorities.filter((p) => p !== last)[i] as number, selection),
    );
    if (any) rules.push(rule(last, { tagStatus: 'any', ...any }));
    return rules;
  })
  .filter((rules) => rules.length > 0);

describe('the lifecycle engine', () => {
  it('expires exactly what the reference expires, each by the deciding rule, oldest push first', () => {
    fc.assert(
      fc.property(policies, images, (rules, all) => {
        const policy = parseLifecyclePolicy(policyText(...rules));
        const verdicts = evaluateLifecycle(policy, all, NOW);
        const expected = reference(policy.rules, all);
        expect(new Map(verdicts.map((v) => [v.image.digest, v.rulePriority]))).toEqual(expected);
        expect(verdicts).toHaveLength(expected.size);
        const pushes = verdicts.map((v) => v.image.pushedAt);
        expect(pushes).toEqual([...pushes].sort((a, b) => a - b));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the newest images of a count rule and counts images a higher rule expires', () => {
    const at = (i: number, tags: string[] = []): LifecycleImage => ({
      digest: `sha256:${String(i).padStart(64, '0')}`,
      tags,
      pushedAt: NOW - i * DAY,
    });
    // Five images, newest first: 0 (v1), 1 (untagged), 2 (v2), 3 (untagged), 4 (v3).
    const all = [at(0, ['v1']), at(1), at(2, ['v2']), at(3), at(4, ['v3'])];
    const policy = parseLifecyclePolicy(
      policyText(
        rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 2 }),
        rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
      ),
    );
    // Rule 1 expires 3 (older than 2 days); 1 is untagged and young, so rule 1 selected it and rule 2 may not
    // expire it, though it counts it: rule 2 keeps 0 and 1 and expires 2 and 4.
    expect(
      evaluateLifecycle(policy, all, NOW).map((v) => [v.image.digest.slice(-1), v.rulePriority]),
    ).toEqual([
      ['4', 2],
      ['3', 1],
      ['2', 2],
    ]);
  });
});
