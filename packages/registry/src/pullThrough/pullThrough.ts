/**
 * The pull path of the pull-through cache: a pull of `<prefix>/<upstream repository>` that edgecr cannot
 * answer (or a tag due for its check) brings the image in from upstream, verified, and stores it as an ordinary
 * image, so every later pull (and describe-images, lifecycle policies) sees it like a pushed one.
 * @module
 */

import { isDescriptorDigest } from '@edgecr/protocol';
import type { BlobStore } from '../ports/blobStore.ts';
import type { RegistryService } from '../service.ts';
import { type PulledBlob, sharedFill } from './blobFill.ts';
import { type IncrementalSha256, landPulledBlob } from './blobLanding.ts';
import { unableToGetUpstream } from './errors.ts';
import { largeReads } from './largeReads.ts';
import type { PullThroughRuleRecord, PullThroughSource } from './records.ts';
import { ReplayBudget, SharedBody, type SharedBodyLimits } from './sharedBody.ts';
import {
  fetchManifest,
  type UpstreamManifest,
  type UpstreamRepository,
  upstreamGet,
  upstreamManifestDigest,
} from './upstreamFetch.ts';
import { UpstreamAuthError, type UpstreamSession } from './upstreamSession.ts';
import { upstreamOrigin } from './upstreamUrl.ts';

/** ECR's refresh interval of a cached tag: 24 hours. */
export const DEFAULT_PULL_THROUGH_REFRESH_SECONDS = 86_400;

/** The most a blob's bytes are read from upstream in at a time. */
const READ_BYTES = 1024 * 1024;

/**
 * How a blob streamed from upstream is shared: 1 MiB queued per reader, its first 8 MiB kept for a puller
 * that joins late (past them a joiner waits for the blob to land), at most 32 MiB so kept in an isolate of
 * 128 MB, and a client that reads nothing for 30 s cut off so the blob still lands.
 */
const BLOB_SHARING: SharedBodyLimits = {
  queueBytes: 1024 * 1024,
  replayBytes: 8 * 1024 * 1024,
  budget: new ReplayBudget(32 * 1024 * 1024),
  stallMs: 30_000,
};

/** What the pull path needs beyond the registry. */
export interface PullThroughOptions {
  /** The session to a rule's upstream (the caller keeps one per upstream and credential, to reuse tokens). */
  sessionFor(rule: PullThroughRuleRecord): UpstreamSession;
  /** How long a tag cached through `rule` is served before it is checked upstream again, in seconds. */
  refreshSeconds(rule: PullThroughRuleRecord): number;
  /**
   * Runs once a blob brought in has landed, after its pullers have their bytes (a door warms its edge cache
   * with it, so the next pull near them is served as a pull after a push is).
   */
  landed?: (repositoryName: string, digest: string) => Promise<void>;
  /** Where a pulled blob's bytes are stored (the registry's BlobStore: the one its uploads write to). */
  blobs: BlobStore;
  /** A fresh SHA-256 that checks a pulled blob as it streams (the runtime's fastest). */
  sha256(): IncrementalSha256;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

/** An upstream that has no blob a cached image names. */
function lacks(digest: string) {
  return unableToGetUpstream('layer', 'UpstreamUnavailable', `the upstream does not have blob ${digest}`);
}

/** The length an upstream answer names, if it names one. */
function lengthOf(response: Response): number | undefined {
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  return Number.isSafeInteger(length) ? length : undefined;
}

/**
 * The manifests this isolate is bringing in from upstream now, by registry, repository and reference: a second
 * pull of the same one while the first is under way waits for it instead of asking upstream again. The bound
 * is one upstream fetch per isolate; isolates do not share it (docs/pull-through.md).
 */
const inFlight = new Map<string, Promise<unknown>>();

function once<T>(key: string, run: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key) as Promise<T> | undefined;
  if (running) return running;
  const started = run().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

/**
 * One registry's pull path through its pull-through cache rules.
 * @example
 * const pulled = new PullThrough(registry, { sessionFor, refreshSeconds: () => 86_400 });
 * const { answer, source } = await registry.catalog.pullImage(input);
 * if (await pulled.manifest('hub/library/alpine', '3.20', null, source)) { ...read the image again... }
 */
export class PullThrough {
  private readonly now: () => number;

  constructor(
    private readonly registry: RegistryService,
    private readonly options: PullThroughOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Brings the manifest `reference` (a tag or a digest) of a repository in from upstream when a rule covers
   * the repository (`source`, read with the image: CatalogRules.pullImage) and the repository does not hold it
   * (`cached` null), or holds it under a tag last checked more than the refresh interval ago, or `refresh`
   * asks for the check now (a pull that asked for no cached answer). A cached tag whose upstream fails is
   * served as cached (logged).
   * @param cached The digest of the image the repository holds for `reference`, or null.
   * @returns Whether anything was stored (the caller reads the image again).
   * @throws EcrError `UnableToGetUpstreamImageException` with the upstream's reason, for an image not cached.
   */
  async manifest(
    repositoryName: string,
    reference: string,
    cached: string | null,
    source: PullThroughSource | null,
    refresh = false,
  ): Promise<boolean> {
    if (!source) return false;
    const tag = isDescriptorDigest(reference) ? undefined : reference;
    // A digest names bytes that never change: once held, it is never asked upstream again. Upstreams name
    // manifests by sha256; a sha512 alias is edgecr's own.
    if (tag === undefined && (cached !== null || !reference.startsWith('sha256:'))) return false;
    const checkedAt = tag === undefined ? undefined : source.checkedAt[tag];
    const fresh =
      checkedAt !== undefined && this.now() - checkedAt < this.options.refreshSeconds(source.rule) * 1000;
    if (cached !== null && fresh && !refresh) return false;
    const key = `manifest\n${this.registry.registryId}\n${repositoryName}\n${reference}`;
    return await once(key, () => this.fill(repositoryName, reference, tag, source, cached));
  }

  /**
   * ValidatePullThroughCacheRule's check: whether the rule's upstream answers its API base (`/v2/`) with the
   * rule's credential, and why not.
   */
  async validate(rule: PullThroughRuleRecord): Promise<{ isValid: boolean; failure?: string }> {
    const base = `${upstreamOrigin(rule.upstreamRegistryUrl)}/v2/`;
    try {
      const response = await this.options.sessionFor(rule).fetch(base);
      await response.body?.cancel();
      return response.ok
        ? { isValid: true }
        : { isValid: false, failure: `${base} answered ${response.status}` };
    } catch (error) {
      return {
        isValid: false,
        failure: error instanceof UpstreamAuthError ? error.message : `${base} did not answer`,
      };
    }
  }

  /**
   * A blob an image of a pull-through repository references and the repository does not hold yet
   * (CatalogRules.upstreamBlob says which): fetched from upstream once per isolate, and streamed to the
   * caller while the same bytes are hashed and stored (landPulledBlob): bytes that do not hash to the digest
   * are never kept, and no caller gets their last chunk. A caller that comes while the blob is under way
   * joins that fetch (from its first byte, while those are kept) or waits for it to land (`stored`: read it
   * from the repository).
   * @param keep Keeps the storing alive after the caller's answer (a client may go before the blob lands).
   * @throws EcrError `UnableToGetUpstreamLayerException` with the upstream's reason.
   */
  async blob(
    repositoryName: string,
    digest: string,
    source: PullThroughSource,
    keep: (work: Promise<unknown>) => void,
  ): Promise<PulledBlob> {
    const key = `blob\n${this.registry.registryId}\n${repositoryName}\n${digest}`;
    return await sharedFill(key, keep, async () => {
      const response = await upstreamGet(this.upstreamOf(source), `blobs/${digest}`, 'layer');
      if (!response?.body) throw lacks(digest);
      const body = new SharedBody(largeReads(response.body, READ_BYTES), BLOB_SHARING);
      // A body nobody has read yet can always be joined.
      const first = body.join() as ReadableStream<Uint8Array>;
      const size = lengthOf(response);
      const { blobs, sha256, landed } = this.options;
      const ports = { blobs, sha256, catalog: this.registry.catalog };
      const landing = landPulledBlob(ports, repositoryName, digest, body.store, size);
      // The store stopped reading before the end (it failed): the clients go on without it.
      const verdict = landing.verdict.then((said) => {
        if (said === 'unknown') body.dropStore();
        return said;
      });
      const stored = body.run(verdict).then(() => landing.stored);
      if (landed) keep(stored.then((ok) => (ok ? landed(repositoryName, digest) : undefined)));
      return { body, first, size, stored };
    });
  }

  /**
   * A blob's size upstream, without its bytes (a HEAD).
   * @throws EcrError `UnableToGetUpstreamLayerException` with the upstream's reason, or for a blob it lacks.
   */
  async blobSize(digest: string, source: PullThroughSource): Promise<number> {
    const response = await upstreamGet(this.upstreamOf(source), `blobs/${digest}`, 'layer', {
      method: 'HEAD',
    });
    const size = response ? lengthOf(response) : undefined;
    if (size === undefined) throw lacks(digest);
    return size;
  }

  private upstreamOf(source: PullThroughSource): UpstreamRepository {
    return {
      session: this.options.sessionFor(source.rule),
      origin: upstreamOrigin(source.rule.upstreamRegistryUrl),
      name: source.upstreamRepository,
    };
  }

  private async fill(
    repositoryName: string,
    reference: string,
    tag: string | undefined,
    source: PullThroughSource,
    cached: string | null,
  ): Promise<boolean> {
    const upstream = this.upstreamOf(source);
    try {
      if (cached !== null && tag !== undefined && (await upstreamManifestDigest(upstream, tag)) === cached) {
        await this.registry.catalog.upstreamChecked(repositoryName, tag);
        return false;
      }
      const top = await fetchManifest(upstream, reference);
      if (!top) return false;
      const children: UpstreamManifest[] = [];
      for (const child of top.parsed.manifests) {
        const manifest = await fetchManifest(upstream, child.digest);
        if (!manifest) {
          throw unableToGetUpstream(
            'image',
            'UpstreamUnavailable',
            `the index lists ${child.digest}, which the upstream does not have`,
          );
        }
        children.push(manifest);
      }
      await this.store(repositoryName, tag, top, children);
      return true;
    } catch (error) {
      if (cached === null) throw error;
      // Upstream down, rate-limited or refusing: the cached tag is still served, as ECR does.
      console.warn(
        `Serving ${repositoryName}:${reference} as cached; its upstream check failed`,
        String(error),
      );
      return false;
    }
  }

  /**
   * Stores what upstream gave: the repository (created from its creation template when missing), each child
   * manifest, then the manifest under its tag, their blobs left upstream until they are pulled (`blob`). A
   * failure removes a repository this made.
   */
  private async store(
    repositoryName: string,
    tag: string | undefined,
    top: UpstreamManifest,
    children: UpstreamManifest[],
  ): Promise<void> {
    const { catalog } = this.registry;
    const created = (await catalog.pullThroughTarget(repositoryName)) === 'created';
    try {
      for (const child of children) {
        await catalog.storePulledImage({
          repositoryName,
          imageManifest: child.text,
          imageManifestMediaType: child.mediaType,
        });
      }
      await catalog.storePulledImage({
        repositoryName,
        imageManifest: top.text,
        imageManifestMediaType: top.mediaType,
        ...(tag !== undefined && { imageTag: tag }),
      });
    } catch (error) {
      if (created) await catalog.deleteRepository(repositoryName, true).catch(() => undefined);
      throw error;
    }
  }
}
