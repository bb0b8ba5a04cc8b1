/**
 * What an image is made of, read from the registry: its manifest (BatchGetImage), the config blob it names
 * and a download link for each layer (GetDownloadUrlForLayer; the links expire, so they are asked for when the
 * image's view opens).
 * @module
 */

import type { EcrClient } from '@edgecr/client';
import { type Descriptor, type ParsedManifest, parseManifest } from './manifest.ts';

/** A manifest as the registry holds it: its exact text and the registry's reading of it. */
export interface ManifestOf {
  readonly text: string;
  readonly manifest: ParsedManifest;
}

/** The manifest with this digest; `undefined` when the repository does not hold it. */
export async function readManifest(
  client: EcrClient,
  repositoryName: string,
  digest: string,
): Promise<ManifestOf | undefined> {
  const answer = await client.batchGetImage({ repositoryName, imageIds: [{ imageDigest: digest }] });
  const image = answer.images?.[0];
  if (!image?.imageManifest) return undefined;
  return {
    text: image.imageManifest,
    manifest: parseManifest(image.imageManifest, image.imageManifestMediaType),
  };
}

/** The parts of an image config (OCI image spec) the console shows. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Labels?: Record<string, string> | null };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

/** Where a blob of the repository downloads from. */
export async function downloadUrl(
  client: EcrClient,
  repositoryName: string,
  digest: string,
): Promise<string> {
  const answer = await client.getDownloadUrlForLayer({ repositoryName, layerDigest: digest });
  return answer.downloadUrl ?? '';
}

/** The image's config blob, read as JSON; `undefined` for an artifact whose config is not JSON. */
export async function readConfig(
  client: EcrClient,
  repositoryName: string,
  config: Descriptor,
): Promise<ImageConfig | undefined> {
  const response = await fetch(await downloadUrl(client, repositoryName, config.digest));
  if (!response.ok) throw new Error(`The config blob's download answered HTTP ${response.status}.`);
  try {
    const json: unknown = JSON.parse(await response.text());
    return typeof json === 'object' && json !== null ? (json as ImageConfig) : undefined;
  } catch {
    return undefined;
  }
}

/** A layer with where to download it. */
export interface LayerLink extends Descriptor {
  readonly url: string;
}

/** Each layer of the manifest with its download URL. */
export function layerLinks(
  client: EcrClient,
  repositoryName: string,
  layers: readonly Descriptor[],
): Promise<LayerLink[]> {
  return Promise.all(
    layers.map(async (layer) => ({ ...layer, url: await downloadUrl(client, repositoryName, layer.digest) })),
  );
}
