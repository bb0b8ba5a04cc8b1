import type {
  BatchCheckLayerAvailabilityRequest,
  BatchCheckLayerAvailabilityResponse,
  CompleteLayerUploadRequest,
  CompleteLayerUploadResponse,
  GetDownloadUrlForLayerRequest,
  GetDownloadUrlForLayerResponse,
  InitiateLayerUploadRequest,
  InitiateLayerUploadResponse,
  UploadLayerPartRequest,
  UploadLayerPartResponse,
} from '@edgecr/protocol';
import { EcrError } from '@edgecr/protocol';
import type { Caller } from '../authenticate.ts';
import { PART_SIZE } from '../config.ts';
import type { OperationContext } from '../context.ts';
import { signDownloadUrl } from '../downloads.ts';
import type { UploadRef } from '../layerUpload.ts';
import { type Outcome, unwrap } from '../outcome.ts';
import { declaredLength, hashBody } from '../requestBody.ts';
import { MAX_UPLOAD_LAYER_PART_BODY_BYTES, readUploadLayerPartBody } from '../uploadLayerPartBody.ts';

/** Decoded bytes buffered between the request parser and the upload object, so both keep working. */
const PIPE_BYTES = 1024 * 1024;

function uploadStub({ env }: OperationContext, uploadId: string) {
  return env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
}

function uploadRef(
  input: { repositoryName: string; uploadId: string },
  { registryId }: OperationContext,
): UploadRef {
  return { registryId, repositoryName: input.repositoryName, uploadId: input.uploadId };
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

/** The members that say where a part belongs; once all are read, its bytes can stream to the upload. */
const PLACEMENT = ['repositoryName', 'uploadId', 'partFirstByte', 'partLastByte'] as const;

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * A writer that keeps the last chunk back until `commit`. The upload commits a part only when its stream ends
 * with every byte; ending it one chunk short is how a request found bad after its blob (a duplicate member,
 * trailing garbage, a bad signature) is abandoned without erroring the stream across RPC.
 */
class HoldBackWriter {
  private held: Uint8Array | undefined;
  constructor(private readonly writer: WritableStreamDefaultWriter<Uint8Array>) {}

  async write(chunk: Uint8Array): Promise<void> {
    const previous = this.held;
    this.held = chunk;
    if (previous) await this.writer.write(previous);
  }

  async commit(): Promise<void> {
    if (this.held) await this.writer.write(this.held);
    this.held = undefined;
    await this.writer.close();
  }

  async abandon(): Promise<void> {
    this.held = undefined;
    await this.writer.close().catch(() => undefined);
  }
}

/**
 * UploadLayerPart. The body is parsed as it arrives; as soon as the members that place the part are known
 * (SDKs write the blob last) the decoded bytes stream to the upload's Durable Object, which hashes them and
 * writes R2 parts while the rest is still arriving. Only a request read to its end, with a valid signature
 * over the whole body, delivers the part's last bytes, so a bad or forged one commits nothing.
 */
export async function uploadLayerPart(
  request: Request,
  context: OperationContext,
  caller: Caller,
  check: (raw: unknown) => UploadLayerPartRequest,
): Promise<UploadLayerPartResponse> {
  const body = hashBody(request);
  const pipe = new IdentityTransformStream({ highWaterMark: PIPE_BYTES });
  const sink = new HoldBackWriter(pipe.writable.getWriter());
  let placed: UploadLayerPartRequest | undefined;
  let call: Promise<Outcome<number>> | undefined;
  const send = (input: UploadLayerPartRequest, body: ReadableStream<Uint8Array>) => {
    placed = input;
    call = uploadStub(context, input.uploadId).uploadPart({
      ...uploadRef(input, context),
      partFirstByte: input.partFirstByte,
      partLastByte: input.partLastByte,
      body,
    });
  };
  try {
    const reading = readUploadLayerPartBody(
      body.stream,
      declaredLength(request, MAX_UPLOAD_LAYER_PART_BODY_BYTES),
      (before) => {
        if (PLACEMENT.some((name) => before[name] === undefined)) return undefined;
        send(check({ ...before, layerPartBlob: new Uint8Array(0) }), pipe.readable);
        return sink;
      },
    );
    const members = await reading.catch(async (error: unknown) => {
      // A malformed body from a caller whose signature does not hold gets the signature error, as from AWS.
      if (error instanceof EcrError && error.code !== 'RequestEntityTooLargeException') {
        await body.drain().catch(() => undefined);
        await caller.verify(await body.sha256);
      }
      throw error;
    });
    await caller.verify(await body.sha256);
    if (placed) {
      // The blob's bounds were enforced as it streamed; a placeholder stands in for its bytes.
      const input = check({ ...members, layerPartBlob: new Uint8Array(0) });
      if (PLACEMENT.some((name) => input[name] !== placed?.[name])) {
        throw new EcrError(
          'SerializationException',
          'A member that places the part appears twice with different values',
        );
      }
      await sink.commit();
    } else {
      const input = check(members);
      send(input, streamOf(input.layerPartBlob as Uint8Array));
    }
    const input = placed as UploadLayerPartRequest;
    return {
      ...uploadRef(input, context),
      lastByteReceived: unwrap(await (call as Promise<Outcome<number>>)),
    };
  } catch (error) {
    await sink.abandon();
    const outcome = await call?.catch(() => undefined);
    // A request error of our own (bad JSON, a bad member) is the answer. Otherwise the upload refused the part
    // (an unknown upload id, a wrong offset) and stopped reading, which is what broke our side: its answer.
    if (!(error instanceof EcrError) && outcome && !outcome.ok) unwrap(outcome);
    throw error;
  }
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
      `The repository with name '${input.repositoryName}' in registry with id '${context.registryId}' does not contain a layer with digest '${input.layerDigest}'`,
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
    registryId: context.registryId,
    repositoryName: input.repositoryName,
    digest: layer.digest,
  });
  return { downloadUrl, layerDigest: layer.digest };
}
