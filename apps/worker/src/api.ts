import {
  EcrError,
  errorResponse,
  isJsonContentType,
  JSON_CONTENT_TYPE,
  MAX_IMAGE_MANIFEST_LENGTH,
  type OperationName,
  type Operations,
  parseTarget,
  validateRequest,
} from '@edgecr/protocol';
import type { OperationContext } from './context.ts';
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  getDownloadUrlForLayer,
  initiateLayerUpload,
  type UploadLayerPartInput,
  uploadLayerPart,
} from './operations/layers.ts';
import { createRepository, deleteRepository, describeRepositories } from './operations/repositories.ts';
import { MAX_UPLOAD_LAYER_PART_BODY_BYTES, readUploadLayerPartBody } from './uploadLayerPartBody.ts';

/**
 * The largest body any other operation can legally have: PutImage's manifest, each character escaped by JSON
 * as `\uXXXX` at worst, plus the other members.
 */
const MAX_BODY_BYTES = MAX_IMAGE_MANIFEST_LENGTH * 6 + 64 * 1024;

type Handler<Op extends OperationName> = (
  input: Operations[Op]['input'],
  context: OperationContext,
) => Promise<Operations[Op]['output']>;

/** The operations edgecr serves; the rest of the model's operations answer that they are not available. */
const HANDLERS: { [Op in OperationName]?: Handler<Op> } = {
  CreateRepository: createRepository,
  DescribeRepositories: describeRepositories,
  DeleteRepository: deleteRepository,
  InitiateLayerUpload: initiateLayerUpload,
  CompleteLayerUpload: completeLayerUpload,
  BatchCheckLayerAvailability: batchCheckLayerAvailability,
  GetDownloadUrlForLayer: getDownloadUrlForLayer,
};

function declaredLength(request: Request, limit: number): number | null {
  const header = request.headers.get('content-length');
  const length = header === null ? null : Number(header);
  if (length !== null && length > limit) {
    throw new EcrError(
      'RequestEntityTooLargeException',
      `The request body is ${length} bytes; at most ${limit} are accepted`,
    );
  }
  return length;
}

async function readJsonBody(request: Request): Promise<unknown> {
  declaredLength(request, MAX_BODY_BYTES);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new EcrError('RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new EcrError('SerializationException', 'The request body is not valid JSON');
  }
}

function registryOf(input: unknown): string | undefined {
  const registryId = (input as { registryId?: unknown }).registryId;
  return typeof registryId === 'string' ? registryId : undefined;
}

async function dispatch(request: Request, context: OperationContext): Promise<unknown> {
  const operation = parseTarget(request.headers.get('x-amz-target'));
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new EcrError('SerializationException', `The content type must be ${JSON_CONTENT_TYPE}`);
  }
  const raw =
    operation === 'UploadLayerPart' && request.body
      ? await readUploadLayerPartBody(request.body, declaredLength(request, MAX_UPLOAD_LAYER_PART_BODY_BYTES))
      : await readJsonBody(request);
  const input = validateRequest(operation, raw);
  const registryId = registryOf(input);
  const { settings } = context;
  if (registryId !== undefined && registryId !== settings.registryId) {
    // What ECR says to a caller whose account may not act on another registry.
    throw new EcrError(
      'AccessDeniedException',
      `User is not authorized to perform: ecr:${operation} on resource: arn:aws:ecr:${settings.region}:${registryId}:repository/* because this endpoint serves only registry ${settings.registryId}`,
    );
  }
  if (operation === 'UploadLayerPart') return await uploadLayerPart(input as UploadLayerPartInput, context);
  const handler = HANDLERS[operation] as Handler<typeof operation> | undefined;
  if (!handler) {
    throw new EcrError('UnknownOperationException', `edgecr does not implement ${operation} yet`);
  }
  return await handler(input, context);
}

/**
 * The ECR API: AWS JSON 1.1 at `POST /`. Every failure is an ECR error on the wire; anything unexpected is
 * logged and answered as `ServerException` without its details.
 */
export async function handleApi(request: Request, context: OperationContext): Promise<Response> {
  const requestId = crypto.randomUUID();
  try {
    const output = await dispatch(request, context);
    return new Response(JSON.stringify(output), {
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    });
  } catch (error) {
    if (error instanceof EcrError) return errorResponse(error, requestId);
    console.error('Unexpected failure', requestId, error);
    return errorResponse(
      new EcrError('ServerException', `Internal error; request id ${requestId}`),
      requestId,
    );
  }
}
