/**
 * The Docker schema 2 <-> OCI image manifest conversion BatchGetImage performs, as ECR does, when a client
 * asks by tag for a type other than the stored one.
 * @module
 */

import { DOCKER_MANIFEST, DOCKER_OCI_PAIRS, manifestDigest, OCI_MANIFEST } from '@edgecr/protocol';

/** A manifest converted to another media type. */
export interface ConvertedManifest {
  mediaType: string;
  text: string;
  /** The converted bytes' own digest: a different manifest is a different image to any client. */
  digest: string;
}

/**
 * Converts an image manifest between Docker schema 2 and OCI, rewriting the manifest's, config's and layers'
 * media types and keeping every other member (digests, sizes, annotations, urls) as it is. Only image
 * manifests whose every media type has a counterpart convert: an index, an OCI artifact (`artifactType` or
 * `subject`, which Docker schema 2 cannot express), a zstd layer or a Helm config stay what they are.
 * The result is printed with three-space indentation, the form the Docker tools write manifests in.
 * @returns the converted manifest, or `null` when the manifest cannot be converted to `target`.
 * @example
 * convertManifest(storedText, DOCKER_MANIFEST, OCI_MANIFEST)?.text;
 */
export function convertManifest(text: string, from: string, target: string): ConvertedManifest | null {
  const toOci = from === DOCKER_MANIFEST && target === OCI_MANIFEST;
  const toDocker = from === OCI_MANIFEST && target === DOCKER_MANIFEST;
  if (!toOci && !toDocker) return null;
  const counterpart = new Map(
    DOCKER_OCI_PAIRS.map(([docker, oci]) => (toOci ? [docker, oci] : [oci, docker])),
  );
  const json = JSON.parse(text) as Record<string, unknown>;
  if (json.subject !== undefined || json.artifactType !== undefined) return null;
  const swap = (descriptor: unknown): Record<string, unknown> | null => {
    const fields = descriptor as Record<string, unknown>;
    const mediaType = counterpart.get(fields.mediaType as string);
    return mediaType === undefined ? null : { ...fields, mediaType };
  };
  const config = swap(json.config);
  const layers = (json.layers as unknown[]).map(swap);
  if (config === null || layers.some((layer) => layer === null)) return null;
  // The members keep their order, so a round trip gives back the same structure.
  const converted = JSON.stringify({ ...json, mediaType: target, config, layers }, null, 3);
  return { mediaType: target, text: converted, digest: manifestDigest(converted) };
}
