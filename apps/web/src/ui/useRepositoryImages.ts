/**
 * A repository's images as the images table needs them, loaded page by page (DescribeImages' `nextToken`)
 * with the child manifests of each page's indexes, so a repository of 10,000 images shows its first
 * thousand while the rest is still coming and the page never waits on the whole.
 * @module
 */

import { describeFailure, type EcrClient, type UploadFailure } from '@edgecr/client';
import type { ImageDetail } from '@edgecr/protocol';
import { useEffect, useState } from 'preact/hooks';
import { indexChildren, PAGE_SIZE } from './catalog.ts';
import type { ChildManifest } from './manifest.ts';

/** What {@link useRepositoryImages} has so far. */
export interface RepositoryImages {
  readonly images: readonly ImageDetail[];
  readonly children: ReadonlyMap<string, readonly ChildManifest[]>;
  /** Every page is in. */
  readonly done: boolean;
  readonly failure?: UploadFailure;
}

/** The images of `repositoryName`, loaded again whenever `reloadSignal` changes. */
export function useRepositoryImages(
  client: EcrClient,
  repositoryName: string,
  reloadSignal: number,
): RepositoryImages {
  const [state, setState] = useState<RepositoryImages>({ images: [], children: new Map(), done: false });
  useEffect(() => {
    let live = true;
    const controller = new AbortController();
    setState((last) => ({ ...last, done: false, failure: undefined }));
    (async () => {
      const images: ImageDetail[] = [];
      const children = new Map<string, readonly ChildManifest[]>();
      let nextToken: string | undefined;
      do {
        const page = await client.describeImages(
          { repositoryName, maxResults: PAGE_SIZE, ...(nextToken && { nextToken }) },
          { signal: controller.signal },
        );
        const details = page.imageDetails ?? [];
        for (const [digest, manifests] of await indexChildren(client, repositoryName, details))
          children.set(digest, manifests);
        images.push(...details);
        nextToken = page.nextToken;
        if (live) setState({ images: [...images], children: new Map(children), done: !nextToken });
      } while (nextToken && live);
    })().catch((failure: unknown) => {
      if (live) setState((last) => ({ ...last, done: true, failure: describeFailure(failure) }));
    });
    return () => {
      live = false;
      controller.abort();
    };
  }, [client, repositoryName, reloadSignal]);
  return state;
}
