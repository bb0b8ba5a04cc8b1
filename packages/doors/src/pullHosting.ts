import type { ImageIdentifier } from '@edgecr/protocol';
import {
  type CatalogHandle,
  PULL_TIME_RESOLUTION_SECONDS,
  type RegistryHosting,
  type RepositoryLayer,
} from '@edgecr/registry';
import type { EdgeCache } from './edgeCache.ts';
import { KeptAnswers } from './keptAnswers.ts';
import type { PullMemo, PullMemoSettings } from './pullMemo.ts';

/** What the pull layer of a hosting keeps answers in and sends work after the answer with. */
export interface PullLayer {
  /** This isolate's memo; without it every pull asks the Registry object. */
  memo?: PullMemo | undefined;
  /** The edge cache the facts of pulls are shared in (with the memo only). */
  edge?: EdgeCache | undefined;
  settings: PullMemoSettings;
  /** Runs work after the answer (the Worker's adapter keeps the request alive for it); its failures are its own. */
  defer: (work: Promise<unknown>) => void;
}

type PullImage = CatalogHandle['pullImage'];
type ImagePull = Awaited<ReturnType<PullImage>>;

/**
 * A hosting whose catalogs answer a pull's reads from what was kept while it holds (the memo, then the edge)
 * and record the pulls they serve after the answer, at most once a day per image and isolate.
 *
 * `findLayer` (a layer found) and a one-image `pullImage` are kept: by digest alone as a fact for
 * `holdingCacheSeconds`, here and at the edge; by tag in this isolate for `tagCacheSeconds`. A miss is never
 * kept, so a blob or image pushed a moment ago is found at once. A repository's `accessPolicy` is kept in this
 * isolate for `holdingCacheSeconds`, learnt from the catalog's answers to those two (which carry it) or asked
 * for; a policy set or deleted through this isolate forgets it and every answer kept of its repository. Authorisation is the doors' and runs before
 * any of this: a kept answer only spares the object a question it answered a moment ago.
 * @example
 * const hosting = pullHosting(endpoint.hosting, { memo, edge, settings, defer: (work) => pending.push(work) });
 */
export function pullHosting(hosting: RegistryHosting, layer: PullLayer): RegistryHosting {
  const { memo, edge, settings, defer } = layer;
  return {
    upload: (uploadId) => hosting.upload(uploadId),
    catalog(registryId) {
      const catalog = hosting.catalog(registryId);
      const kept = memo && new KeptAnswers(registryId, memo, edge);
      const holding = settings.holdingCacheSeconds;

      // A repository's policy, learnt from the answers that carry it (the catalog's, or kept ones until they
      // stop holding) or asked for; "none" is kept too.
      const keepPolicy = (
        repositoryName: string,
        policyText: string | undefined,
        askedAt: number,
        until = askedAt + holding * 1000,
      ) => {
        if (!kept) return;
        const value = policyText === undefined ? {} : { policyText };
        const seconds = (until - kept.now()) / 1000;
        const size = policyText?.length ?? 0;
        kept.keepLocal(kept.key(repositoryName, 'policy'), repositoryName, value, askedAt, seconds, size);
      };
      const findLayer: CatalogHandle['findLayer'] = async (repositoryName, digest) => {
        if (!kept) return await catalog.findLayer(repositoryName, digest);
        const known = await kept.recallFact(repositoryName, 'layer', digest, holding);
        if (known) {
          const layer = known.value as RepositoryLayer;
          keepPolicy(repositoryName, layer.policyText, kept.now(), known.until);
          return layer;
        }
        const askedAt = kept.now();
        const found = await catalog.findLayer(repositoryName, digest);
        if (found) {
          kept.keepFact(repositoryName, 'layer', digest, found, askedAt, holding);
          keepPolicy(repositoryName, found.policyText, askedAt);
        }
        return found;
      };

      const accessPolicy: CatalogHandle['accessPolicy'] = async (repositoryName) => {
        if (!kept) return await catalog.accessPolicy(repositoryName);
        const known = memo.recall(kept.key(repositoryName, 'policy')) as { policyText?: string } | undefined;
        if (known) return known;
        const askedAt = kept.now();
        const policy = await catalog.accessPolicy(repositoryName);
        keepPolicy(repositoryName, policy.policyText, askedAt);
        return policy;
      };

      const keptImage: PullImage = async (input) => {
        const [id, ...others] = input.imageIds;
        if (!kept || !id || others.length > 0) return await catalog.pullImage(input);
        const { repositoryName, acceptedMediaTypes: accepted } = input;
        const byDigest = id.imageDigest !== undefined && id.imageTag === undefined;
        const tagKey = kept.key(
          repositoryName,
          'image',
          id.imageDigest ?? '',
          id.imageTag ?? '',
          `${accepted}`,
        );
        const recalled = byDigest
          ? await kept.recallFact(repositoryName, 'image', id.imageDigest as string, holding)
          : { value: memo.recall(tagKey), until: memo.until(tagKey) };
        const known = recalled?.value as ImagePull | undefined;
        // A digest names bytes of one media type: a kept image outside the accepted ones is the catalog's to refuse.
        const type = known?.answer?.images?.[0]?.imageManifestMediaType ?? '';
        if (known && recalled && (accepted === undefined || accepted.includes(type))) {
          keepPolicy(repositoryName, known.answer?.policyText, kept.now(), recalled.until);
          return known;
        }
        const askedAt = kept.now();
        const pull = await catalog.pullImage(input);
        const { answer } = pull;
        if (answer) keepPolicy(repositoryName, answer.policyText, askedAt);
        const image = answer?.images?.[0];
        if (answer?.images?.length !== 1 || answer.failures?.length || !image?.imageManifest) return pull;
        if (byDigest) {
          kept.keepFact(repositoryName, 'image', id.imageDigest as string, pull, askedAt, holding);
        } else {
          const size = image.imageManifest.length * 2;
          kept.keepLocal(tagKey, repositoryName, pull, askedAt, settings.tagCacheSeconds, size);
        }
        return pull;
      };

      /** Records the pulls an answer served, once per resolution in this isolate, after the answer. */
      const recordServed = (repositoryName: string, answer: ImagePull['answer']): void => {
        const imageIds: ImageIdentifier[] = [];
        const marks: string[] = [];
        for (const { imageId } of answer?.images ?? []) {
          if (!imageId?.imageDigest) continue;
          const mark = kept?.key(repositoryName, 'pulled', imageId.imageTag ?? '', imageId.imageDigest);
          if (mark && memo?.recall(mark)) continue;
          if (mark) {
            memo?.remember(mark, true, PULL_TIME_RESOLUTION_SECONDS);
            marks.push(mark);
          }
          // A tag's answer may be converted bytes under their own digest: the tag names the stored image.
          imageIds.push(
            imageId.imageTag === undefined
              ? { imageDigest: imageId.imageDigest }
              : { imageTag: imageId.imageTag },
          );
        }
        if (imageIds.length === 0) return;
        defer(
          catalog.recordPulls({ repositoryName, imageIds }).catch((error: unknown) => {
            // Not recorded: the next pull tries again.
            for (const mark of marks) memo?.discard(mark);
            console.warn(
              `The pulls of ${imageIds.length} image(s) in ${repositoryName} were not recorded`,
              error,
            );
          }),
        );
      };

      const pullImage: PullImage = async (input) => {
        const pull = await keptImage(input);
        recordServed(input.repositoryName, pull.answer);
        return pull;
      };

      const deleteLayer: CatalogHandle['deleteLayer'] = async (repositoryName, digest) => {
        try {
          return await catalog.deleteLayer(repositoryName, digest);
        } finally {
          kept?.changed(repositoryName, [{ kind: 'layer', digest }]);
        }
      };

      const batchDeleteImage: CatalogHandle['batchDeleteImage'] = async (input) => {
        const named = input.imageIds.flatMap((id) => (id.imageDigest ? [id.imageDigest] : []));
        try {
          const answer = await catalog.batchDeleteImage(input);
          for (const id of answer.imageIds ?? []) if (id.imageDigest) named.push(id.imageDigest);
          return answer;
        } finally {
          kept?.changed(
            input.repositoryName,
            [...new Set(named)].map((digest) => ({ kind: 'image' as const, digest })),
          );
        }
      };

      // Changes the kept answers of their repository do not survive here (the facts at other edges expire).
      const deleteRepository: CatalogHandle['deleteRepository'] = async (repositoryName, force) => {
        try {
          return await catalog.deleteRepository(repositoryName, force);
        } finally {
          kept?.changed(repositoryName);
        }
      };
      const putImage: CatalogHandle['putImage'] = async (input, alias) => {
        try {
          return await catalog.putImage(input, alias);
        } finally {
          kept?.changed(input.repositoryName);
        }
      };
      const storePulledImage: CatalogHandle['storePulledImage'] = async (input) => {
        try {
          return await catalog.storePulledImage(input);
        } finally {
          kept?.changed(input.repositoryName);
        }
      };

      // A policy changed here is believed at once here (other isolates: within the holding time).
      const setRepositoryPolicy: CatalogHandle['setRepositoryPolicy'] = async (input, caller) => {
        try {
          return await catalog.setRepositoryPolicy(input, caller);
        } finally {
          kept?.changed(input.repositoryName);
        }
      };
      const deleteRepositoryPolicy: CatalogHandle['deleteRepositoryPolicy'] = async (repositoryName) => {
        try {
          return await catalog.deleteRepositoryPolicy(repositoryName);
        } finally {
          kept?.changed(repositoryName);
        }
      };

      const wrapped: Partial<CatalogHandle> = {
        findLayer,
        accessPolicy,
        pullImage,
        setRepositoryPolicy,
        deleteRepositoryPolicy,
        deleteLayer,
        batchDeleteImage,
        deleteRepository,
        putImage,
        storePulledImage,
      };
      return new Proxy(catalog, {
        get(target, method, receiver) {
          return (
            (wrapped as Record<string | symbol, unknown>)[method] ?? Reflect.get(target, method, receiver)
          );
        },
      });
    },
  };
}
