import type { PullThroughCacheRule } from '@edgecr/protocol';
import type { PulledImages } from '../images/batchGetImage.ts';

/**
 * A pull-through cache rule as the catalog keeps it: ECR's wire shape with what every stored rule has made
 * required. `upstreamRegistryUrl` is stored as given (a host, or a URL with its scheme); times are epoch seconds.
 */
export type PullThroughRuleRecord = PullThroughCacheRule & {
  ecrRepositoryPrefix: string;
  upstreamRegistryUrl: string;
  createdAt: number;
  updatedAt: number;
};

/** Where a pull-through repository's images come from: its rule and the repository's name upstream. */
export interface PullThroughSource {
  rule: PullThroughRuleRecord;
  upstreamRepository: string;
  /** When each tag asked about was last checked upstream (epoch ms); a tag never checked is absent. */
  checkedAt: Record<string, number>;
}

/**
 * What a pull reads in one catalog call: BatchGetImage's answer with the repository's policy text (null when
 * the repository does not exist yet but a rule covers it, so the pull creates it) and where the repository's images come from upstream, if
 * anywhere.
 */
export interface ImagePull {
  answer: PulledImages | null;
  source: PullThroughSource | null;
}
