import {
  CONTENT_DIGEST_HEADER,
  digestEtag,
  digestOf,
  type ImageIdentifier,
  MAX_IMAGE_MANIFEST_LENGTH,
  type ManifestReference,
  notModified,
  OciError,
  SUBJECT_HEADER,
} from '@edgecr/protocol';
import { repositoryNotFound } from '@edgecr/registry';
import { readBounded } from '../body/readBounded.ts';
import { asksRevalidation, pullThrough } from '../pullThrough.ts';
import { admit, permit } from './auth.ts';
import { created, type OciRequest } from './context.ts';

function imageIdOf(reference: ManifestReference): ImageIdentifier {
  return reference.kind === 'tag' ? { imageTag: reference.tag } : { imageDigest: reference.digest.digest };
}

/**
 * The `sha512:` digest a manifest is pushed or asked for by, if any. Its image keeps the sha256 digest as its
 * identity (ECR's image digest); the sha512 one is an alias the catalog resolves.
 */
function sha512Of(reference: ManifestReference): string | undefined {
  return reference.kind === 'digest' && reference.digest.algorithm === 'sha512'
    ? reference.digest.digest
    : undefined;
}

/**
 * The media types an `Accept` header lists (parameters and weights dropped), or undefined when it accepts
 * anything: then the stored manifest is served as pushed.
 */
function acceptedMediaTypes(header: string | null): string[] | undefined {
  const types = (header ?? '')
    .split(',')
    .map((entry) => entry.split(';')[0]?.trim().toLowerCase() ?? '')
    .filter((type) => type !== '');
  return types.length === 0 || types.includes('*/*') ? undefined : [...new Set(types)].slice(0, 100);
}

/**
 * GET/HEAD `/v2/<name>/manifests/<reference>`: BatchGetImage's rules, so a pull is recorded
 * (`lastRecordedPullTime`) and a tag is converted between Docker schema 2 and OCI when `Accept` leaves out
 * the stored type, as ECR does. Under a pull-through cache rule, what the repository lacks (or a tag due for
 * its check, or any tag under `Cache-Control: no-cache`) is brought in from upstream first (pullThrough.ts). A digest names exact bytes: asked for by
 * digest, the manifest is served as stored whatever `Accept` says. `If-None-Match` naming the digest answers 304 without the bytes.
 */
export async function getManifest(
  call: OciRequest,
  name: string,
  reference: ManifestReference,
): Promise<Response> {
  await permit(call, 'BatchGetImage', name, true);
  const accepted =
    reference.kind === 'tag' ? acceptedMediaTypes(call.request.headers.get('accept')) : undefined;
  const input = {
    repositoryName: name,
    imageIds: [imageIdOf(reference)],
    ...(accepted && { acceptedMediaTypes: accepted }),
  };
  // Under a pull-through cache rule, what the repository lacks (the repository itself too), or a tag due for
  // its check, is brought in from upstream, then read again. The repository's policy decides first (a
  // missing repository has none: only a key's own permission lets a pull create it).
  let { answer, source } = await call.registry.catalog.pullImage(input);
  admit(call, 'BatchGetImage', name, answer?.policyText);
  const found = answer?.images?.[0];
  const held = found?.imageManifest ? (found.imageId?.imageDigest ?? null) : null;
  const named = reference.kind === 'tag' ? reference.tag : reference.digest.digest;
  const refresh = asksRevalidation(call.request.headers);
  const through = source && pullThrough(call.endpoint, call.registry);
  if (through && (await through.manifest(name, named, held, source, refresh))) {
    ({ answer } = await call.registry.catalog.pullImage(input));
    admit(call, 'BatchGetImage', name, answer?.policyText);
  }
  if (!answer) throw repositoryNotFound(call.registry.registryId, name);
  const { images = [], failures = [] } = answer;
  const image = images[0];
  if (!image?.imageManifest) {
    throw new OciError('MANIFEST_UNKNOWN', failures[0]?.failureReason ?? `manifest unknown in ${name}`);
  }
  const bytes = new TextEncoder().encode(image.imageManifest);
  // Asked for by its sha512 alias, the same bytes are named as asked.
  const digest = sha512Of(reference) ?? image.imageId?.imageDigest ?? '';
  const headers = {
    'content-type': image.imageManifestMediaType ?? 'application/vnd.oci.image.manifest.v1+json',
    'content-length': String(bytes.length),
    [CONTENT_DIGEST_HEADER]: digest,
    etag: digestEtag(digest),
  };
  if (notModified(call.request.headers.get('if-none-match'), headers.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(call.request.method === 'HEAD' ? null : bytes, { headers });
}

/** Reads a manifest body, refusing one past ECR's 4 MiB limit with 413 before holding more of it. */
function readManifest(request: Request): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new OciError('SIZE_INVALID', `a manifest can be at most ${MAX_IMAGE_MANIFEST_LENGTH} bytes`, {
      status: 413,
    });
  return readBounded(request, MAX_IMAGE_MANIFEST_LENGTH, tooLarge);
}

/** The `subject` digest of a stored manifest, for `OCI-Subject`. */
function subjectOf(text: string): string | undefined {
  const subject = (JSON.parse(text) as { subject?: { digest?: unknown } }).subject;
  return typeof subject?.digest === 'string' ? subject.digest : undefined;
}

/**
 * PUT `/v2/<name>/manifests/<reference>`: PutImage's rules (validation, referenced blobs and manifests,
 * immutable tags), the manifest's own bytes as the image. The same manifest again is a success, as the spec
 * wants of a retried PUT.
 */
export async function putManifest(
  call: OciRequest,
  name: string,
  reference: ManifestReference,
): Promise<Response> {
  await permit(call, 'PutImage', name);
  const bytes = await readManifest(call.request);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new OciError('MANIFEST_INVALID', 'a manifest must be UTF-8 JSON');
  }
  const mediaType = call.request.headers.get('content-type')?.split(';')[0]?.trim();
  // A manifest pushed by a sha512 reference is checked here, with WebCrypto over its exact bytes (the image
  // rules are synchronous); its sha256 digest stays the image's identity, and the reference becomes its alias.
  const alias = sha512Of(reference);
  if (alias !== undefined && (await digestOf('sha512', bytes)) !== alias) {
    throw new OciError('DIGEST_INVALID', `the manifest's sha512 digest is not ${alias}`);
  }
  const digest = alias ?? (await digestOf('sha256', bytes));
  // The same manifest again ('unchanged') is a success here, as the spec wants of a retried PUT.
  await call.registry.catalog.putImage(
    {
      repositoryName: name,
      imageManifest: text,
      ...(mediaType && { imageManifestMediaType: mediaType }),
      ...(alias === undefined && imageIdOf(reference)),
    },
    alias,
  );
  const subject = subjectOf(text);
  return created(`/v2/${name}/manifests/${digest}`, digest, subject ? { [SUBJECT_HEADER]: subject } : {});
}

/**
 * DELETE `/v2/<name>/manifests/<reference>`: BatchDeleteImage's rules. By digest the image and its tags go;
 * by tag only the tag (the image goes with its last tag), as ECR deletes by tag.
 */
export async function deleteManifest(
  call: OciRequest,
  name: string,
  reference: ManifestReference,
): Promise<Response> {
  await permit(call, 'BatchDeleteImage', name);
  const { failures = [] } = await call.registry.catalog.batchDeleteImage({
    repositoryName: name,
    imageIds: [imageIdOf(reference)],
  });
  const failure = failures[0];
  if (failure) {
    const reason = failure.failureReason ?? String(failure.failureCode);
    if (failure.failureCode === 'ImageNotFound') throw new OciError('MANIFEST_UNKNOWN', reason);
    throw new OciError('DENIED', reason, { status: 409 });
  }
  return new Response(null, { status: 202 });
}
