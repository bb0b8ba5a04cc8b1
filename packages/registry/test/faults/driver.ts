// The one module that maps schedule steps onto the registry's API (RegistryService and the host's
// wake-ups), as clients use it: ECR and OCI pushes with retries, resends, cut bodies and status queries,
// deletions, mounts, pulls, and time passing. What each client was told goes into the history.
import { EcrError, OCI_INDEX, OCI_MANIFEST } from '@edgecr/protocol';
import type { RegistryService } from '../../src/index.ts';
import type { History } from './history.ts';
import type { SimHost } from './host.ts';
import { BLOBS, type Content, digestOf, IMAGES, type Sending, type Step } from './schedule.ts';
import type { Rng } from './sim.ts';
import { body, cutBody, readAll } from './streams.ts';

/** Everything a step runs against. */
export interface World {
  service: RegistryService;
  host: SimHost;
  clock: { now: number };
  history: History;
  /** The clients' own choices while running (which part to cut, where to split chunks). */
  rng: Rng;
  /** Every upload a client began: what it was sending, for the resumability check. */
  uploads: Map<string, { repo: string; content: Content; door: Sending['door'] }>;
  violations: string[];
  /** Multipart uploads only R2's lifecycle rule aborted. */
  lifecycleAborts: number;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** How many times a client sends a call that got no answer (or a server error) before it gives up. */
const TRIES = 4;

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Calls until an answer: no answer (or a server error) is sent again, an ECR error is an answer. */
async function retried<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  let last: Outcome<T> = { ok: false, error: new Error('never called') };
  for (let attempt = 0; attempt < TRIES; attempt++) {
    last = await outcome(run);
    if (last.ok || last.error instanceof EcrError) return last;
  }
  return last;
}

/** The ECR error code of a refusal, if it is one. */
function refusal(result: Outcome<unknown>): string | undefined {
  return !result.ok && result.error instanceof EcrError ? result.error.code : undefined;
}

/**
 * A layer as a pull reads it: the catalog's record, then the bytes at its object key. 'held', or what is
 * missing; a digest mismatch is a violation wherever it is read.
 */
export async function readLayer(w: World, repo: string, digest: string): Promise<string> {
  const layer = await retried(() => w.service.catalog.findLayer(repo, digest));
  if (!layer.ok || layer.value === null) return 'missing';
  const object = await w.host.blobs.get(layer.value.objectKey);
  if (!object) return `no bytes at ${layer.value.objectKey}`;
  const read = digestOf(await readAll(object.body));
  if (read !== digest) w.violations.push(`${repo}: layer ${digest} reads back as ${read}`);
  return 'held';
}

type Ref = { repositoryName: string; uploadId: string };

/** ECR: the layer in one part (it is under ECR's smallest part, 5 MiB), sent again after no answer. */
async function sendEcr(w: World, ref: Ref, content: Content, sending: Sending) {
  const { bytes } = content;
  const range = { first: 0, last: bytes.length - 1 };
  if (sending.cut && w.rng.chance(0.5))
    await outcome(() => w.service.uploadLayerPart(ref, range, cutBody(bytes)));
  const sent = await retried(() => w.service.uploadLayerPart(ref, range, body(bytes)));
  if (!sent.ok) return unexpected(w, sent, ['UploadNotFoundException'], 'UploadLayerPart');
  if (sent.value !== range.last)
    w.violations.push(`UploadLayerPart answered ${sent.value}, not ${range.last}`);
  if (sending.resend) {
    const again = await retried(() => w.service.uploadLayerPart(ref, range, body(bytes)));
    if (!again.ok) unexpected(w, again, ['UploadNotFoundException'], 'the last part sent again');
  }
  return true;
}

/** OCI chunks of any size; after no answer or a refusal the client asks where the upload stands. */
async function sendOci(w: World, ref: Ref, content: Content, sending: Sending) {
  const size = content.bytes.length;
  const cuts = [w.rng.int(size), w.rng.int(size), size].sort((a, b) => a - b);
  let offset = 0;
  for (let attempt = 0; offset < size; attempt++) {
    if (attempt > 3 * TRIES) return false;
    const end = cuts.find((at) => at > offset) ?? size;
    const range = { first: offset, last: end - 1 };
    const bytes = content.bytes.subarray(offset, end);
    if (sending.cut && w.rng.chance(0.3))
      await outcome(() => w.service.uploadLayerPart(ref, range, cutBody(bytes)));
    const sent = await outcome(() => w.service.uploadLayerPart(ref, range, body(bytes)));
    if (sent.ok) {
      offset = end;
      if (sending.resend && end === size) {
        const again = await outcome(() => w.service.uploadLayerPart(ref, range, body(bytes)));
        if (again.ok) w.violations.push('an OCI upload took the same chunk twice');
      }
      continue;
    }
    const status = await retried(() => w.service.uploadedBytes(ref));
    if (!status.ok) return unexpected(w, status, ['UploadNotFoundException'], 'the upload status');
    offset = status.value;
  }
  return true;
}

/** Records a refusal the client had no reason to get; false either way (the step goes no further). */
function unexpected(w: World, result: Outcome<unknown>, allowed: string[], what: string): false {
  const code = refusal(result);
  if (code !== undefined && !allowed.includes(code) && code !== 'RepositoryNotFoundException') {
    w.violations.push(`${what} refused: ${code}: ${(result as { error: Error }).error.message}`);
  }
  return false;
}

/** Completes an upload; true when the client was told the repository holds the layer. */
export async function complete(
  w: World,
  ref: Ref,
  content: Content,
  door: Sending['door'],
): Promise<boolean> {
  const { digest } = content;
  const done =
    door === 'ecr'
      ? await retried(() => w.service.completeLayerUpload(ref, [digest]))
      : await retried(() => w.service.completeBlobUpload(ref, digest));
  if (done.ok) {
    if (done.value !== digest) w.violations.push(`completion answered ${done.value}, not ${digest}`);
    return true;
  }
  const code = refusal(done);
  if (code === 'LayerAlreadyExistsException') return true;
  // A completion whose answer was lost finds no upload when sent again: the client asks for the layer.
  if (code === 'UploadNotFoundException') return (await readLayer(w, ref.repositoryName, digest)) === 'held';
  return unexpected(w, done, [], 'CompleteLayerUpload');
}

/** Pushes one blob through a door; true when the client was told the repository holds it. */
async function pushLayer(w: World, repo: string, content: Content, sending: Sending, abandon: boolean) {
  const start = w.history.start();
  const begun =
    sending.door === 'ecr'
      ? await retried(async () => (await w.service.initiateLayerUpload(repo)).uploadId)
      : await retried(() => w.service.startBlobUpload(repo));
  if (!begun.ok) return unexpected(w, begun, [], 'starting an upload');
  const ref = { repositoryName: repo, uploadId: begun.value };
  w.uploads.set(ref.uploadId, { repo, content, door: sending.door });
  const sent =
    sending.door === 'ecr'
      ? await sendEcr(w, ref, content, sending)
      : await sendOci(w, ref, content, sending);
  if (!sent || abandon) return false;
  const held = await complete(w, ref, content, sending.door);
  if (held) w.history.learn({ kind: 'layer', repo, digest: content.digest, start });
  return held;
}

/** Pushes an image as clients do: the blobs the repository lacks, the children of an index, the manifest. */
async function pushImage(w: World, repo: string, image: number, tag: string | undefined, sending: Sending) {
  const spec = IMAGES[image];
  if (!spec) throw new Error(`no image ${image}`);
  for (const child of spec.children) if (!(await pushImage(w, repo, child, undefined, sending))) return false;
  const digests = spec.blobs.map((i) => (BLOBS[i] as Content).digest);
  const check = await retried(() => w.service.catalog.checkLayers(repo, digests));
  if (!check.ok) return unexpected(w, check, [], 'BatchCheckLayerAvailability');
  const missing = new Set((check.value.failures ?? []).map((failure) => failure.layerDigest));
  for (const i of spec.blobs) {
    const content = BLOBS[i] as Content;
    if (missing.has(content.digest) && !(await pushLayer(w, repo, content, sending, false))) return false;
  }
  const start = w.history.start();
  const put = await w.history.undoing(
    repo,
    (fact) => tag !== undefined && fact.kind === 'tag' && fact.tag === tag && fact.digest !== spec.digest,
    () =>
      retried(() =>
        w.service.catalog.putImage({
          repositoryName: repo,
          imageManifest: spec.manifest,
          imageManifestMediaType: spec.children.length > 0 ? OCI_INDEX : OCI_MANIFEST,
          ...(tag !== undefined && { imageTag: tag }),
        }),
      ),
  );
  if (!put.ok && refusal(put) !== 'ImageAlreadyExistsException') {
    return unexpected(
      w,
      put,
      ['ImageTagAlreadyExistsException', 'LayersNotFoundException', 'ReferencedImagesNotFoundException'],
      'PutImage',
    );
  }
  w.history.learn({ kind: 'image', repo, digest: spec.digest, start });
  if (tag !== undefined) w.history.learn({ kind: 'tag', repo, tag, digest: spec.digest, start });
  return true;
}

/** A pull: the tag's manifest, then every blob it names, each checked against its digest when read. */
async function pull(w: World, repo: string, tag: string): Promise<void> {
  const got = await retried(() =>
    w.service.catalog.batchGetImage({ repositoryName: repo, imageIds: [{ imageTag: tag }] }),
  );
  const image = got.ok ? got.value.images?.[0] : undefined;
  if (!image?.imageManifest || !image.imageId?.imageDigest) return;
  const read = digestOf(new TextEncoder().encode(image.imageManifest));
  if (read !== image.imageId.imageDigest) w.violations.push(`${repo}:${tag} manifest reads back as ${read}`);
  const manifest = JSON.parse(image.imageManifest) as {
    config?: { digest: string };
    layers?: { digest: string }[];
  };
  for (const blob of [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])]) {
    await readLayer(w, repo, blob.digest);
  }
}

/** Runs one step of a client. */
export async function runStep(w: World, step: Step): Promise<void> {
  const { history, service } = w;
  switch (step.kind) {
    case 'pushImage':
      await pushImage(w, step.repo, step.image, step.tag, step.sending);
      return;
    case 'pushLayer':
      await pushLayer(w, step.repo, BLOBS[step.blob] as Content, step.sending, step.abandon);
      return;
    case 'deleteImage': {
      const id =
        step.tag !== undefined ? { imageTag: step.tag } : { imageDigest: IMAGES[step.image ?? 0]?.digest };
      await history.undoing(
        step.repo,
        (fact) => fact.kind !== 'layer',
        () => retried(() => service.catalog.batchDeleteImage({ repositoryName: step.repo, imageIds: [id] })),
      );
      return;
    }
    case 'deleteBlob': {
      const { digest } = BLOBS[step.blob] as Content;
      await history.undoing(
        step.repo,
        (fact) => fact.kind === 'layer' && fact.digest === digest,
        () => retried(() => service.catalog.deleteLayer(step.repo, digest)),
      );
      return;
    }
    case 'mount': {
      const { digest } = BLOBS[step.blob] as Content;
      const start = history.start();
      const mounted = await retried(() => service.mountBlob(step.repo, digest, step.from));
      if (mounted.ok && mounted.value) history.learn({ kind: 'layer', repo: step.repo, digest, start });
      return;
    }
    case 'deleteRepository':
      await history.undoing(
        step.repo,
        () => true,
        async () => {
          await retried(() => service.catalog.deleteRepository(step.repo, true));
          await createRepository(w, step.repo);
        },
      );
      return;
    case 'pull':
      await pull(w, step.repo, step.tag);
      return;
    case 'advance':
      // Time passing fires due wake-ups: the sweep may unlink any unreferenced layer once its grace is over.
      await history.undoing(
        null,
        (fact) => fact.kind === 'layer',
        async () => {
          w.clock.now += step.seconds * 1000;
          await w.host.runDueWakeUps();
        },
      );
      return;
  }
}

/** Creates a repository (`b` with immutable tags); one that exists already is as good. */
export async function createRepository(w: World, repo: string): Promise<void> {
  await retried(() =>
    w.service.catalog.createRepository({
      repositoryName: repo,
      imageTagMutability: repo === 'b' ? 'IMMUTABLE' : 'MUTABLE',
    }),
  );
}
