import type {
  CreateRepositoryRequest,
  EncryptionConfiguration,
  ImageScanningConfiguration,
  ImageTagMutability,
  ImageTagMutabilityExclusionFilter,
  Tag,
} from '@edgecr/protocol';
import { toEpochSeconds } from '@edgecr/protocol';
import { addTags } from './repositoryTags.ts';

/** A repository as the catalog keeps it; a door adds what depends on the request (ARN, URI). */
export interface RepositoryRecord {
  repositoryName: string;
  createdAt: number;
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[];
  imageScanningConfiguration: ImageScanningConfiguration;
  encryptionConfiguration: EncryptionConfiguration;
  tags: Tag[];
  /** The repository policy's text (SetRepositoryPolicy), if it has one; never on the wire of a repository. */
  policyText?: string;
}

/** A page of DescribeRepositories. */
export interface RepositoryPage {
  repositories: RepositoryRecord[];
  nextToken?: string;
}

/** What DescribeRepositories asks: named repositories, or a page of all of them. */
export interface RepositoryQuery {
  repositoryNames?: string[];
  maxResults?: number;
  nextToken?: string;
}

/** A layer that completed and is stored in the BlobStore under `objectKey`. */
export interface LayerRecord {
  digest: string;
  size: number;
  objectKey: string;
}

/** A layer of a repository, and whether an image of the repository references it (ECR serves only those). */
export interface RepositoryLayer extends LayerRecord {
  referenced: boolean;
  /**
   * The repository's policy text, if it has one: a pull's answer carries it so that the door checks a Deny
   * without asking the catalog again.
   */
  policyText?: string;
}

/**
 * What registering a finished layer did: a new blob, a link to the copy another repository already has, or
 * nothing but (maybe) recording its alias, for the repository already held it; 'released' when the layer's
 * object was registered before and released since (its bytes are gone or going), so nothing was done.
 */
export type Registration = 'created' | 'linked' | 'present' | 'released';

/**
 * What deleting a blob from a repository (an OCI blob `DELETE`) did: `deleted` (the repository's link is gone,
 * and the bytes with it if no other repository held them), `unknown` (the repository does not hold it) or
 * `referenced` (refused: an image of the repository references it, and would be left without it).
 */
export type LayerDeletion = 'deleted' | 'unknown' | 'referenced';

/**
 * The record CreateRepository stores: the request's settings with ECR's defaults for what it leaves out.
 * @throws EcrError `InvalidTagParameterException` or `TooManyTagsException` for tags TagResource would refuse.
 * @example
 * const record = newRepositoryRecord({ repositoryName: 'app' }, new Date());
 */
export function newRepositoryRecord(
  input: CreateRepositoryRequest & { policyText?: string },
  now: Date,
): RepositoryRecord {
  return {
    repositoryName: input.repositoryName,
    createdAt: toEpochSeconds(now),
    imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
    ...(input.imageTagMutabilityExclusionFilters && {
      imageTagMutabilityExclusionFilters: input.imageTagMutabilityExclusionFilters,
    }),
    imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false },
    encryptionConfiguration: input.encryptionConfiguration ?? { encryptionType: 'AES256' },
    tags: addTags([], input.tags ?? []),
    ...(input.policyText !== undefined && { policyText: input.policyText }),
  };
}
