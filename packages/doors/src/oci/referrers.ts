import { type Digest, FILTERS_APPLIED_HEADER } from '@edgecr/protocol';
import { permit } from './auth.ts';
import type { OciRequest } from './context.ts';

/** The media type of a referrers answer: an image index. */
const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

/**
 * GET `/v2/<name>/referrers/<digest>` (OCI 1.1): an image index of the manifests whose `subject` is the
 * digest, filtered by `?artifactType=` (then `OCI-Filters-Applied: artifactType`). Always 200: a subject with
 * no referrers, or none yet pushed, has an empty list.
 */
export async function listReferrers(call: OciRequest, name: string, digest: Digest): Promise<Response> {
  await permit(call, 'BatchGetImage', name);
  const artifactType = call.url.searchParams.get('artifactType') ?? undefined;
  const manifests = await call.registry.catalog.referrers({
    repositoryName: name,
    digest: digest.digest,
    ...(artifactType !== undefined && { artifactType }),
  });
  const body = JSON.stringify({ schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests });
  return new Response(body, {
    headers: {
      'content-type': INDEX_MEDIA_TYPE,
      ...(artifactType !== undefined && { [FILTERS_APPLIED_HEADER]: 'artifactType' }),
    },
  });
}
