/**
 * What an image of the repository view is made of: the platforms of an index (os/arch[/variant] of each child
 * manifest, read with BatchGetImage), and, on request, its layers with a download link each
 * (GetDownloadUrlForLayer; the links expire, so they are asked for only when the list is opened).
 * @module
 */

import { describeFailure, type EcrClient, type UploadFailure } from '@edgecr/client';
import {
  type Descriptor,
  type ImageDetail,
  INDEX_MEDIA_TYPES,
  type Platform,
  parseManifest,
} from '@edgecr/protocol';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { formatBytes } from './format.ts';
import { FailureBox } from './LayerList.tsx';
import { useLoad } from './useLoad.ts';

/** `linux/arm64/v8`: how docker and the OCI spec write a platform. */
export function platformName(platform: Platform | undefined): string {
  if (!platform) return 'unknown platform';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The manifests with these digests, parsed (the registry's own reading of a manifest). */
async function manifests(client: EcrClient, repositoryName: string, digests: readonly string[]) {
  if (digests.length === 0) return [];
  const answer = await client.batchGetImage({
    repositoryName,
    imageIds: digests.map((imageDigest) => ({ imageDigest })),
  });
  return (answer.images ?? []).map((image) =>
    parseManifest(image.imageManifest ?? '', image.imageManifestMediaType),
  );
}

/** A layer with where to download it. */
interface LayerLink extends Descriptor {
  readonly url: string;
}

/** Every layer of the image (of each platform, for an index), each digest once, with its download URL. */
async function layerLinks(client: EcrClient, repositoryName: string, digest: string): Promise<LayerLink[]> {
  const [top] = await manifests(client, repositoryName, [digest]);
  const images =
    top?.kind === 'index'
      ? await manifests(
          client,
          repositoryName,
          top.manifests.map((m) => m.digest),
        )
      : top
        ? [top]
        : [];
  const layers = new Map<string, Descriptor>();
  for (const image of images) for (const layer of image.layers) layers.set(layer.digest, layer);
  return Promise.all(
    [...layers.values()].map(async (layer) => {
      const answer = await client.getDownloadUrlForLayer({ repositoryName, layerDigest: layer.digest });
      return { ...layer, url: answer.downloadUrl ?? '' };
    }),
  );
}

/** One image of a repository, as the parts of its contents read it. */
interface ImageOf {
  client: EcrClient;
  repositoryName: string;
  digest: string;
}

/** The platforms line of an index: read once, when the image is shown. */
function Platforms({ client, repositoryName, digest }: ImageOf) {
  // A failure shows nothing: the platforms are a hint, and the layers below say what went wrong.
  const { value: names } = useLoad(
    useCallback(
      () =>
        manifests(client, repositoryName, [digest]).then(
          ([index]) => index?.manifests.map((child) => platformName(child.platform)) ?? [],
        ),
      [client, repositoryName, digest],
    ),
  );
  if (!names || names.length === 0) return null;
  return (
    <p class="hint" data-testid="platforms">
      Platforms: {names.join(', ')}
    </p>
  );
}

/** The image's layers behind a disclosure, loaded (with their download links) the first time it opens. */
function Layers({ client, repositoryName, digest }: ImageOf) {
  // Openings that asked for a load: the first one, and each one after a failure (a retry).
  const [asked, setAsked] = useState(0);
  const { value: links, error: failure } = useLoad(
    useMemo(
      () => (asked > 0 ? () => layerLinks(client, repositoryName, digest) : undefined),
      [asked, client, repositoryName, digest],
    ),
  );
  const error: UploadFailure | undefined = failure === undefined ? undefined : describeFailure(failure);
  return (
    <details
      class="layer-links"
      onToggle={(event) => {
        if (event.currentTarget.open && !links && (asked === 0 || error)) setAsked((n) => n + 1);
      }}
    >
      <summary>Layers</summary>
      {!links && !error && <p class="hint">Loading the layers…</p>}
      {links && (
        <ul>
          {links.map((layer) => (
            <li key={layer.digest}>
              <a href={layer.url} data-testid="layer-download" data-digest={layer.digest} download>
                Download layer <code>{layer.digest.slice(0, 19)}</code>
              </a>{' '}
              <span class="hint">
                {formatBytes(layer.size)} · {layer.mediaType}
              </span>
            </li>
          ))}
        </ul>
      )}
      {error && <FailureBox failure={error} />}
    </details>
  );
}

/** An image's platforms (for an index) and its layers with download links. */
export function ImageContents({
  client,
  repositoryName,
  image,
}: {
  client: EcrClient;
  repositoryName: string;
  image: ImageDetail;
}) {
  const digest = image.imageDigest ?? '';
  return (
    <>
      {INDEX_MEDIA_TYPES.includes(image.imageManifestMediaType ?? '') && (
        <Platforms client={client} repositoryName={repositoryName} digest={digest} />
      )}
      <Layers client={client} repositoryName={repositoryName} digest={digest} />
    </>
  );
}
