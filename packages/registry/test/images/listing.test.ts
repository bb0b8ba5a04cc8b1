import { EcrError } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { describeImages, listImages, putImage } from '../../src/index.ts';
import { blobs, digestOf, dockerManifest, REGISTRY, REPO, setup, upload } from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

/** Three images: one with tags a and b, one with tag c, one untagged. */
function repository() {
  const { ctx, store } = setup();
  const [config, ...layers] = blobs('img', 4) as [Blob, ...Blob[]];
  upload(store, config, ...layers);
  const texts = [1, 2, 3].map((n) => dockerManifest(config, layers.slice(0, n)));
  const [ab, c, none] = texts as [string, string, string];
  putImage(ctx, { repositoryName: REPO, imageManifest: ab, imageTag: 'a' });
  putImage(ctx, { repositoryName: REPO, imageManifest: ab, imageTag: 'b' });
  putImage(ctx, { repositoryName: REPO, imageManifest: c, imageTag: 'c' });
  putImage(ctx, { repositoryName: REPO, imageManifest: none });
  return { ctx, digests: { ab: digestOf(ab), c: digestOf(c), none: digestOf(none) } };
}

const sortIds = (ids: { imageDigest?: string; imageTag?: string }[]) =>
  [...ids].sort((x, y) => `${x.imageDigest}${x.imageTag}`.localeCompare(`${y.imageDigest}${y.imageTag}`));

describe('listImages', () => {
  it('lists one id per tag and one per untagged image, filtered by tagStatus', () => {
    const { ctx, digests } = repository();
    const any = listImages(ctx, { repositoryName: REPO });
    expect(sortIds(any.imageIds ?? [])).toEqual(
      sortIds([
        { imageDigest: digests.ab, imageTag: 'a' },
        { imageDigest: digests.ab, imageTag: 'b' },
        { imageDigest: digests.c, imageTag: 'c' },
        { imageDigest: digests.none },
      ]),
    );
    expect(any.nextToken).toBeUndefined();
    const tagged = listImages(ctx, { repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }).imageIds ?? [];
    expect(tagged.map((id) => id.imageTag).sort()).toEqual(['a', 'b', 'c']);
    expect(listImages(ctx, { repositoryName: REPO, filter: { tagStatus: 'UNTAGGED' } }).imageIds).toEqual([
      { imageDigest: digests.none },
    ]);
    expect(listImages(ctx, { repositoryName: REPO, filter: { imageStatus: 'ARCHIVED' } }).imageIds).toEqual(
      [],
    );
  });

  it("pages by maxResults, splitting an image's tags across pages when it must", () => {
    const { ctx } = repository();
    const all = listImages(ctx, { repositoryName: REPO }).imageIds;
    for (const maxResults of [1, 2, 3]) {
      const seen = [];
      let nextToken: string | undefined;
      do {
        const page = listImages(ctx, {
          repositoryName: REPO,
          maxResults,
          ...(nextToken ? { nextToken } : {}),
        });
        expect(page.imageIds?.length).toBeLessThanOrEqual(maxResults);
        seen.push(...(page.imageIds ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual(all);
    }
    // A page that reaches the end says so: no token that leads to an empty page.
    expect(listImages(ctx, { repositoryName: REPO, maxResults: 4 }).nextToken).toBeUndefined();
    expect(listImages(ctx, { repositoryName: REPO, maxResults: 3 }).nextToken).toBeDefined();
  });

  it('refuses a token it did not issue, and an unknown repository', () => {
    const { ctx } = repository();
    expect(() => listImages(ctx, { repositoryName: REPO, nextToken: 'garbage' })).toThrow(
      "Invalid parameter at 'nextToken' failed to satisfy constraint: 'must be a token returned by a previous call'",
    );
    expect(() => listImages(ctx, { repositoryName: 'nope' })).toThrow(/RepositoryNotFound|does not exist/);
  });
});

describe('describeImages', () => {
  it('describes named images once each, with tags sorted and omitted when none', () => {
    const { ctx, digests } = repository();
    const { imageDetails } = describeImages(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'b' }, { imageDigest: digests.ab }, { imageDigest: digests.none }],
    });
    expect(imageDetails?.map((d) => [d.imageDigest, d.imageTags])).toEqual([
      [digests.ab, ['a', 'b']],
      [digests.none, undefined],
    ]);
    expect(imageDetails?.[1]).not.toHaveProperty('imageTags');
  });

  it("throws ImageNotFoundException in ECR's words for a named image that does not exist", () => {
    const { ctx } = repository();
    let error: unknown;
    try {
      describeImages(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'latest' }] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EcrError);
    expect((error as EcrError).code).toBe('ImageNotFoundException');
    expect((error as EcrError).message).toBe(
      `The image with imageId {imageDigest:'null', imageTag:'latest'} does not exist within the repository with name '${REPO}' in the registry with id '${REGISTRY}'`,
    );
    expect(() => describeImages(ctx, { repositoryName: REPO, imageIds: [{}] })).toThrow(
      /both tag and digest/,
    );
    expect(() =>
      describeImages(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'a' }], maxResults: 1 }),
    ).toThrow(/cannot be used together/);
  });

  it('pages all images by digest with a tagStatus filter', () => {
    const { ctx, digests } = repository();
    const digestsOf = (tagStatus: 'TAGGED' | 'UNTAGGED' | 'ANY', maxResults: number) => {
      const seen: (string | undefined)[] = [];
      let nextToken: string | undefined;
      do {
        const page = describeImages(ctx, {
          repositoryName: REPO,
          maxResults,
          filter: { tagStatus },
          ...(nextToken ? { nextToken } : {}),
        });
        expect(page.imageDetails?.length).toBeLessThanOrEqual(maxResults);
        seen.push(...(page.imageDetails ?? []).map((d) => d.imageDigest));
        nextToken = page.nextToken;
      } while (nextToken);
      return seen;
    };
    expect(digestsOf('ANY', 1)).toEqual(Object.values(digests).sort());
    expect(digestsOf('TAGGED', 2)).toEqual([digests.ab, digests.c].sort());
    expect(digestsOf('UNTAGGED', 5)).toEqual([digests.none]);
    expect(describeImages(ctx, { repositoryName: REPO, maxResults: 3 }).nextToken).toBeUndefined();
  });
});
