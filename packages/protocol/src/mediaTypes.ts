/**
 * The manifest and descriptor media types edgecr names (OCI image spec, Docker image manifest v2 schema 2),
 * each written once: the registry's image rules and the archive reader both use these.
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
/** Docker image config, the config of a schema 2 manifest. */
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** An uncompressed Docker layer, as a classic `docker save` stores it. */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
/** A gzip-compressed Docker layer. */
export const DOCKER_LAYER_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
/** A Docker foreign layer (bytes served elsewhere, listed with `urls`). */
export const DOCKER_FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/** Media types of a manifest (config + layers). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
/** Media types of an index (a list of manifests). */
export const INDEX_MEDIA_TYPES: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];
/** Every manifest media type PutImage stores. */
export const SUPPORTED_MANIFEST_TYPES: readonly string[] = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES];

/**
 * Descriptor media types with a counterpart on the other side of the Docker schema 2 <-> OCI conversion,
 * Docker first. A manifest converts only when every media type it names has a counterpart here.
 */
export const DOCKER_OCI_PAIRS: readonly (readonly [docker: string, oci: string])[] = [
  [DOCKER_MANIFEST, OCI_MANIFEST],
  [DOCKER_CONFIG, 'application/vnd.oci.image.config.v1+json'],
  [DOCKER_LAYER_TAR_GZIP, 'application/vnd.oci.image.layer.v1.tar+gzip'],
  [DOCKER_LAYER_TAR, 'application/vnd.oci.image.layer.v1.tar'],
  [DOCKER_FOREIGN_LAYER, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'],
];

/**
 * Layer media types whose bytes live elsewhere (Windows base layers, listed with `urls`): clients never
 * upload them, so PutImage does not require them to be layers of the repository.
 */
export const FOREIGN_LAYER_TYPES: readonly string[] = [
  DOCKER_FOREIGN_LAYER,
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
];
