// Every policy text ECR refuses is refused here with a 400 InvalidParameterException in ECR's frame, and
// changes nothing: the repository keeps the policy it had.
import { EcrError, MiB, validateRequest } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_LIFECYCLE_RULES, MemoryHost, parseLifecyclePolicy } from '../../src/index.ts';
import { keepAny, keepTagged, policyText, rule, untaggedOlderThan } from './_policies.ts';

const FRAME =
  "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

const tagged = (extra: Record<string, unknown>) => ({
  tagStatus: 'tagged',
  countType: 'imageCountMoreThan',
  countNumber: 1,
  ...extra,
});

/** Invalid texts, each with a part of the message that says what is wrong. */
const INVALID: [string, string, string][] = [
  ['bad JSON', '{"rules": [', 'not valid JSON'],
  ['a top level that is not an object', '[]', 'instance type (array) does not match'],
  ['no rules', '{}', 'missing required properties (["rules"])'],
  ['an empty rule list', '{"rules": []}', 'array is too short'],
  [
    'an unknown top-level field',
    '{"rules": [], "version": 1}'.replace('[]', JSON.stringify([keepAny(1, 1)])),
    '["version"]',
  ],
  ['an unknown rule field', policyText({ ...keepAny(1, 1), enabled: true }), '["enabled"]'],
  [
    'an unknown selection field',
    policyText(rule(1, { ...tagged({ tagPrefixList: ['v'] }), tagSuffixList: ['x'] })),
    '["tagSuffixList"]',
  ],
  [
    'an unknown action field',
    policyText({ ...keepAny(1, 1), action: { type: 'expire', when: 'now' } }),
    '["when"]',
  ],
  [
    'both tag lists',
    policyText(rule(1, tagged({ tagPrefixList: ['v'], tagPatternList: ['v*'] }))),
    'cannot both be specified',
  ],
  [
    'duplicate priorities',
    policyText(keepTagged(1, 'v', 1), keepTagged(1, 'w', 1)),
    'rulePriority 1 is used by more than one rule',
  ],
  [
    'any not last',
    policyText(keepAny(1, 5), keepTagged(2, 'v', 1)),
    '"any" must have the highest rulePriority',
  ],
  [
    'two untagged rules',
    policyText(untaggedOlderThan(1, 1), untaggedOlderThan(2, 5)),
    'only one rule may have tagStatus "untagged"',
  ],
  [
    'tagged without a tag list',
    policyText(rule(1, tagged({}))),
    'requires a tagPrefixList or a tagPatternList',
  ],
  [
    'untagged with a tag list',
    policyText(rule(1, { ...tagged({ tagPrefixList: ['v'] }), tagStatus: 'untagged' })),
    'only allowed with tagStatus "tagged"',
  ],
  [
    'five wildcards',
    policyText(rule(1, tagged({ tagPatternList: ['a*b*c*d*e*f'] }))),
    'more than 4 wildcards',
  ],
  [
    'countUnit with imageCountMoreThan',
    policyText(rule(1, { ...tagged({ tagPrefixList: ['v'] }), countUnit: 'days' })),
    'countUnit is not allowed',
  ],
  [
    'sinceImagePushed without countUnit',
    policyText(rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 3 })),
    'requires countUnit "days"',
  ],
  [
    'countUnit hours',
    policyText(
      rule(1, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'hours', countNumber: 3 }),
    ),
    'not found in enum (possible values: ["days"])',
  ],
  ['countNumber 0', policyText(keepAny(1, 0)), 'lower than the required minimum (minimum: 1, found: 0)'],
  ['rulePriority 0', policyText(keepAny(0, 1)), 'lower than the required minimum (minimum: 1, found: 0)'],
  [
    'a fractional countNumber',
    policyText(keepAny(1, 1.5)),
    'instance type (number) does not match any allowed primitive type (allowed: ["integer"])',
  ],
  [
    'an unknown tagStatus',
    policyText(rule(1, { ...tagged({}), tagStatus: 'TAGGED' })),
    'instance value ("TAGGED") not found in enum',
  ],
  ['an empty prefix', policyText(rule(1, tagged({ tagPrefixList: [''] }))), 'too short'],
  ['a null tag list', policyText(rule(1, tagged({ tagPatternList: null }))), 'instance type (null)'],
  [
    `${MAX_LIFECYCLE_RULES + 1} rules`,
    policyText(...Array.from({ length: MAX_LIFECYCLE_RULES + 1 }, (_, i) => keepTagged(i + 1, `v${i}`, 1))),
    'must have at most 50 elements but instance has 51',
  ],
  [
    'a transition',
    policyText({ ...keepAny(1, 1), action: { type: 'transition', targetStorageClass: 'archive' } }),
    'action type "transition" is not offered by this registry',
  ],
  [
    'sinceImageTransitioned',
    policyText(
      rule(1, { tagStatus: 'any', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 1 }),
    ),
    'countType "sinceImageTransitioned" is not offered',
  ],
  [
    'a storage class',
    policyText(
      rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1, storageClass: 'archive' }),
    ),
    'selection.storageClass is not offered',
  ],
];

async function repositoryWithPolicy() {
  const host = new MemoryHost();
  const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
  await registry.catalog.createRepository({ repositoryName: 'app' });
  const kept = policyText(untaggedOlderThan(1, 14), keepAny(2, 10));
  await registry.catalog.putLifecyclePolicy({ repositoryName: 'app', lifecyclePolicyText: kept });
  return { registry, kept };
}

describe('lifecycle policy validation', () => {
  it.each(INVALID)('refuses %s with a 400 that names it, and changes nothing', async (_name, text, names) => {
    const { registry, kept } = await repositoryWithPolicy();
    const refused = await registry.catalog
      .putLifecyclePolicy({ repositoryName: 'app', lifecyclePolicyText: text })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(EcrError);
    expect(refused).toMatchObject({ code: 'InvalidParameterException', status: 400 });
    expect((refused as EcrError).message.startsWith(FRAME)).toBe(true);
    expect((refused as EcrError).message).toContain(names);
    expect((await registry.catalog.getLifecyclePolicy('app')).lifecyclePolicyText).toBe(kept);
    // The preview refuses the same texts, before anything is stored.
    await expect(
      registry.catalog.startLifecyclePolicyPreview({ repositoryName: 'app', lifecyclePolicyText: text }),
    ).rejects.toMatchObject({
      code: 'InvalidParameterException',
    });
    await expect(registry.catalog.getLifecyclePolicyPreview({ repositoryName: 'app' })).rejects.toMatchObject(
      {
        code: 'LifecyclePolicyPreviewNotFoundException',
      },
    );
  });

  it('refuses a text under 100 or over 30,720 characters with the model constraint', () => {
    const short = () =>
      validateRequest('PutLifecyclePolicy', { repositoryName: 'app', lifecyclePolicyText: '{"rules":[]}' });
    expect(short).toThrow(
      "Invalid parameter at 'lifecyclePolicyText' failed to satisfy constraint: 'must have length greater than or equal to 100'",
    );
    const long = policyText(
      ...Array.from({ length: 50 }, (_, i) => ({
        ...keepTagged(i + 1, 'v', 1),
        description: 'x'.repeat(700),
      })),
    );
    expect(long.length).toBeGreaterThan(30_720);
    expect(() =>
      validateRequest('PutLifecyclePolicy', { repositoryName: 'app', lifecyclePolicyText: long }),
    ).toThrow(expect.objectContaining({ code: 'InvalidParameterException', status: 400 }));
  });

  it('accepts every valid form: prefixes, patterns, time counts, sinceImagePulled with expire, 50 rules', () => {
    const policy = parseLifecyclePolicy(
      policyText(
        keepAny(9, 100),
        rule(2, {
          tagStatus: 'tagged',
          tagPatternList: ['*-rc*', 'v*'],
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 30,
        }),
        rule(3, {
          tagStatus: 'tagged',
          tagPrefixList: ['dev'],
          countType: 'sinceImagePulled',
          countUnit: 'days',
          countNumber: 7,
        }),
        untaggedOlderThan(1, 1),
      ),
    );
    expect(policy.rules.map((r) => r.rulePriority)).toEqual([1, 2, 3, 9]);
    const fifty = policyText(
      ...Array.from({ length: MAX_LIFECYCLE_RULES }, (_, i) => keepTagged(i + 1, `v${i}`, 1)),
    );
    expect(parseLifecyclePolicy(fifty).rules).toHaveLength(MAX_LIFECYCLE_RULES);
  });

  it('answers LifecyclePolicyNotFoundException for a repository without a policy, and after its deletion', async () => {
    const { registry, kept } = await repositoryWithPolicy();
    expect(await registry.catalog.deleteLifecyclePolicy('app')).toMatchObject({
      repositoryName: 'app',
      lifecyclePolicyText: kept,
    });
    await expect(registry.catalog.getLifecyclePolicy('app')).rejects.toMatchObject({
      code: 'LifecyclePolicyNotFoundException',
    });
    await expect(registry.catalog.deleteLifecyclePolicy('app')).rejects.toMatchObject({
      code: 'LifecyclePolicyNotFoundException',
    });
    await expect(
      registry.catalog.startLifecyclePolicyPreview({ repositoryName: 'app' }),
    ).rejects.toMatchObject({
      code: 'LifecyclePolicyNotFoundException',
    });
    await expect(registry.catalog.getLifecyclePolicy('nope')).rejects.toMatchObject({
      code: 'RepositoryNotFoundException',
    });
  });
});
