import type {
  BatchCheckLayerAvailabilityRequest,
  BatchCheckLayerAvailabilityResponse,
  CompleteLayerUploadRequest,
  CompleteLayerUploadResponse,
  GetDownloadUrlForLayerRequest,
  GetDownloadUrlForLayerResponse,
  InitiateLayerUploadRequest,
  InitiateLayerUploadResponse,
  UploadLayerPartResponse,
} from '@edgecr/protocol';
import { EcrError } from '@edgecr/protocol';
import { PART_SIZE } from '../config.ts';
import type { OperationContext } from '../context.ts';
import { signDownloadUrl } from '../downloads.ts';
import type { UploadRef } from '../layerUpload.ts';
import { unwrap } from '../outcome.ts';

/** The validated UploadLayerPart input, with the blob already decoded by the streaming body reader. */
export interface UploadLayerPartInput {
  registryId?: string;
  repositoryName: string;
  uploadId: string;
  partFirstByte: number;
  partLastByte: number;
  layerPartBlob: Uint8Array;
}

function uploadStub({ env }: OperationContext, uploadId: string) {
  return env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
}

function uploadRef(
  input: { repositoryName: string; uploadId: string },
  { settings }: OperationContext,
): UploadRef {
  return { registryId: settings.registryId, repositoryName: input.repositoryName, uploadId: input.uploadId };
}

export async function initiateLayerUpload(
  input: InitiateLayerUploadRequest,
  context: OperationContext,
): Promise<InitiateLayerUploadResponse> {
  unwrap(await context.registry.requireRepository(input.repositoryName));
  const uploadId = crypto.randomUUID();
  unwrap(
    await uploadStub(context, uploadId).begin({
      ...uploadRef({ repositoryName: input.repositoryName, uploadId }, context),
      partSize: PART_SIZE,
      ttlSeconds: context.settings.uploadTtlSeconds,
    }),
  );
  return { uploadId, partSize: PART_SIZE };
}

export async function uploadLayerPart(
  input: UploadLayerPartInput,
  context: OperationContext,
): Promise<UploadLayerPartResponse> {
  const ref = uploadRef(input, context);
  const lastByteReceived = unwrap(
    await uploadStub(context, input.uploadId).uploadPart({
      ...ref,
      partFirstByte: input.partFirstByte,
      partLastByte: input.partLastByte,
      bytes: input.layerPartBlob,
    }),
  );
  return { ...ref, lastByteReceived };
}

export async function completeLayerUpload(
  input: CompleteLayerUploadRequest,
  context: OperationContext,
): Promise<CompleteLayerUploadResponse> {
  const ref = uploadRef(input, context);
  const layerDigest = unwrap(await uploadStub(context, input.uploadId).complete(ref, input.layerDigests));
  return { ...ref, layerDigest };
}

export async function batchCheckLayerAvailability(
  input: BatchCheckLayerAvailabilityRequest,
  context: OperationContext,
): Promise<BatchCheckLayerAvailabilityResponse> {
  return unwrap(await context.registry.checkLayers(input.repositoryName, input.layerDigests));
}

export async function getDownloadUrlForLayer(
  input: GetDownloadUrlForLayerRequest,
  context: OperationContext,
): Promise<GetDownloadUrlForLayerResponse> {
  const { settings } = context;
  const layer = unwrap(await context.registry.findLayer(input.repositoryName, input.layerDigest));
  if (!layer) {
    throw new EcrError(
      'LayersNotFoundException',
      `The repository with name '${input.repositoryName}' in registry with id '${settings.registryId}' does not contain a layer with digest '${input.layerDigest}'`,
    );
  }
  if (settings.requireImageReference) {
    // edgecr has no images yet, so under ECR's rule no layer is referenced by one.
    throw new EcrError(
      'LayerInaccessibleException',
      `The layer with digest '${input.layerDigest}' is not referenced by any image in the repository '${input.repositoryName}'`,
    );
  }
  const downloadUrl = await signDownloadUrl(context.origin, settings, {
    registryId: settings.registryId,
    repositoryName: input.repositoryName,
    digest: layer.digest,
  });
  return { downloadUrl, layerDigest: layer.digest };
}
