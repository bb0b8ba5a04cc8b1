// A lifecycle policy as the console says it: its rules in words, its text indented, refusals in sentences that
// keep ECR's message.
import { EcrError } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_POLICY, lifecycleFailure, prettyPolicy, ruleRows } from '../../src/ui/lifecycle.ts';

const rule = (rulePriority: number, selection: object, description?: string) => ({
  rulePriority,
  ...(description && { description }),
  selection,
  action: { type: 'expire' },
});

describe('ruleRows', () => {
  it('says each kind of selection in words, by priority', () => {
    const text = JSON.stringify({
      rules: [
        rule(3, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 1 }),
        rule(
          1,
          { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
          'old',
        ),
        rule(2, {
          tagStatus: 'tagged',
          tagPrefixList: ['prod', 'eu'],
          countType: 'imageCountMoreThan',
          countNumber: 10,
        }),
        rule(4, {
          tagStatus: 'tagged',
          tagPatternList: ['v*'],
          countType: 'imageCountMoreThan',
          countNumber: 3,
        }),
      ],
    });
    expect(ruleRows(text)).toEqual([
      {
        priority: 1,
        description: 'old',
        selection: 'untagged images, pushed more than 14 days ago',
        action: 'expire',
      },
      {
        priority: 2,
        description: '',
        selection: 'images with tags starting prod and eu, beyond the newest 10',
        action: 'expire',
      },
      { priority: 3, description: '', selection: 'all images, not pulled for 1 day', action: 'expire' },
      {
        priority: 4,
        description: '',
        selection: 'images with tags matching v*, beyond the newest 3',
        action: 'expire',
      },
    ]);
  });

  it('gives nothing for a text that is not a policy, and reads the editor’s example', () => {
    expect(ruleRows('not json')).toBeUndefined();
    expect(ruleRows('{"rules":{}}')).toBeUndefined();
    expect(ruleRows(EXAMPLE_POLICY)?.map((r) => r.selection)).toEqual([
      'untagged images, pushed more than 14 days ago',
    ]);
  });
});

describe('prettyPolicy', () => {
  it('indents JSON and leaves anything else as it is', () => {
    expect(prettyPolicy('{"rules":[]}')).toBe('{\n  "rules": []\n}');
    expect(prettyPolicy('{oops')).toBe('{oops');
  });
});

describe('lifecycleFailure', () => {
  it('words the refusals a person can act on, and keeps ECR’s code and message', () => {
    const message =
      "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: …'";
    const invalid = lifecycleFailure(new EcrError('InvalidParameterException', message));
    expect(invalid).toMatchObject({ code: 'InvalidParameterException', detail: message, status: 400 });
    expect(invalid.message).toMatch(/^The registry refused the policy, and nothing changed\./);
    expect(lifecycleFailure(new EcrError('AccessDeniedException', 'not authorized')).message).toMatch(
      /admin permission/,
    );
    // Anything else is the engine's sentence.
    expect(lifecycleFailure(new EcrError('ThrottlingException', 'Rate exceeded')).message).toContain(
      'throttling',
    );
  });
});
