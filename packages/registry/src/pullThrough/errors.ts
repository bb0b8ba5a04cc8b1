import { EcrError, invalidParameter, type UpstreamReason } from '@edgecr/protocol';

// The pull-through cache's ECR errors, worded in one place.

/** PullThroughCacheRuleAlreadyExistsException (edgecr's wording, in the frame of ECR's repository errors). */
export function ruleAlreadyExists(registryId: string, prefix: string): EcrError {
  return new EcrError(
    'PullThroughCacheRuleAlreadyExistsException',
    `The pull through cache rule with prefix '${prefix}' already exists in the registry with id '${registryId}'`,
  );
}

/** PullThroughCacheRuleNotFoundException (edgecr's wording, in the frame of ECR's repository errors). */
export function ruleNotFound(registryId: string, prefix: string): EcrError {
  return new EcrError(
    'PullThroughCacheRuleNotFoundException',
    `The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${registryId}'`,
  );
}

/** A rule whose prefix would share repositories with another rule or an existing repository. */
export function ruleOverlaps(prefix: string, what: string): EcrError {
  return invalidParameter('ecrRepositoryPrefix', `'${prefix}' must not overlap ${what}`);
}

/** SecretNotFoundException: the credential a rule names is not among the upstream credentials. */
export function secretNotFound(name: string): EcrError {
  return new EcrError(
    'SecretNotFoundException',
    `The upstream credential '${name}' is not among the Worker's UPSTREAM_CREDENTIALS`,
  );
}

/**
 * UnableToGetUpstreamImageException / UnableToGetUpstreamLayerException; the reason leads the message, where
 * the doors read it back (upstreamReasonOf).
 */
export function unableToGetUpstream(
  what: 'image' | 'layer',
  reason: UpstreamReason,
  detail: string,
): EcrError {
  const code = what === 'image' ? 'UnableToGetUpstreamImageException' : 'UnableToGetUpstreamLayerException';
  return new EcrError(code, `${reason}: ${detail}`);
}
