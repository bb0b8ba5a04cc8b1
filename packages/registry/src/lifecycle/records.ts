/**
 * What the catalog keeps of a repository's lifecycle: its policy, when it last ran, and its latest preview.
 * @module
 */

/** One image of a completed preview: what a run would expire, and by which rule. Times are epoch seconds. */
export interface PreviewEntry {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: number;
  appliedRulePriority: number;
}

/** A repository's latest preview: started (IN_PROGRESS), then evaluated (COMPLETE) by the next wake-up. */
export interface LifecyclePreview {
  /** The policy the preview evaluates (the one given to StartLifecyclePolicyPreview, or the stored one). */
  policyText: string;
  status: 'IN_PROGRESS' | 'COMPLETE';
  /** Oldest push first; empty until COMPLETE. */
  results: PreviewEntry[];
}

/** A repository's lifecycle state, one record per repository that has a policy or a preview. */
export interface LifecycleRecord {
  repositoryName: string;
  /** The policy, as the user wrote it; absent once deleted (a preview may outlive it). */
  policyText?: string;
  /** When the policy was set (epoch seconds): its first run is due an interval later. */
  policySetAt?: number;
  /** When the policy last ran (epoch seconds). */
  lastEvaluatedAt?: number;
  preview?: LifecyclePreview;
}
