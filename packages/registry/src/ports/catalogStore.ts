import type { Tag } from '@edgecr/protocol';
import type { LayerRecord, RepositoryRecord } from '../catalog/records.ts';
import type { ImageStore } from '../images/store.ts';
import type { LifecycleRecord } from '../lifecycle/records.ts';
import type { PullThroughRuleRecord } from '../pullThrough/records.ts';
import type { TemplateRecord } from '../templates/records.ts';

/** A repository's link to a layer, with when it was made (epoch milliseconds). */
export interface LayerLink {
  repositoryName: string;
  digest: string;
  linkedAt: number;
}

/**
 * The tables of one registry's catalog, read and written inside a transaction. Synchronous on purpose: the
 * rules decide between reads and writes with no other I/O in between, which is what makes a transaction on
 * SQLite (a Durable Object's, or node:sqlite's) serialisable without locks.
 *
 * Images are part of the catalog: the image rules' {@link ImageStore} port is this same transaction, so an
 * image and the layers and repository it rests on change together.
 */
export interface CatalogTransaction extends ImageStore {
  repository(name: string): RepositoryRecord | null;
  /** Repositories whose name sorts after `after`, in name order, at most `limit`. */
  repositoriesAfter(after: string, limit: number): RepositoryRecord[];
  insertRepository(record: RepositoryRecord): void;
  /** Forgets a repository and when its tags were last checked upstream (a namesake created later starts afresh). */
  deleteRepository(name: string): void;
  /** Replaces the tags of an existing repository. */
  setRepositoryTags(name: string, tags: Tag[]): void;
  /** Sets (or, with `null`, removes) the policy of an existing repository. */
  setRepositoryPolicy(name: string, policyText: string | null): void;
  blob(digest: string): LayerRecord | null;
  /** Whether any blob is stored under `objectKey`. */
  blobAt(objectKey: string): boolean;
  insertBlob(blob: LayerRecord): void;
  deleteBlob(digest: string): void;
  /** Whether the repository holds the layer. */
  linked(repositoryName: string, digest: string): boolean;
  /** Whether any repository holds the layer. */
  held(digest: string): boolean;
  /** The repositories holding the layer whose name sorts after `after`, in name order, at most `limit`. */
  holdersAfter(digest: string, after: string, limit: number): string[];
  /** Puts the layer in the repository, linked at `linkedAt` (epoch milliseconds). */
  link(repositoryName: string, digest: string, linkedAt: number): void;
  /** Drops one link. */
  unlink(repositoryName: string, digest: string): void;
  /** Drops every link of the repository; returns the digests it held. */
  unlinkAll(repositoryName: string): string[];
  /** Links no image of their repository references, oldest first, at most `limit`. */
  unreferencedLinks(limit: number): LayerLink[];
  /** Sets the time of every link of the repository that no image references to `at` (epoch milliseconds). */
  retimeUnreferencedLinks(repositoryName: string, at: number): void;
  /** The repository's lifecycle state, or `null` when it has neither policy nor preview. */
  lifecycle(repositoryName: string): LifecycleRecord | null;
  /** Every repository's lifecycle state (the wake-up runs the policies that are due). */
  lifecycles(): LifecycleRecord[];
  /** Stores a repository's lifecycle state, replacing any. */
  putLifecycle(record: LifecycleRecord): void;
  /** Forgets a repository's lifecycle state. */
  deleteLifecycle(repositoryName: string): void;
  /** Every repository creation template of the registry, in no particular order. */
  templates(): TemplateRecord[];
  /** Stores a creation template, replacing the one of its prefix. */
  putTemplate(record: TemplateRecord): void;
  /** Forgets the creation template of a prefix. */
  deleteTemplate(prefix: string): void;
  /** Every pull-through cache rule of the registry, in no particular order. */
  pullThroughRules(): PullThroughRuleRecord[];
  /** Stores a pull-through cache rule, replacing the one of its prefix. */
  putPullThroughRule(record: PullThroughRuleRecord): void;
  /** Forgets the pull-through cache rule of a prefix. */
  deletePullThroughRule(prefix: string): void;
  /** When a pull-through repository's tag was last checked upstream (epoch ms), or null. */
  upstreamCheck(repositoryName: string, tag: string): number | null;
  /** Records that a pull-through repository's tag was checked upstream at `at` (epoch ms). */
  putUpstreamCheck(repositoryName: string, tag: string, at: number): void;
  /**
   * Records object keys whose bytes go once this transaction commits (a released blob's): the record outlives
   * a host that dies, or a BlobStore that fails, between the commit and the deletion.
   */
  queueObjectDeletions(objectKeys: string[]): void;
  /** Object keys queued for deletion and not yet deleted, at most `limit`. */
  queuedObjectDeletions(limit: number): string[];
  /**
   * Takes keys off the queue once their bytes are deleted; they stay known as released at least as long as an
   * upload may still register them (its TTL after the release), and may be forgotten afterwards.
   */
  forgetObjectDeletions(objectKeys: string[]): void;
  /**
   * Whether a blob at `objectKey` was ever released (queued for deletion, deleted or not yet): an upload whose
   * registration lost its answer must not register that object again.
   */
  objectReleased(objectKey: string): boolean;
}

/**
 * One registry's catalog store. `transaction` runs `fn` atomically: all of its writes or none (an exception
 * rolls back). The host serialises calls on one registry.
 */
export interface CatalogStore {
  transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T>;
  /**
   * Asks the host to call the catalog's `sweep` at `at` (epoch milliseconds) or earlier: a wake-up already
   * due sooner stays, a later one moves to `at`. On Cloudflare this is the Registry object's alarm.
   */
  wakeBy(at: number): Promise<void>;
}
