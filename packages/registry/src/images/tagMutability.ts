/**
 * Image tag mutability: whether a tag may move to another image, and PutImageTagMutability.
 * @module
 */

import type {
  ImageTagMutabilityExclusionFilter,
  PutImageTagMutabilityRequest,
  PutImageTagMutabilityResponse,
} from '@edgecr/protocol';
import { invalidParameter } from '@edgecr/protocol';
import { requireRepository } from './imageIds.ts';
import type { ImageContext, ImageRepositorySettings } from './store.ts';

/**
 * Whether a tag of the repository may not move to another image. In `IMMUTABLE_WITH_EXCLUSION` the tags an
 * exclusion filter matches stay mutable; in `MUTABLE_WITH_EXCLUSION` they are the immutable ones.
 * @example
 * isTagImmutable({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
 *   imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }] }, 'dev-1'); // false
 */
export function isTagImmutable(settings: ImageRepositorySettings, tag: string): boolean {
  const excluded = (settings.imageTagMutabilityExclusionFilters ?? []).some((filter) => matches(filter, tag));
  switch (settings.imageTagMutability) {
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded;
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded;
  }
}

/** A WILDCARD filter: `*` matches any run of characters, everything else itself. */
function matches(filter: ImageTagMutabilityExclusionFilter, tag: string): boolean {
  const pattern = filter.filter
    .split('*')
    .map((part) => part.replaceAll('.', '\\.'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

/**
 * ECR's pairing of a tag mutability with exclusion filters: the `*_WITH_EXCLUSION` settings need them, the
 * others take none (PutImageTagMutability's rule, and a creation template's).
 * @throws EcrError `InvalidParameterException` for filters that do not fit the setting.
 */
export function checkExclusionFilters(
  imageTagMutability: string,
  filters: ImageTagMutabilityExclusionFilter[] | undefined,
): void {
  const withExclusion = imageTagMutability.endsWith('_WITH_EXCLUSION');
  if (withExclusion && filters === undefined) {
    throw invalidParameter(
      'imageTagMutabilityExclusionFilters',
      `must be specified when imageTagMutability is ${imageTagMutability}`,
    );
  }
  if (!withExclusion && filters !== undefined) {
    throw invalidParameter(
      'imageTagMutabilityExclusionFilters',
      `can only be specified when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION`,
    );
  }
}

/**
 * PutImageTagMutability. Exclusion filters belong to the `*_WITH_EXCLUSION` settings only, and those need
 * one.
 * @throws EcrError `RepositoryNotFoundException`; `InvalidParameterException` for filters that do not fit
 * the setting.
 */
export function putImageTagMutability(
  ctx: ImageContext,
  input: PutImageTagMutabilityRequest,
): PutImageTagMutabilityResponse {
  const { repositoryName, imageTagMutability, imageTagMutabilityExclusionFilters: filters } = input;
  requireRepository(ctx, repositoryName);
  checkExclusionFilters(imageTagMutability, filters);
  const settings: ImageRepositorySettings =
    filters === undefined
      ? { imageTagMutability }
      : { imageTagMutability, imageTagMutabilityExclusionFilters: filters };
  ctx.store.setTagMutability(repositoryName, settings);
  return { registryId: ctx.registryId, repositoryName, ...settings };
}
