import {
  EcrError,
  errorResponse,
  isJsonContentType,
  JSON_CONTENT_TYPE,
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
  uploadLayerPart,
} from './operations/layers.ts';
import { createRepository, deleteRepository, describeRepositories } from './operations/repositories.ts';
import { readJsonBody } from './requestBody.ts';

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

function registryOf(input: unknown): string | undefined {
  const registryId = (input as { registryId?: unknown }).registryId;
  return typeof registryId === 'string' ? registryId : undefined;
}

/**
 * Validates a request's members against the model and checks the registry they name is the one served.
 * @returns The typed input.
 */
function checkInput<Op extends OperationName>(
  operation: Op,
  raw: unknown,
  { settings }: OperationContext,
): Operations[Op]['input'] {
  const input = validateRequest(operation, raw);
  const registryId = registryOf(input);
  if (registryId !== undefined && registryId !== settings.registryId) {
    // What ECR says to a caller whose account may not act on another registry.
    throw new EcrError(
      'AccessDeniedException',
      `User is not authorized to perform: ecr:${operation} on resource: arn:aws:ecr:${settings.region}:${registryId}:repository/* because this endpoint serves only registry ${settings.registryId}`,
    );
  }
  return input;
}

async function dispatch(request: Request, context: OperationContext): Promise<unknown> {
  const operation = parseTarget(request.headers.get('x-amz-target'));
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new EcrError('SerializationException', `The content type must be ${JSON_CONTENT_TYPE}`);
  }
  if (operation === 'UploadLayerPart') {
    return await uploadLayerPart(request, context, (raw) => checkInput('UploadLayerPart', raw, context));
  }
  const input = checkInput(operation, await readJsonBody(request), context);
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
