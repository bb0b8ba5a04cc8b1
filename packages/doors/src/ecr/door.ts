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
import { parseRepositoryArn } from '@edgecr/registry';
import { authenticate } from '../auth/authenticate.ts';
import { type AccessKey, authorize } from '../auth/credentials.ts';
import type { Endpoint } from '../endpoint.ts';
import type { Settings } from '../settings.ts';
import { isUnread, parseJson, readBody } from './body/requestBody.ts';
import { runStreamedPart } from './body/streamedPart.ts';
import { type EcrContext, type EcrInput, ecrContext } from './context.ts';
import { ecrHandler } from './handlers.ts';

/** The repository ARN a request names (`resourceArn`), if it is one. */
function arnNamed(input: Record<string, unknown>) {
  return typeof input.resourceArn === 'string' ? parseRepositoryArn(input.resourceArn) : null;
}

/** The repositories a request names, for the key's prefix check. */
function repositoriesNamed(input: Record<string, unknown>): (string | undefined)[] {
  if (typeof input.repositoryName === 'string') return [input.repositoryName];
  // A tagging operation's repository is in its ARN (a malformed one is the handler's to refuse).
  const arn = arnNamed(input);
  if (arn) return [arn.repositoryName];
  if (Array.isArray(input.repositoryNames)) return input.repositoryNames as string[];
  return [undefined];
}

/** The registries a request names; none means the caller's own. */
function registriesNamed(input: Record<string, unknown>, own: string): string[] {
  if (typeof input.registryId === 'string') return [input.registryId];
  const arn = arnNamed(input);
  if (arn) return [arn.registryId];
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
  key: AccessKey,
  settings: Settings,
): Operations[Op]['input'] {
  const input = validateRequest(operation, raw);
  const members = input as Record<string, unknown>;
  for (const registryId of registriesNamed(members, key.registryId)) {
    for (const repositoryName of repositoriesNamed(members)) {
      authorize(key, operation, {
        region: settings.region,
        registryId,
        ...(repositoryName !== undefined && { repositoryName }),
      });
    }
  }
  return input;
}

async function dispatch(request: Request, endpoint: Endpoint, origin: string): Promise<unknown> {
  const { settings } = endpoint;
  const caller = authenticate(request, settings);
  const operation = parseTarget(request.headers.get('x-amz-target'));
  // A modelled operation edgecr does not serve yet is unknown, before its input is read or checked.
  const handler = ecrHandler(operation);
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new EcrError('SerializationException', `The content type must be ${JSON_CONTENT_TYPE}`);
  }
  const context: EcrContext = ecrContext(endpoint, caller.key, origin);
  const run = (input: EcrInput<typeof operation>) => handler(input, context);
  if (operation === 'UploadLayerPart') {
    // The one operation whose input streams: the handler starts before the body has been read to its end.
    return await runStreamedPart(
      request,
      endpoint.bodies,
      caller,
      (raw) => checkInput(operation, raw, caller.key, settings),
      run,
    );
  }
  const body = await readBody(request);
  await caller.verify(body.sha256);
  return await run(
    checkInput(operation, parseJson(body.bytes), caller.key, settings) as EcrInput<typeof operation>,
  );
}

/**
 * The ECR API: AWS JSON 1.1 at `POST /`, every request signed with SigV4, every operation through the
 * handler table (handlers.ts). The door's one error boundary: every failure is an ECR error on the wire;
 * anything unexpected is logged and answered as `ServerException` without its details.
 */
export async function handleEcr(request: Request, endpoint: Endpoint): Promise<Response> {
  const requestId = crypto.randomUUID();
  try {
    const output = await dispatch(request, endpoint, new URL(request.url).origin);
    return new Response(JSON.stringify(output), {
      headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    });
  } catch (error) {
    if (error instanceof EcrError) {
      const response = errorResponse(error, requestId);
      if (isUnread(error)) response.headers.set('connection', 'close');
      return response;
    }
    console.error('Unexpected failure', requestId, error);
    return errorResponse(
      new EcrError('ServerException', `Internal error; request id ${requestId}`),
      requestId,
    );
  }
}
