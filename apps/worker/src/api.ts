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
import { authenticate } from './authenticate.ts';
import type { Settings } from './config.ts';
import type { OperationContext } from './context.ts';
import { authorize } from './credentials.ts';
import { getAuthorizationToken } from './operations/authorization.ts';
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  getDownloadUrlForLayer,
  initiateLayerUpload,
  uploadLayerPart,
} from './operations/layers.ts';
import { createRepository, deleteRepository, describeRepositories } from './operations/repositories.ts';
import { parseJson, readBody } from './requestBody.ts';

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
  GetAuthorizationToken: getAuthorizationToken,
};

/** The repositories a request names, for the key's prefix check. */
function repositoriesNamed(input: Record<string, unknown>): (string | undefined)[] {
  if (typeof input.repositoryName === 'string') return [input.repositoryName];
  if (Array.isArray(input.repositoryNames)) return input.repositoryNames as string[];
  return [undefined];
}

/** The registries a request names; none means the caller's own. */
function registriesNamed(input: Record<string, unknown>, own: string): string[] {
  if (typeof input.registryId === 'string') return [input.registryId];
  if (Array.isArray(input.registryIds)) return input.registryIds as string[];
  return [own];
}

/**
 * Validates a request's members against the model, then checks the caller's key may perform the operation
 * on every registry and repository the request names.
 * @returns The typed input.
 */
function checkInput<Op extends OperationName>(
  operation: Op,
  raw: unknown,
  context: OperationContext,
): Operations[Op]['input'] {
  const input = validateRequest(operation, raw);
  const members = input as Record<string, unknown>;
  for (const registryId of registriesNamed(members, context.registryId)) {
    for (const repositoryName of repositoriesNamed(members)) {
      authorize(context.key, operation, {
        region: context.settings.region,
        registryId,
        ...(repositoryName !== undefined && { repositoryName }),
      });
    }
  }
  return input;
}

async function dispatch(request: Request, env: Env, settings: Settings, origin: string): Promise<unknown> {
  const caller = authenticate(request, settings);
  const operation = parseTarget(request.headers.get('x-amz-target'));
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new EcrError('SerializationException', `The content type must be ${JSON_CONTENT_TYPE}`);
  }
  const { registryId } = caller.key;
  const context: OperationContext = {
    env,
    settings,
    key: caller.key,
    registryId,
    registry: env.REGISTRY.get(env.REGISTRY.idFromName(registryId)),
    origin,
  };
  if (operation === 'UploadLayerPart') {
    return await uploadLayerPart(request, context, caller, (raw) =>
      checkInput('UploadLayerPart', raw, context),
    );
  }
  const body = await readBody(request);
  await caller.verify(body.sha256);
  const input = checkInput(operation, parseJson(body.bytes), context);
  const handler = HANDLERS[operation] as Handler<typeof operation> | undefined;
  if (!handler) {
    throw new EcrError('UnknownOperationException', `edgecr does not implement ${operation} yet`);
  }
  return await handler(input, context);
}

/**
 * The ECR API: AWS JSON 1.1 at `POST /`, every request signed with SigV4. Every failure is an ECR error on
 * the wire; anything unexpected is logged and answered as `ServerException` without its details.
 */
export async function handleApi(request: Request, env: Env, settings: Settings): Promise<Response> {
  const requestId = crypto.randomUUID();
  try {
    const output = await dispatch(request, env, settings, new URL(request.url).origin);
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
