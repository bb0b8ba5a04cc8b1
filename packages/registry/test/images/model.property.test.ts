// Random sequences of PutImage and BatchDeleteImage against the memory store, checked after every step
// against a model written here from ECR's documented behaviour: what the rules answer, which tags name which
// images, and which layers some image still references.
import { DOCKER_MANIFEST, EcrError, type ImageIdentifier } from '@edgecr/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchDeleteImage, batchGetImage, describeImages, listImages, putImage } from '../../src/index.ts';
import { blobs, digestOf, dockerManifest, ociIndex, REPO, setup, upload } from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

const [config, ...layers] = blobs('model', 5) as [Blob, ...Blob[]];
/** Four images sharing layers, then two indexes over some of them. */
const IMAGES = [0, 1, 2, 3].map((i) => dockerManifest(config, layers.slice(i, i + 2)));
const child = (i: number) => ({
  digest: digestOf(IMAGES[i] as string),
  size: (IMAGES[i] as string).length,
  mediaType: DOCKER_MANIFEST,
  architecture: `arch${i}`,
});
const INDEXES = [ociIndex([child(0), child(1)]), ociIndex([child(1), child(2)])];
const MANIFESTS = [...IMAGES, ...INDEXES];
const DIGESTS = MANIFESTS.map(digestOf);
const CHILDREN = new Map(
  INDEXES.map((text, i) => [digestOf(text), i === 0 ? [DIGESTS[0], DIGESTS[1]] : [DIGESTS[1], DIGESTS[2]]]),
);
const BLOBS_OF = new Map(
  IMAGES.map((text, i) => [digestOf(text), [config.digest, ...layers.slice(i, i + 2).map((l) => l.digest)]]),
);
const TAGS = ['a', 'b', 'c'];

type Op =
  | { kind: 'put'; manifest: number; tag?: string }
  | { kind: 'deleteTag'; tag: string }
  | { kind: 'deleteDigest'; manifest: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    manifest: fc.nat(MANIFESTS.length - 1),
    tag: fc.option(fc.constantFrom(...TAGS), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('deleteTag' as const), tag: fc.constantFrom(...TAGS) }),
  fc.record({ kind: fc.constant('deleteDigest' as const), manifest: fc.nat(MANIFESTS.length - 1) }),
);

/** The model: image digests, tag -> digest. */
class Model {
  readonly images = new Set<string>();
  readonly tags = new Map<string, string>();
  constructor(readonly immutable: boolean) {}

  tagsOf(digest: string): string[] {
    return [...this.tags]
      .filter(([, d]) => d === digest)
      .map(([t]) => t)
      .sort();
  }

  referenced(digest: string): boolean {
    return [...this.images].some((image) => CHILDREN.get(image)?.includes(digest));
  }

  /** The error code PutImage answers, or `ok`. */
  put(manifest: number, tag?: string): string {
    const digest = DIGESTS[manifest] as string;
    if ((CHILDREN.get(digest) ?? []).some((c) => !this.images.has(c as string)))
      return 'ReferencedImagesNotFoundException';
    const current = tag === undefined ? undefined : this.tags.get(tag);
    if (this.images.has(digest) && (tag === undefined || current === digest)) return 'unchanged';
    if (tag !== undefined && current !== undefined && this.immutable) return 'ImageTagAlreadyExistsException';
    this.images.add(digest);
    if (tag !== undefined) this.tags.set(tag, digest);
    return 'ok';
  }

  /** The failure code BatchDeleteImage answers for one id, or `ok`. */
  deleteTag(tag: string): string {
    const digest = this.tags.get(tag);
    if (digest === undefined) return 'ImageNotFound';
    if (this.tagsOf(digest).length > 1) {
      this.tags.delete(tag);
      return 'ok';
    }
    return this.deleteImage(digest);
  }

  deleteImage(digest: string): string {
    if (!this.images.has(digest)) return 'ImageNotFound';
    if (this.referenced(digest)) return 'ImageReferencedByManifestList';
    this.images.delete(digest);
    for (const tag of this.tagsOf(digest)) this.tags.delete(tag);
    return 'ok';
  }
}

/** The error code `run` throws, else `ok`, or the state `run` answers when it is not `stored`. */
function codeOf(run: () => unknown): string {
  try {
    const answer = run();
    return answer === 'unchanged' ? answer : 'ok';
  } catch (err) {
    if (err instanceof EcrError) return err.code;
    throw err;
  }
}

describe('image rules against a model', () => {
  it('answer and state match the model for random operation sequences', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (immutable, ops, pageSize) => {
          const { ctx, store } = setup(immutable ? 'IMMUTABLE' : 'MUTABLE');
          upload(store, config, ...layers);
          const model = new Model(immutable);
          for (const op of ops) {
            if (op.kind === 'put') {
              const input = { repositoryName: REPO, imageManifest: MANIFESTS[op.manifest] as string };
              expect(
                codeOf(
                  () => putImage(ctx, op.tag === undefined ? input : { ...input, imageTag: op.tag }).state,
                ),
              ).toBe(model.put(op.manifest, op.tag));
            } else {
              const id: ImageIdentifier =
                op.kind === 'deleteTag'
                  ? { imageTag: op.tag }
                  : { imageDigest: DIGESTS[op.manifest] as string };
              const expected =
                op.kind === 'deleteTag'
                  ? model.deleteTag(op.tag)
                  : model.deleteImage(id.imageDigest as string);
              const { failures } = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [id] });
              expect(failures?.[0]?.failureCode ?? 'ok').toBe(expected);
            }
            checkState(ctx, store, model, pageSize);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('batch deletes of several ids', () => {
  const idArb: fc.Arbitrary<ImageIdentifier> = fc.oneof(
    fc.constantFrom(...TAGS).map((imageTag) => ({ imageTag })),
    fc.constantFrom(...DIGESTS).map((imageDigest) => ({ imageDigest })),
  );

  it('delete exactly what they name, and never an image an index that stays lists', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(MANIFESTS.length - 1), fc.option(fc.constantFrom(...TAGS), { nil: undefined })),
        ),
        fc.array(idArb, { minLength: 1, maxLength: 6 }),
        (puts, ids) => {
          const { ctx, store } = setup();
          upload(store, config, ...layers);
          for (const [manifest, imageTag] of puts) {
            codeOf(() =>
              putImage(ctx, { repositoryName: REPO, imageManifest: MANIFESTS[manifest] as string, imageTag }),
            );
          }
          const before = new Map(DIGESTS.map((digest) => [digest, store.image(REPO, digest)]));
          // The memory store refuses, as a foreign key would, to delete an image an index still lists.
          const { imageIds, failures } = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: ids });
          const failed = (id: ImageIdentifier) => failures?.some((f) => f.imageId === id);
          for (const id of ids.filter((x) => !failed(x))) {
            if (id.imageDigest !== undefined) expect(store.image(REPO, id.imageDigest)).toBeNull();
            else expect(store.taggedDigest(REPO, id.imageTag as string)).toBeNull();
          }
          for (const [digest, image] of before) {
            if (image === null) continue;
            const named = ids.some(
              (id) => id.imageDigest === digest || image.tags.includes(id.imageTag as string),
            );
            if (!named) expect(store.image(REPO, digest)?.tags).toEqual(image.tags);
            // An image with no tag left that was not asked for by digest is still there only if it had none.
            const after = store.image(REPO, digest);
            if (after && image.tags.length > 0) expect(after.tags.length).toBeGreaterThan(0);
          }
          // Every id the answer lists is gone: a deleted image's tags, or the tag alone.
          for (const id of imageIds ?? []) {
            if (id.imageTag !== undefined) expect(store.taggedDigest(REPO, id.imageTag)).toBeNull();
            else expect(store.image(REPO, id.imageDigest as string)).toBeNull();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function checkState(
  ctx: ReturnType<typeof setup>['ctx'],
  store: ReturnType<typeof setup>['store'],
  model: Model,
  pageSize: number,
): void {
  // ListImages, page by page, lists exactly the model's images and tags.
  const listed: ImageIdentifier[] = [];
  let nextToken: string | undefined;
  do {
    const page = listImages(ctx, {
      repositoryName: REPO,
      maxResults: pageSize,
      ...(nextToken ? { nextToken } : {}),
    });
    listed.push(...(page.imageIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const expected = [...model.images].sort().flatMap((digest) => {
    const tags = model.tagsOf(digest);
    return tags.length === 0
      ? [{ imageDigest: digest }]
      : tags.map((imageTag) => ({ imageDigest: digest, imageTag }));
  });
  expect(listed).toEqual(expected);
  // Every tag resolves to the model's digest.
  for (const [tag, digest] of model.tags) {
    const { images } = batchGetImage(ctx, { repositoryName: REPO, imageIds: [{ imageTag: tag }] });
    expect(images?.[0]?.imageId?.imageDigest).toBe(digest);
  }
  const untagged =
    describeImages(ctx, { repositoryName: REPO, filter: { tagStatus: 'UNTAGGED' } }).imageDetails ?? [];
  expect(untagged.map((d) => d.imageDigest)).toEqual(
    [...model.images].filter((d) => model.tagsOf(d).length === 0).sort(),
  );
  // A layer is referenced exactly while an image that uses it exists; layers themselves are never removed.
  for (const blob of [config, ...layers]) {
    const used = [...model.images].some((image) => BLOBS_OF.get(image)?.includes(blob.digest));
    expect(store.isBlobReferenced(REPO, blob.digest)).toBe(used);
    expect(store.layerSize(REPO, blob.digest)).toBe(blob.size);
  }
  expect(store.hasImages(REPO)).toBe(model.images.size > 0);
}
