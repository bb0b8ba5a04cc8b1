/**
 * Header names and values of the OCI Distribution API that the door and its clients share.
 * @module
 */

/**
 * The header Docker clients check on `/v2/` (and every answer) to know they talk to a v2 registry. The
 * spec calls it legacy and optional ("Legacy Docker support HTTP headers"); ECR and docker still use it.
 * @example
 * headers.set(DISTRIBUTION_API_VERSION_HEADER, DISTRIBUTION_API_VERSION);
 */
export const DISTRIBUTION_API_VERSION_HEADER = 'Docker-Distribution-API-Version';

/**
 * The value of {@link DISTRIBUTION_API_VERSION_HEADER}.
 * @example
 * response.headers.get('docker-distribution-api-version') === DISTRIBUTION_API_VERSION;
 */
export const DISTRIBUTION_API_VERSION = 'registry/2.0';

/**
 * The digest of a blob or manifest answered or stored ("Pulling manifests", "Pulling blobs").
 * @example
 * headers.set(CONTENT_DIGEST_HEADER, digest);
 */
export const CONTENT_DIGEST_HEADER = 'Docker-Content-Digest';

/**
 * The smallest chunk the registry wants in a chunked upload, sent on the POST that opens it ("Pushing a
 * blob in chunks").
 * @example
 * headers.set(CHUNK_MIN_LENGTH_HEADER, String(partSize));
 */
export const CHUNK_MIN_LENGTH_HEADER = 'OCI-Chunk-Min-Length';

/**
 * Sent on a manifest PUT whose `subject` the registry indexed for the referrers API ("Pushing Manifests
 * with Subject").
 * @example
 * headers.set(SUBJECT_HEADER, manifest.subject.digest);
 */
export const SUBJECT_HEADER = 'OCI-Subject';

/**
 * Names the filters a referrers answer applied, comma-separated ("Listing Referrers").
 * @example
 * if (artifactType !== null) headers.set(FILTERS_APPLIED_HEADER, 'artifactType');
 */
export const FILTERS_APPLIED_HEADER = 'OCI-Filters-Applied';
