// Manifests shaped like the ones docker, buildx, helm and cosign push, and a store/context to run rules on.
import {
  type ImageTagMutability,
  type ImageTagMutabilityExclusionFilter,
  sha256Digest,
} from '@edgecr/protocol';
import {
  type CatalogTransaction,
  type ImageContext,
  MemoryCatalogStore,
  newRepositoryRecord,
} from '../../src/index.ts';

export const REGISTRY = '123456789012';
export const REPO = 'team/app';

/** A digest of some made-up content. */
export function digestOf(seed: string): string {
  return sha256Digest(new TextEncoder().encode(seed));
}

/** A blob the tests upload: digest and size. */
export interface Blob {
  digest: string;
  size: number;
}

/** `count` distinct blobs named after `seed`. */
export function blobs(seed: string, count: number): Blob[] {
  return Array.from({ length: count }, (_, i) => ({
    digest: digestOf(`${seed}/${i}`),
    size: 1000 * (i + 1) + 7,
  }));
}

/** A Docker image manifest v2 schema 2 as `docker push` sends it (three-space indentation). */
export function dockerManifest(config: Blob, layers: Blob[]): string {
  return JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.size,
        digest: config.digest,
      },
      layers: layers.map((layer) => ({
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layer.size,
        digest: layer.digest,
      })),
    },
    null,
    3,
  );
}

/** An OCI image manifest as buildx writes it (compact, with annotations). */
export function ociManifest(config: Blob, layers: Blob[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: config.digest,
      size: config.size,
    },
    layers: layers.map((layer) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: layer.digest,
      size: layer.size,
    })),
    annotations: { 'org.opencontainers.image.created': '2026-11-30T10:00:00Z' },
    ...extra,
  });
}

/** A manifest child of an index. */
export interface Child {
  digest: string;
  size: number;
  mediaType: string;
  architecture: string;
}

/** A Docker manifest list. */
export function dockerList(children: Child[]): string {
  return JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: children.map((child) => ({
        mediaType: child.mediaType,
        size: child.size,
        digest: child.digest,
        platform: {
          architecture: child.architecture,
          os: 'linux',
          ...(child.architecture === 'arm' ? { variant: 'v7' } : {}),
        },
      })),
    },
    null,
    3,
  );
}

/** An OCI image index as buildx writes it: platform images, then an attestation manifest (unknown/unknown). */
export function ociIndex(children: Child[], attestation?: Child): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      ...children.map((child) => ({
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.size,
        platform: { architecture: child.architecture, os: 'linux' },
      })),
      ...(attestation
        ? [
            {
              mediaType: attestation.mediaType,
              digest: attestation.digest,
              size: attestation.size,
              annotations: {
                'vnd.docker.reference.digest': children[0]?.digest,
                'vnd.docker.reference.type': 'attestation-manifest',
              },
              platform: { architecture: 'unknown', os: 'unknown' },
            },
          ]
        : []),
    ],
  });
}

/** A Helm chart as `helm push` sends it: an OCI manifest without `mediaType`. */
export function helmChart(config: Blob, chart: Blob): string {
  return JSON.stringify({
    schemaVersion: 2,
    config: {
      mediaType: 'application/vnd.cncf.helm.config.v1+json',
      digest: config.digest,
      size: config.size,
    },
    layers: [
      {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        digest: chart.digest,
        size: chart.size,
      },
    ],
    annotations: { 'org.opencontainers.image.title': 'app', 'org.opencontainers.image.version': '1.6.0' },
  });
}

/** The OCI empty config every artifact without a config uses. */
export const EMPTY_CONFIG: Blob = { digest: digestOf('{}'), size: 2 };

/** An OCI 1.1 artifact (a signature or SBOM) about `subject`, as oras and cosign push it. */
export function referrer(subject: Child, payload: Blob): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    config: {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: EMPTY_CONFIG.digest,
      size: 2,
      data: 'e30=',
    },
    layers: [
      {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        digest: payload.digest,
        size: payload.size,
      },
    ],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
}

/**
 * The memory catalog's tables (the image rules' store is the catalog transaction) with one repository, and
 * a clock that ticks one second per call.
 */
export function setup(
  imageTagMutability: ImageTagMutability = 'MUTABLE',
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[],
): { ctx: ImageContext; store: CatalogTransaction } {
  const store = new MemoryCatalogStore().unguarded();
  store.insertRepository(
    newRepositoryRecord(
      {
        repositoryName: REPO,
        imageTagMutability,
        ...(imageTagMutabilityExclusionFilters && { imageTagMutabilityExclusionFilters }),
      },
      new Date(0),
    ),
  );
  let clock = 1_764_496_800;
  return { store, ctx: { store, registryId: REGISTRY, now: () => clock++ } };
}

/** Links blobs to the test repository as completed layers. */
export function upload(store: CatalogTransaction, ...uploaded: Blob[]): void {
  for (const blob of uploaded) {
    if (!store.blob(blob.digest)) {
      store.insertBlob({ digest: blob.digest, size: blob.size, objectKey: `layers/${blob.digest}` });
    }
    store.link(REPO, blob.digest, 0);
  }
}
