import type {
  BatchDeleteImageRequest,
  BatchDeleteImageResponse,
  DeleteLifecyclePolicyResponse,
  GetLifecyclePolicyPreviewRequest,
  GetLifecyclePolicyPreviewResponse,
  GetLifecyclePolicyResponse,
  PutLifecyclePolicyRequest,
  PutLifecyclePolicyResponse,
  StartLifecyclePolicyPreviewRequest,
  StartLifecyclePolicyPreviewResponse,
} from '@edgecr/protocol';
import {
  lifecyclePolicyNotFound,
  lifecyclePreviewInProgress,
  lifecyclePreviewNotFound,
  repositoryNotFound,
} from '../errors.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';
import { evaluateLifecycle, type LifecycleImage } from './evaluate.ts';
import { parseLifecyclePolicy } from './policy.ts';
import { previewEntries, previewPage } from './preview.ts';
import type { LifecycleRecord } from './records.ts';

/** How often a policy runs when the operator sets nothing: hourly (ECR promises within 24 hours). */
export const DEFAULT_LIFECYCLE_INTERVAL_SECONDS = 3600;

/** Deletes images by id as BatchDeleteImage does, inside the caller's transaction, at `at` (epoch ms). */
export type ImageDeletion = (
  tables: CatalogTransaction,
  input: BatchDeleteImageRequest,
  at: number,
) => BatchDeleteImageResponse;

/** How lifecycle policies run. */
export interface LifecycleOptions {
  /** The clock, epoch milliseconds. */
  now: () => number;
  /** How long after its last run (or its setting) a policy runs again. */
  intervalSeconds: number;
}

/** The images a policy looks at: those no index of the repository lists (an index's children go with it). */
function lifecycleImages(tables: CatalogTransaction, repositoryName: string): LifecycleImage[] {
  const limit = tables.imageCount(repositoryName);
  return tables
    .listImages(repositoryName, { limit, tagStatus: 'ANY' })
    .filter((image) => tables.parentsOf(repositoryName, image.digest).length === 0)
    .map(({ digest, tags, pushedAt, lastRecordedPullTime }) => ({
      digest,
      tags,
      pushedAt,
      ...(lastRecordedPullTime !== undefined && { lastRecordedPullTime }),
    }));
}

/**
 * ECR's lifecycle policies on one registry's catalog: Put/Get/DeleteLifecyclePolicy, the preview
 * (StartLifecyclePolicyPreview answers IN_PROGRESS; the next wake-up evaluates it, with the same engine as a
 * run), and the run itself, from the host's wake-up, through BatchDeleteImage's deletion path.
 * @example
 * const lifecycle = new LifecycleRules('123456789012', store, deleteImages, { now: Date.now, intervalSeconds: 3600 });
 */
export class LifecycleRules {
  constructor(
    private readonly registryId: string,
    private readonly store: CatalogStore,
    private readonly deleteImages: ImageDeletion,
    private readonly options: LifecycleOptions,
  ) {}

  /** PutLifecyclePolicy: checks the text, stores it; its first run is due an interval later. */
  async putLifecyclePolicy(input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
    const { repositoryName, lifecyclePolicyText } = input;
    parseLifecyclePolicy(lifecyclePolicyText);
    const at = this.seconds();
    await this.store.transaction((tables) => {
      const { lastEvaluatedAt: _last, ...kept } = this.record(tables, repositoryName);
      tables.putLifecycle({ ...kept, policyText: lifecyclePolicyText, policySetAt: at });
    });
    await this.store.wakeBy((at + this.options.intervalSeconds) * 1000);
    return { registryId: this.registryId, repositoryName, lifecyclePolicyText };
  }

  /** GetLifecyclePolicy. */
  getLifecyclePolicy(repositoryName: string): Promise<GetLifecyclePolicyResponse> {
    return this.store.transaction((tables) => this.policyOf(this.record(tables, repositoryName)));
  }

  /** DeleteLifecyclePolicy: answers the policy it deleted; a preview stays readable. */
  deleteLifecyclePolicy(repositoryName: string): Promise<DeleteLifecyclePolicyResponse> {
    return this.store.transaction((tables) => {
      const record = this.record(tables, repositoryName);
      const answer = this.policyOf(record);
      if (record.preview) tables.putLifecycle({ repositoryName, preview: record.preview });
      else tables.deleteLifecycle(repositoryName);
      return answer;
    });
  }

  /**
   * StartLifecyclePolicyPreview of the text given, else of the stored policy. The preview is IN_PROGRESS
   * until the wake-up this asks for (at once) evaluates it.
   */
  async startLifecyclePolicyPreview(
    input: StartLifecyclePolicyPreviewRequest,
  ): Promise<StartLifecyclePolicyPreviewResponse> {
    const { repositoryName } = input;
    if (input.lifecyclePolicyText !== undefined) parseLifecyclePolicy(input.lifecyclePolicyText);
    const policyText = await this.store.transaction((tables) => {
      const record = this.record(tables, repositoryName);
      const text = input.lifecyclePolicyText ?? record.policyText;
      if (text === undefined) throw lifecyclePolicyNotFound(this.registryId, repositoryName);
      if (record.preview?.status === 'IN_PROGRESS') {
        throw lifecyclePreviewInProgress(this.registryId, repositoryName);
      }
      tables.putLifecycle({ ...record, preview: { policyText: text, status: 'IN_PROGRESS', results: [] } });
      return text;
    });
    await this.store.wakeBy(this.options.now());
    return {
      registryId: this.registryId,
      repositoryName,
      lifecyclePolicyText: policyText,
      status: 'IN_PROGRESS',
    };
  }

  /** GetLifecyclePolicyPreview. */
  getLifecyclePolicyPreview(
    input: GetLifecyclePolicyPreviewRequest,
  ): Promise<GetLifecyclePolicyPreviewResponse> {
    return this.store.transaction((tables) => {
      const { preview } = this.record(tables, input.repositoryName);
      if (!preview) throw lifecyclePreviewNotFound(this.registryId, input.repositoryName);
      return {
        registryId: this.registryId,
        repositoryName: input.repositoryName,
        ...previewPage(preview, input),
      };
    });
  }

  /**
   * The host's wake-up: evaluates the previews in progress, runs every policy that is due (expiring through
   * BatchDeleteImage's path, in the evaluation's own transaction, so nothing changes in between), then asks
   * for a wake-up when the next policy is due.
   */
  async run(): Promise<void> {
    const names = await this.store.transaction((tables) => tables.lifecycles().map((r) => r.repositoryName));
    for (const repositoryName of names) {
      await this.store.transaction((tables) => this.runOne(tables, repositoryName));
    }
    await this.schedule();
  }

  /** Asks for a wake-up when the next policy is due (none: no wake-up); for a host starting up. */
  async schedule(): Promise<void> {
    const next = await this.store.transaction((tables) =>
      Math.min(...tables.lifecycles().map((record) => this.dueAt(record))),
    );
    if (Number.isFinite(next)) await this.store.wakeBy(Math.max(next * 1000, this.options.now()));
  }

  private runOne(tables: CatalogTransaction, repositoryName: string): void {
    const record = tables.lifecycle(repositoryName);
    if (!record) return;
    const now = this.seconds();
    const updated: LifecycleRecord = { ...record };
    if (record.preview?.status === 'IN_PROGRESS') {
      const verdicts = evaluateLifecycle(
        parseLifecyclePolicy(record.preview.policyText),
        lifecycleImages(tables, repositoryName),
        now,
      );
      updated.preview = { ...record.preview, status: 'COMPLETE', results: previewEntries(verdicts) };
    }
    if (record.policyText !== undefined && this.dueAt(record) <= now) {
      const policy = parseLifecyclePolicy(record.policyText);
      const verdicts = evaluateLifecycle(policy, lifecycleImages(tables, repositoryName), now);
      if (verdicts.length > 0) {
        const imageIds = verdicts.map(({ image }) => ({ imageDigest: image.digest }));
        this.deleteImages(tables, { repositoryName, imageIds }, this.options.now());
      }
      updated.lastEvaluatedAt = now;
    }
    tables.putLifecycle(updated);
  }

  /** When a record's policy is next due (epoch seconds); never without a policy. */
  private dueAt(record: LifecycleRecord): number {
    if (record.policyText === undefined) return Number.POSITIVE_INFINITY;
    return (record.lastEvaluatedAt ?? record.policySetAt ?? 0) + this.options.intervalSeconds;
  }

  private policyOf(record: LifecycleRecord): GetLifecyclePolicyResponse {
    if (record.policyText === undefined)
      throw lifecyclePolicyNotFound(this.registryId, record.repositoryName);
    return {
      registryId: this.registryId,
      repositoryName: record.repositoryName,
      lifecyclePolicyText: record.policyText,
      ...(record.lastEvaluatedAt !== undefined && { lastEvaluatedAt: record.lastEvaluatedAt }),
    };
  }

  /** The repository's lifecycle state (empty when it has none); RepositoryNotFoundException without it. */
  private record(tables: CatalogTransaction, repositoryName: string): LifecycleRecord {
    if (!tables.repository(repositoryName)) throw repositoryNotFound(this.registryId, repositoryName);
    return tables.lifecycle(repositoryName) ?? { repositoryName };
  }

  private seconds(): number {
    return this.options.now() / 1000;
  }
}
