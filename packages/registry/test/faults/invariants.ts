// The invariants, checked through the registry's own API with faults off: images whole, links backed by
// their bytes, answers true, uploads resumable or expired, and nothing unreferenced left once the sweep's
// bound has passed.
import { complete, readLayer, type World } from './driver.ts';
import { REPOSITORIES } from './schedule.ts';

/** The registry every schedule runs against. */
export const REGISTRY = '123456789012';

async function imageDigests(w: World, repo: string): Promise<string[] | null> {
  try {
    const listed = await w.service.catalog.listImages({ repositoryName: repo, maxResults: 1000 });
    return [...new Set((listed.imageIds ?? []).map((id) => id.imageDigest as string))];
  } catch {
    return null;
  }
}

async function manifestOf(w: World, repo: string, id: { imageDigest?: string; imageTag?: string }) {
  const got = await w.service.catalog.batchGetImage({ repositoryName: repo, imageIds: [id] });
  return got.images?.[0] ?? null;
}

/** Every image's manifest, config, layers and index children are readable, byte for byte their digests. */
export async function checkImages(w: World, when: string): Promise<void> {
  for (const repo of REPOSITORIES) {
    const digests = await imageDigests(w, repo);
    for (const digest of digests ?? []) {
      const image = await manifestOf(w, repo, { imageDigest: digest });
      if (!image?.imageManifest) {
        w.violations.push(`${when}: ${repo}@${digest} is listed but not readable`);
        continue;
      }
      const manifest = JSON.parse(image.imageManifest) as {
        config?: { digest: string };
        layers?: { digest: string }[];
        manifests?: { digest: string }[];
      };
      for (const blob of [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])]) {
        const read = await readLayer(w, repo, blob.digest);
        if (read !== 'held') w.violations.push(`${when}: ${repo}@${digest} needs ${blob.digest}: ${read}`);
      }
      for (const child of manifest.manifests ?? []) {
        if (!digests?.includes(child.digest)) {
          w.violations.push(`${when}: index ${repo}@${digest} lists ${child.digest}, which is gone`);
        }
      }
    }
  }
}

/** Every link of a repository to a layer has the layer's bytes behind it. */
export async function checkLinks(w: World, when: string): Promise<void> {
  const tables = w.host.catalogStore(REGISTRY).unguarded();
  for (const link of tables.unreferencedLinks(Number.MAX_SAFE_INTEGER)) {
    const read = await readLayer(w, link.repositoryName, link.digest);
    if (read !== 'held') w.violations.push(`${when}: ${link.repositoryName} links ${link.digest}: ${read}`);
  }
}

/** What clients were told succeeded, and nothing since may have undone, is there. */
export async function checkFacts(w: World, when: string): Promise<void> {
  for (const fact of w.history.owed()) {
    if (fact.kind === 'layer') {
      const read = await readLayer(w, fact.repo, fact.digest);
      if (read !== 'held')
        w.violations.push(`${when}: ${fact.repo} was told it holds ${fact.digest}: ${read}`);
    } else {
      const id = fact.kind === 'tag' ? { imageTag: fact.tag } : { imageDigest: fact.digest };
      const image = await manifestOf(w, fact.repo, id).catch(() => null);
      if (image?.imageId?.imageDigest !== fact.digest) {
        const named = fact.kind === 'tag' ? `:${fact.tag}` : `@${fact.digest}`;
        w.violations.push(
          `${when}: ${fact.repo}${named} was acknowledged, now ${image?.imageId?.imageDigest}`,
        );
      }
    }
  }
}

/**
 * Every upload still open resumes from the offset it reports: half of them are finished from there (and
 * must complete with their digest), the other half are left to expire.
 */
export async function checkUploadsResume(w: World): Promise<void> {
  for (const [uploadId, store] of w.host.uploadStores()) {
    const record = await store.read();
    const sent = w.uploads.get(uploadId);
    // Released and expired uploads are gone to clients; checkReclaimed sees that their wake-up cleans them.
    const gone = !record || record.phase === 'released' || w.clock.now >= record.expiresAt;
    if (gone || !sent || w.rng.chance(0.5)) continue;
    const ref = { repositoryName: sent.repo, uploadId };
    const { bytes } = sent.content;
    if (record.phase === 'uploading') {
      let offset: number;
      try {
        offset = await w.service.uploadedBytes(ref);
        if (offset < bytes.length) {
          const range = { first: offset, last: bytes.length - 1 };
          const rest = new Blob([bytes.slice(offset)]).stream();
          await w.service.uploadLayerPart(ref, range, rest);
        }
      } catch (error) {
        w.violations.push(`upload ${uploadId} does not resume from where it stands: ${error}`);
        continue;
      }
    }
    const exists = await w.service.catalog.describeRepositories({ repositoryNames: [sent.repo] }).then(
      () => true,
      () => false,
    );
    if (!exists || (await complete(w, ref, sent.content, sent.door))) continue;
    // A stored upload whose first registration lost its answer, and whose layer was deleted since, is
    // released instead (registering it again would name deleted bytes); the client pushes the layer again.
    if (record.phase === 'stored' && !(await store.read())) continue;
    w.violations.push(`upload ${uploadId} (${record.phase}, ${record.received} bytes) does not complete`);
  }
}

/**
 * Past every time-out and grace, with every wake-up fired: no upload state, no open multipart upload, no
 * unreferenced link, and no bytes in the BlobStore that no blob of the catalog names.
 */
export async function checkReclaimed(w: World, bound: number): Promise<void> {
  for (let round = 0; round < 3; round++) {
    w.clock.now += bound;
    for (const failure of await w.host.runDueWakeUps()) w.violations.push(`a wake-up failed: ${failure}`);
  }
  for (const [uploadId, store] of w.host.uploadStores()) {
    const record = await store.read();
    if (record) w.violations.push(`upload ${uploadId} (${record.phase}) outlived its time-to-live`);
  }
  // A multipart upload created but never named in an upload's state (its id lost with a crash or a lost
  // answer) is R2's to abort: it does so after 7 days by default. Any other one left open is a leak.
  for (const [id, key] of w.host.written.multiparts) {
    if (w.host.written.recorded.has(id)) continue;
    await w.host.blobs.abortMultipart(key, id).then(
      () => void w.lifecycleAborts++,
      () => undefined,
    );
  }
  const open = w.host.blobs.openMultiparts();
  if (open > 0) w.violations.push(`${open} multipart uploads left open`);
  const tables = w.host.catalogStore(REGISTRY).unguarded();
  const links = tables.unreferencedLinks(Number.MAX_SAFE_INTEGER);
  if (links.length > 0) w.violations.push(`${links.length} unreferenced links outlived the grace`);
  for (const key of w.host.written.keys) {
    if ((await w.host.blobs.head(key)) && !tables.blobAt(key)) w.violations.push(`bytes at ${key} leaked`);
  }
}
