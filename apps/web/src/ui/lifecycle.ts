/**
 * What the console reads from a lifecycle policy: the repository's policy (or none), its rules in words for the
 * rules table, and the registry's refusals of a change as sentences that keep ECR's own words.
 * @module
 */

import { describeFailure, type EcrClient, isEcrError, type UploadFailure } from '@edgecr/client';
import { EcrError } from '@edgecr/protocol';

/** A repository's lifecycle policy as GetLifecyclePolicy answers it. */
export interface StoredPolicy {
  readonly text: string;
  /** When it last ran (epoch seconds); absent until its first run. */
  readonly lastEvaluatedAt?: number;
}

/**
 * The repository's policy; `null` when it has none, `undefined` when the endpoint offers no lifecycle
 * policies at all (`UnknownOperationException`).
 */
export async function loadPolicy(
  client: EcrClient,
  repositoryName: string,
): Promise<StoredPolicy | null | undefined> {
  try {
    const answer = await client.send('GetLifecyclePolicy', { repositoryName });
    return {
      text: answer.lifecyclePolicyText ?? '',
      ...(answer.lastEvaluatedAt !== undefined && { lastEvaluatedAt: answer.lastEvaluatedAt }),
    };
  } catch (failure) {
    if (isEcrError(failure, 'LifecyclePolicyNotFoundException')) return null;
    if (isEcrError(failure, 'UnknownOperationException')) return undefined;
    throw failure;
  }
}

/** What the editor starts from when the repository has no policy: ECR's most common rule. */
export const EXAMPLE_POLICY = `{
  "rules": [
    {
      "rulePriority": 1,
      "description": "Untagged images 14 days after their push",
      "selection": {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 14
      },
      "action": { "type": "expire" }
    }
  ]
}`;

/**
 * A policy text indented for reading; a text that is not JSON as it is.
 * @example
 * prettyPolicy('{"rules":[]}'); // '{\n  "rules": []\n}'
 */
export function prettyPolicy(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One rule of the rules table, in words. */
export interface RuleRow {
  readonly priority: number;
  readonly description: string;
  readonly selection: string;
  readonly action: string;
}

interface Rule {
  rulePriority?: number;
  description?: string;
  selection?: {
    tagStatus?: string;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType?: string;
    countUnit?: string;
    countNumber?: number;
  };
  action?: { type?: string };
}

/** Which images a selection takes, and which of those go: "tagged v*, more than 10 images". */
function selectionWords(selection: NonNullable<Rule['selection']>): string {
  const { tagStatus, tagPrefixList, tagPatternList, countType, countNumber = 0 } = selection;
  const which =
    tagStatus === 'untagged'
      ? 'untagged images'
      : tagStatus === 'any'
        ? 'all images'
        : tagPrefixList
          ? `images with tags starting ${tagPrefixList.join(' and ')}`
          : `images with tags matching ${(tagPatternList ?? []).join(' and ')}`;
  const days = `${countNumber} ${countNumber === 1 ? 'day' : 'days'}`;
  const when =
    countType === 'imageCountMoreThan'
      ? `beyond the newest ${countNumber}`
      : countType === 'sinceImagePulled'
        ? `not pulled for ${days}`
        : `pushed more than ${days} ago`;
  return `${which}, ${when}`;
}

/**
 * The rules of a stored policy, by priority, each in words; `undefined` when the text is not a policy (no
 * registry stores such a text, but the page never throws on one).
 * @example
 * ruleRows(text)?.[0]; // { priority: 1, description: '…', selection: 'untagged images, pushed more than 14 days ago', action: 'expire' }
 */
export function ruleRows(text: string): RuleRow[] | undefined {
  let rules: Rule[];
  try {
    rules = (JSON.parse(text) as { rules?: Rule[] }).rules ?? [];
    if (!Array.isArray(rules)) return undefined;
  } catch {
    return undefined;
  }
  return rules
    .map((rule) => ({
      priority: rule.rulePriority ?? 0,
      description: rule.description ?? '',
      selection: selectionWords(rule.selection ?? {}),
      action: rule.action?.type ?? '',
    }))
    .sort((a, b) => a.priority - b.priority);
}

/** The sentence for each refusal a lifecycle change meets; ECR's own message stays shown under it. */
const REFUSALS: Record<string, string> = {
  InvalidParameterException:
    'The registry refused the policy, and nothing changed. Correct the text and try again.',
  AccessDeniedException:
    'This key may not change or preview lifecycle policies: that needs a key with admin permission on the registry. It may read them.',
  LifecyclePolicyPreviewInProgressException:
    'A preview of this repository is already running. Try again in a moment.',
  LifecyclePolicyNotFoundException: 'The repository has no lifecycle policy (any more).',
};

/**
 * A failed lifecycle call as the page says it: a sentence of its own for the refusals a person can act on,
 * else the engine's sentence; the code and ECR's message in `detail`, shown verbatim.
 */
export function lifecycleFailure(error: unknown): UploadFailure {
  const described = describeFailure(error);
  const own = error instanceof EcrError ? REFUSALS[error.code] : undefined;
  return own === undefined ? described : { ...described, message: own };
}
