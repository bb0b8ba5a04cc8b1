/**
 * The pull path of the pull-through cache: a pull of `<prefix>/<upstream repository>` that edgecr cannot
 * answer (or a tag due for its check) brings the image in from upstream, verified, and stores it as an ordinary
 * image, so every later pull (and describe-images, lifecycle policies) sees it like a pushed one.
 * @module
 */

import { EcrError, FOREIGN_LAYER_TYPES, isDescriptorDigest } from '@edgecr/protocol';
import type { RegistryService } from '../service.ts';
import { unableToGetUpstream } from './errors.ts';
import type { PullThroughRuleRecord, PullThroughSource } from './records.ts';
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

/** How many blobs of one image are fetched from upstream at once. */
const BLOB_CONCURRENCY = 4;

/** What the pull path needs beyond the registry. */
export interface PullThroughOptions {
  /** The session to a rule's upstream (the caller keeps one per upstream and credential, to reuse tokens). */
  sessionFor(rule: PullThroughRuleRecord): UpstreamSession;
  /** How long a tag cached through `rule` is served before it is checked upstream again, in seconds. */
  refreshSeconds(rule: PullThroughRuleRecord): number;
  /** Prepares an upstream body for the upload it is stored through (a door's rechunking); as is by default. */
  uploadBody?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

/**
 * What this isolate is fetching from upstream now, by registry, repository and reference or digest: a second
 * pull of the same thing while the first is under way waits for it instead of asking upstream again. The bound
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

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/** The blobs a manifest stores (config and layers, foreign layers left upstream, as PutImage leaves them). */
function blobsOf(manifest: UpstreamManifest): string[] {
  const { config, layers } = manifest.parsed;
  return [...(config ? [config] : []), ...layers]
    .filter((blob) => !(FOREIGN_LAYER_TYPES.includes(blob.mediaType) && blob.urls !== undefined))
    .map((blob) => blob.digest);
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
   * (`cached` null), or holds it under a tag last checked more than the refresh interval ago. A cached tag
   * whose upstream fails is served as cached (logged).
   * @param cached The digest of the image the repository holds for `reference`, or null.
   * @returns Whether anything was stored (the caller reads the image again).
   * @throws EcrError `UnableToGetUpstreamImageException` with the upstream's reason, for an image not cached.
   */
  async manifest(
    repositoryName: string,
    reference: string,
    cached: string | null,
    source: PullThroughSource | null,
  ): Promise<boolean> {
    if (!source) return false;
    const tag = isDescriptorDigest(reference) ? undefined : reference;
    // A digest names bytes that never change: once held, it is never asked upstream again. Upstreams name
    // manifests by sha256; a sha512 alias is edgecr's own.
    if (tag === undefined && (cached !== null || !reference.startsWith('sha256:'))) return false;
    const checkedAt = tag === undefined ? undefined : source.checkedAt[tag];
    const fresh =
      checkedAt !== undefined && this.now() - checkedAt < this.options.refreshSeconds(source.rule) * 1000;
    if (cached !== null && fresh) return false;
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

  private async fill(
    repositoryName: string,
    reference: string,
    tag: string | undefined,
    source: PullThroughSource,
    cached: string | null,
  ): Promise<boolean> {
    const upstream: UpstreamRepository = {
      session: this.options.sessionFor(source.rule),
      origin: upstreamOrigin(source.rule.upstreamRegistryUrl),
      name: source.upstreamRepository,
    };
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
      await this.store(repositoryName, tag, upstream, top, children);
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
   * Stores what upstream gave: the repository (created from its creation template when missing), every blob it
   * lacks, each child manifest, then the manifest under its tag. A failure removes a repository this made.
   */
  private async store(
    repositoryName: string,
    tag: string | undefined,
    upstream: UpstreamRepository,
    top: UpstreamManifest,
    children: UpstreamManifest[],
  ): Promise<void> {
    const { catalog } = this.registry;
    const created = (await catalog.pullThroughTarget(repositoryName)) === 'created';
    try {
      const digests = [...new Set([...children, top].flatMap(blobsOf))];
      const { layers = [] } = await catalog.checkLayers(repositoryName, digests);
      const held = new Set(layers.map((layer) => layer.layerDigest));
      await pool(
        digests.filter((digest) => !held.has(digest)),
        BLOB_CONCURRENCY,
        (digest) => this.cacheBlob(repositoryName, upstream, digest),
      );
      for (const child of children) {
        await catalog.putImage({
          repositoryName,
          imageManifest: child.text,
          imageManifestMediaType: child.mediaType,
        });
      }
      await catalog.putImage({
        repositoryName,
        imageManifest: top.text,
        imageManifestMediaType: top.mediaType,
        ...(tag !== undefined && { imageTag: tag }),
      });
      if (tag !== undefined) await catalog.upstreamChecked(repositoryName, tag);
    } catch (error) {
      if (created) await catalog.deleteRepository(repositoryName, true).catch(() => undefined);
      throw error;
    }
  }

  /** Fetches one blob from upstream into the repository, through an upload that checks its digest. */
  private cacheBlob(repositoryName: string, upstream: UpstreamRepository, digest: string): Promise<void> {
    const key = `blob\n${this.registry.registryId}\n${repositoryName}\n${digest}`;
    return once(key, async () => {
      const response = await upstreamGet(upstream, `blobs/${digest}`, 'layer');
      if (!response?.body) {
        throw unableToGetUpstream(
          'layer',
          'UpstreamUnavailable',
          `the upstream does not have blob ${digest}`,
        );
      }
      await this.storeBlob(repositoryName, digest, response.body);
    });
  }

  /**
   * Streams a blob's bytes into the repository as an OCI upload would, completed by its digest: bytes that do
   * not hash to it are refused and nothing is kept.
   * @throws EcrError `UnableToGetUpstreamLayerException` for bytes that do not match the digest.
   */
  private async storeBlob(
    repositoryName: string,
    digest: string,
    body: ReadableStream<Uint8Array>,
  ): Promise<void> {
    const uploadId = await this.registry.startBlobUpload(repositoryName);
    const ref = { repositoryName, uploadId };
    try {
      await this.registry.uploadLayerPart(ref, {}, this.options.uploadBody?.(body) ?? body);
      await this.registry.completeBlobUpload(ref, digest);
    } catch (error) {
      await this.registry.cancelUpload(ref).catch(() => undefined);
      if (error instanceof EcrError && error.code !== 'ServerException') {
        throw unableToGetUpstream(
          'layer',
          'UpstreamUnavailable',
          `the upstream's blob ${digest} was refused: ${error.message}`,
        );
      }
      throw error;
    }
  }
}
