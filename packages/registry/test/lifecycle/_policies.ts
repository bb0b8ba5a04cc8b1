// Lifecycle policy texts for the tests: rules built from their parts, and a policy's text.

/** A rule as a policy's JSON holds it. */
export type RuleJson = Record<string, unknown>;

/** An expire rule with the given priority and selection. */
export function rule(rulePriority: number, selection: Record<string, unknown>): RuleJson {
  return { rulePriority, description: `rule ${rulePriority}`, selection, action: { type: 'expire' } };
}

/** Keep the newest `count` images whose tags start with `prefix`. */
export const keepTagged = (priority: number, prefix: string, count: number) =>
  rule(priority, {
    tagStatus: 'tagged',
    tagPrefixList: [prefix],
    countType: 'imageCountMoreThan',
    countNumber: count,
  });

/** Expire untagged images pushed more than `days` days ago. */
export const untaggedOlderThan = (priority: number, days: number) =>
  rule(priority, {
    tagStatus: 'untagged',
    countType: 'sinceImagePushed',
    countUnit: 'days',
    countNumber: days,
  });

/** Keep the newest `count` images of any kind. */
export const keepAny = (priority: number, count: number) =>
  rule(priority, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count });

/** A policy's text (at least the model's 100 characters for every policy these tests build). */
export function policyText(...rules: RuleJson[]): string {
  return JSON.stringify({ rules });
}
