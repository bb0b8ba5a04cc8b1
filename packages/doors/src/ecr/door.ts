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
import { requireAccess } from '../auth/access.ts';
import { authenticate } from '../auth/authenticate.ts';
import { type AccessKey, type AccessTarget, accessDenied, keyAllows } from '../auth/credentials.ts';
import { type Endpoint, registryService } from '../endpoint.ts';
import { asksRevalidation } from '../pullThrough.ts';
import type { Settings } from '../settings.ts';
import { isUnread, parseJson, readBody } from './body/requestBody.ts';
import { runStreamedPart } from './body/streamedPart.ts';
import { type EcrInput, ecrContext, type StreamedUploadLayerPartRequest } from './context.ts';
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
 * The operations whose answer carries the repository's policy (the pull's reads): for a key its own permission
 * lets in, the handler checks the policy's Deny on the answer (EcrContext.admit) instead of asking first.
 */
const ANSWER_CARRIES_POLICY = new Set<OperationName>(['BatchGetImage', 'GetDownloadUrlForLayer']);

/** The registry and repository pairs a request names. */
function targetsOf(input: Record<string, unknown>, key: AccessKey, region: string): AccessTarget[] {
  return registriesNamed(input, key.registryId).flatMap((registryId) =>
    repositoriesNamed(input).map((repositoryName) => ({
      region,
      registryId,
      ...(repositoryName !== undefined && { repositoryName }),
    })),
  );
}

/**
 * Validates a request's members against the model, and refuses at once an operation naming no repository that
 * the key may not perform (no policy can allow it).
 * @returns The typed input.
 */
function checkInput<Op extends OperationName>(
  operation: Op,
  raw: unknown,
  key: AccessKey,
  settings: Settings,
): Operations[Op]['input'] {
  const input = validateRequest(operation, raw);
  for (const target of targetsOf(input as Record<string, unknown>, key, settings.region)) {
    if (target.repositoryName === undefined && !keyAllows(key, operation, target)) {
      throw accessDenied(key.accessKeyId, operation, target);
    }
  }
  return input;
}

/**
 * Checks the caller may perform the operation on every repository the request names (auth/access.ts), with
 * each repository's policy: a request naming another registry's repository goes to that registry, and gets in
 * only by that repository's policy.
 * @returns The registry the request acts on.
 */
async function authorizeInput(
  operation: OperationName,
  input: Record<string, unknown>,
  key: AccessKey,
  endpoint: Endpoint,
): Promise<string> {
  const targets = targetsOf(input, key, endpoint.settings.region);
  for (const target of targets) {
    const { repositoryName } = target;
    if (repositoryName === undefined) continue;
    if (keyAllows(key, operation, target) && ANSWER_CARRIES_POLICY.has(operation)) continue;
    const registry = registryService(endpoint, target.registryId);
    const { policyText } = await registry.catalog.accessPolicy(repositoryName);
    requireAccess(key, operation, target, policyText);
  }
  const registries = new Set(targets.map((target) => target.registryId));
  return registries.size === 1 ? (targets[0] as AccessTarget).registryId : key.registryId;
}

async function dispatch(request: Request, endpoint: Endpoint, origin: string): Promise<unknown> {
  const { settings } = endpoint;
  const caller = authenticate(request, settings);
  const operation = parseTarget(request.headers.get('x-amz-target'));
  const handler = ecrHandler(operation);
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new EcrError('SerializationException', `The content type must be ${JSON_CONTENT_TYPE}`);
  }
  const run = async (input: EcrInput<typeof operation>) => {
    let registryId: string;
    try {
      registryId = await authorizeInput(operation, input as Record<string, unknown>, caller.key, endpoint);
    } catch (error) {
      // A refused part's stream is never read: cancelling it lets its body be drained and answered.
      if (operation === 'UploadLayerPart')
        await (input as StreamedUploadLayerPartRequest).layerPartBlob.cancel();
      throw error;
    }
    const revalidate = asksRevalidation(request.headers);
    return await handler(input, ecrContext(endpoint, caller.key, origin, registryId, revalidate));
  };
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
