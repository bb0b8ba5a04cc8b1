import type { RepositoryRecord } from '../catalog/records.ts';
import type { LifecycleRecord } from '../lifecycle/records.ts';
import type { CatalogStore, CatalogTransaction, LayerLink } from '../ports/catalogStore.ts';
import type { PullThroughRuleRecord } from '../pullThrough/records.ts';
import type { TemplateRecord } from '../templates/records.ts';
import { copyImages, type ImageTables, imageView, referenced } from './imageTables.ts';

/** Every table of the catalog: the image tables and what they rest on, the lifecycle states, released keys. */
interface Tables extends ImageTables {
  /** repository name → its lifecycle state. */
  lifecycles: Map<string, LifecycleRecord>;
  /** prefix → its repository creation template. */
  templates: Map<string, TemplateRecord>;
  /** prefix → its pull-through cache rule. */
  pullThroughRules: Map<string, PullThroughRuleRecord>;
  /** repository name and tag → when the tag was last checked upstream. */
  upstreamChecks: Map<string, number>;
  /** Released object keys (true: deleted since). */
  deletions: Map<string, boolean>;
}

function copy(tables: Tables): Tables {
  return {
    lifecycles: new Map(tables.lifecycles),
    templates: new Map(tables.templates),
    pullThroughRules: new Map(tables.pullThroughRules),
    upstreamChecks: new Map(tables.upstreamChecks),
    deletions: new Map(tables.deletions),
    repositories: new Map(tables.repositories),
    blobs: new Map(tables.blobs),
    links: new Map([...tables.links].map(([name, digests]) => [name, new Map(digests)])),
    images: copyImages(tables.images),
    aliases: new Map(tables.aliases),
  };
}

/** A transaction's view: reads and writes go to a copy, which replaces the tables only if `fn` returns. */
function view(tables: Tables): CatalogTransaction {
  return {
    ...imageView(tables),
    repository: (name) => structuredClone(tables.repositories.get(name) ?? null),
    repositoriesAfter: (after, limit) =>
      [...tables.repositories.keys()]
        .filter((name) => name > after)
        .sort()
        .slice(0, limit)
        .map((name) => structuredClone(tables.repositories.get(name) as RepositoryRecord)),
    insertRepository: (record) =>
      void tables.repositories.set(record.repositoryName, structuredClone(record)),
    deleteRepository: (name) => {
      tables.repositories.delete(name);
      // A name holds no ':', so the prefix names this repository's checks alone.
      for (const key of tables.upstreamChecks.keys())
        if (key.startsWith(`${name}:`)) tables.upstreamChecks.delete(key);
    },
    setRepositoryTags: (name, tags) => {
      const record = tables.repositories.get(name) as RepositoryRecord;
      tables.repositories.set(name, { ...record, tags: structuredClone(tags) });
    },
    setRepositoryPolicy: (name, policyText) => {
      const { policyText: _old, ...record } = tables.repositories.get(name) as RepositoryRecord;
      tables.repositories.set(name, policyText === null ? record : { ...record, policyText });
    },
    blob: (digest) => {
      const blob = tables.blobs.get(digest);
      return blob ? { ...blob } : null;
    },
    blobAt: (objectKey) => [...tables.blobs.values()].some((blob) => blob.objectKey === objectKey),
    insertBlob: (blob) => void tables.blobs.set(blob.digest, { ...blob }),
    deleteBlob: (digest) => void tables.blobs.delete(digest),
    linked: (name, digest) => tables.links.get(name)?.has(digest) ?? false,
    held: (digest) => [...tables.links.values()].some((digests) => digests.has(digest)),
    holdersAfter: (digest, after, limit) =>
      [...tables.links]
        .filter(([name, digests]) => name > after && digests.has(digest))
        .map(([name]) => name)
        .sort()
        .slice(0, limit),
    link: (name, digest, linkedAt) => {
      const digests = tables.links.get(name) ?? new Map<string, number>();
      digests.set(digest, linkedAt);
      tables.links.set(name, digests);
    },
    unlink: (name, digest) => void tables.links.get(name)?.delete(digest),
    unlinkAll: (name) => {
      const digests = [...(tables.links.get(name)?.keys() ?? [])];
      tables.links.delete(name);
      return digests;
    },
    retimeUnreferencedLinks: (name, at) => {
      for (const digest of tables.links.get(name)?.keys() ?? []) {
        if (!referenced(tables, name, digest)) tables.links.get(name)?.set(digest, at);
      }
    },
    unreferencedLinks: (limit) =>
      [...tables.links]
        .flatMap(([repositoryName, digests]): LayerLink[] =>
          [...digests].map(([digest, linkedAt]) => ({ repositoryName, digest, linkedAt })),
        )
        .filter((link) => !referenced(tables, link.repositoryName, link.digest))
        .sort((a, b) => a.linkedAt - b.linkedAt)
        .slice(0, limit),
    lifecycle: (name) => structuredClone(tables.lifecycles.get(name) ?? null),
    lifecycles: () => [...tables.lifecycles.values()].map((record) => structuredClone(record)),
    putLifecycle: (record) => void tables.lifecycles.set(record.repositoryName, structuredClone(record)),
    deleteLifecycle: (name) => void tables.lifecycles.delete(name),
    templates: () => [...tables.templates.values()].map((record) => structuredClone(record)),
    putTemplate: (record) => void tables.templates.set(record.prefix, structuredClone(record)),
    deleteTemplate: (prefix) => void tables.templates.delete(prefix),
    pullThroughRules: () => [...tables.pullThroughRules.values()].map((record) => structuredClone(record)),
    putPullThroughRule: (record) =>
      void tables.pullThroughRules.set(record.ecrRepositoryPrefix, structuredClone(record)),
    deletePullThroughRule: (prefix) => void tables.pullThroughRules.delete(prefix),
    upstreamCheck: (name, tag) => tables.upstreamChecks.get(`${name}:${tag}`) ?? null,
    putUpstreamCheck: (name, tag, at) => void tables.upstreamChecks.set(`${name}:${tag}`, at),
    queueObjectDeletions: (keys) => {
      for (const key of keys) tables.deletions.set(key, false);
    },
    queuedObjectDeletions: (limit) =>
      [...tables.deletions]
        .filter(([, deleted]) => !deleted)
        .map(([key]) => key)
        .slice(0, limit),
    forgetObjectDeletions: (keys) => {
      for (const key of keys) if (tables.deletions.has(key)) tables.deletions.set(key, true);
    },
    objectReleased: (key) => tables.deletions.has(key),
  };
}

/** One registry's catalog in memory; a transaction that throws leaves the tables as they were. */
export class MemoryCatalogStore implements CatalogStore {
  private tables: Tables = {
    lifecycles: new Map(),
    templates: new Map(),
    pullThroughRules: new Map(),
    upstreamChecks: new Map(),
    deletions: new Map(),
    repositories: new Map(),
    blobs: new Map(),
    links: new Map(),
    images: new Map(),
    aliases: new Map(),
  };
  private wakeAt: number | null = null;

  async transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T> {
    const working = copy(this.tables);
    const result = fn(view(working));
    this.tables = working;
    return result;
  }

  async wakeBy(at: number): Promise<void> {
    this.wakeAt = this.wakeAt === null ? at : Math.min(this.wakeAt, at);
  }

  /** The wake-up asked for, if any (the memory host runs it when due, as a Durable Object alarm would). */
  get wakeTime(): number | null {
    return this.wakeAt;
  }

  /** Forgets the wake-up, as a Durable Object's alarm is cleared when it fires. */
  clearWakeUp(): void {
    this.wakeAt = null;
  }

  /**
   * The tables outside any transaction (no rollback), for tests that drive the synchronous image rules
   * directly.
   */
  unguarded(): CatalogTransaction {
    return view(this.tables);
  }
}
