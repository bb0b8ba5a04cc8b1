import type { RCTAppliedFor, RepositoryCreationTemplate } from '@edgecr/protocol';

/**
 * A repository creation template as the catalog keeps it: ECR's wire shape with the members every stored
 * template has made required. Times are epoch seconds.
 */
export type TemplateRecord = RepositoryCreationTemplate & {
  prefix: string;
  appliedFor: RCTAppliedFor[];
  createdAt: number;
  updatedAt: number;
};
