import type { ImageTagMutability } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { isTagImmutable, putImageTagMutability } from '../../src/index.ts';
import { REGISTRY, REPO, setup } from './_fixtures.ts';

const filters = [
  { filterType: 'WILDCARD' as const, filter: 'dev-*' },
  { filterType: 'WILDCARD' as const, filter: '*.rc*' },
];

describe('isTagImmutable', () => {
  it.each<[ImageTagMutability, string, boolean]>([
    ['MUTABLE', 'v1', false],
    ['IMMUTABLE', 'v1', true],
    ['IMMUTABLE_WITH_EXCLUSION', 'dev-1', false],
    ['IMMUTABLE_WITH_EXCLUSION', '1.0.rc2', false],
    ['IMMUTABLE_WITH_EXCLUSION', '1.0', true],
    ['IMMUTABLE_WITH_EXCLUSION', 'xdev-1', true],
    ['MUTABLE_WITH_EXCLUSION', 'dev-', true],
    ['MUTABLE_WITH_EXCLUSION', '1x0rc1', false],
  ])('%s: tag %s immutable = %s', (imageTagMutability, tag, immutable) => {
    const settings = imageTagMutability.endsWith('EXCLUSION')
      ? { imageTagMutability, imageTagMutabilityExclusionFilters: filters }
      : { imageTagMutability };
    expect(isTagImmutable(settings, tag)).toBe(immutable);
  });
});

describe('putImageTagMutability', () => {
  it('stores the setting and answers with it', () => {
    const { ctx, store } = setup();
    const answer = putImageTagMutability(ctx, {
      repositoryName: REPO,
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
    });
    expect(answer).toEqual({
      registryId: REGISTRY,
      repositoryName: REPO,
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
    });
    expect(store.repository(REPO)).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: filters,
    });
    putImageTagMutability(ctx, { repositoryName: REPO, imageTagMutability: 'MUTABLE' });
    expect(store.repository(REPO)).toMatchObject({ imageTagMutability: 'MUTABLE' });
    expect(store.repository(REPO)?.imageTagMutabilityExclusionFilters).toBeUndefined();
  });

  it('refuses filters that do not fit the setting, and unknown repositories', () => {
    const { ctx } = setup();
    expect(() =>
      putImageTagMutability(ctx, {
        repositoryName: REPO,
        imageTagMutability: 'IMMUTABLE',
        imageTagMutabilityExclusionFilters: filters,
      }),
    ).toThrow(/can only be specified/);
    expect(() =>
      putImageTagMutability(ctx, { repositoryName: REPO, imageTagMutability: 'MUTABLE_WITH_EXCLUSION' }),
    ).toThrow(/must be specified/);
    expect(() =>
      putImageTagMutability(ctx, { repositoryName: 'nope', imageTagMutability: 'MUTABLE' }),
    ).toThrow(/does not exist/);
  });
});
