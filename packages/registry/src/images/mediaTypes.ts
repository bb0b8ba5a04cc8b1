/**
 * The manifest and descriptor media types the image rules name, each written once.
 * @module
 */

/** Docker image manifest v2, schema 2. */
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Docker manifest list (the Docker form of a multi-platform index). */
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** Docker image manifest v2, schema 1 (unsigned); edgecr refuses it. */
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
/** Docker image manifest v2, schema 1, signed; edgecr refuses it. */
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
/** OCI image manifest. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image index. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Every manifest media type PutImage stores. */
export const SUPPORTED_MANIFEST_TYPES: readonly string[] = [
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_MANIFEST,
  OCI_INDEX,
];

/** Manifest media types that list other manifests rather than blobs. */
export const INDEX_TYPES: readonly string[] = [DOCKER_MANIFEST_LIST, OCI_INDEX];

/**
 * Descriptor media types with a counterpart on the other side of the Docker schema 2 <-> OCI conversion,
 * Docker first. A manifest converts only when every media type it names has a counterpart here.
 */
export const DOCKER_OCI_PAIRS: readonly (readonly [docker: string, oci: string])[] = [
  [DOCKER_MANIFEST, OCI_MANIFEST],
  ['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json'],
  ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.oci.image.layer.v1.tar+gzip'],
  ['application/vnd.docker.image.rootfs.diff.tar', 'application/vnd.oci.image.layer.v1.tar'],
  [
    'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ],
];

/**
 * Layer media types whose bytes live elsewhere (Windows base layers, listed with `urls`): clients never
 * upload them, so PutImage does not require them to be layers of the repository.
 */
export const FOREIGN_LAYER_TYPES: readonly string[] = [
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
];
