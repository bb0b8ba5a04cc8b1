/**
 * Every error the ECR operations can answer with, and its AWS JSON 1.1 wire form: status code,
 * `x-amzn-ErrorType` header and a `{"__type", "message", ...members}` body.
 * @module
 */

import { ERROR_TYPE_HEADER, JSON_CONTENT_TYPE, REQUEST_ID_HEADER } from './headers.ts';
import type { ErrorShapes } from './types.ts';

/**
 * Whether the caller (`client`) or the service (`server`) is at fault, as the model's `fault` trait and the
 * AWS SDKs' `$fault` say. Whether a retry may help is {@link Retry}'s to say.
 * @example
 * if (err.fault === 'client') showTheUser(err);
 */
export type Fault = 'client' | 'server';

/**
 * Whether a client may send the same request again, in the AWS SDKs' standard retry mode: `throttling` (the
 * service asks for fewer requests: back off, then retry), `transient` (a fault of the service that may pass),
 * or `false` (the same request gets the same answer).
 * @example
 * if (ERRORS.ThrottlingException.retry === 'throttling') await backOff();
 */
export type Retry = 'throttling' | 'transient' | false;

/**
 * One row of {@link ERRORS}.
 * @example
 * const spec: ErrorSpec = ERRORS.InvalidLayerPartException;
 */
export interface ErrorSpec<Field extends string = string> {
  /** HTTP status the error is sent with. */
  readonly status: number;
  readonly fault: Fault;
  /** Whether a retry may succeed; see {@link Retry}. */
  readonly retry: Retry;
  /** Members of the error shape besides `message`, sent next to it in the body. */
  readonly fields: readonly Field[];
}

/** Model errors must list only their shape's members; protocol errors have none. */
type ErrorTable = {
  readonly [C in keyof ErrorShapes]: ErrorSpec<Exclude<keyof ErrorShapes[C] & string, 'message'>>;
} & {
  readonly [code: string]: ErrorSpec;
};

/** The common row: a plain 400 client error without extra members, which a retry cannot mend. */
const BAD_REQUEST = { status: 400, fault: 'client', retry: false, fields: [] } as const;

/** A fault of the service: the AWS SDKs retry every 5xx as transient. */
const SERVER_FAULT = { status: 500, fault: 'server', retry: 'transient', fields: [] } as const;

/** An authentication failure: the same signature and key fail again. */
const FORBIDDEN = { status: 403, fault: 'client', retry: false, fields: [] } as const;

/**
 * Every error code of the 15 operations: the error shapes the model declares for them (400 unless the
 * model marks them a `fault`) and the codes the AWS JSON protocol and SigV4 authentication layer answer
 * with before an operation runs. `retry` follows the AWS SDKs' standard retry mode: server faults are
 * transient, `ThrottlingException` is throttling. `LimitExceededException` is one of the SDKs' generic
 * throttling codes, but ECR sends it for an account quota (repositories, uploads), which waiting does not
 * lift, so it is not retried here; `RequestEntityTooLargeException` fails again for the same body.
 * @example
 * ERRORS.RepositoryNotFoundException.status; // 400
 * ERRORS.ServerException.fault; // 'server'
 */
export const ERRORS = {
  // Declared by the operations in the model.
  EmptyUploadException: BAD_REQUEST,
  ImageAlreadyExistsException: BAD_REQUEST,
  ImageDigestDoesNotMatchException: BAD_REQUEST,
  ImageNotFoundException: BAD_REQUEST,
  ImageTagAlreadyExistsException: BAD_REQUEST,
  InvalidLayerException: BAD_REQUEST,
  InvalidLayerPartException: {
    status: 400,
    fault: 'client',
    retry: false,
    fields: ['registryId', 'repositoryName', 'uploadId', 'lastValidByteReceived'],
  },
  InvalidParameterException: BAD_REQUEST,
  InvalidTagParameterException: BAD_REQUEST,
  KmsException: { ...BAD_REQUEST, fields: ['kmsError'] },
  LayerAlreadyExistsException: BAD_REQUEST,
  LayerInaccessibleException: BAD_REQUEST,
  LayerPartTooSmallException: BAD_REQUEST,
  LayersNotFoundException: BAD_REQUEST,
  LifecyclePolicyNotFoundException: BAD_REQUEST,
  LifecyclePolicyPreviewInProgressException: BAD_REQUEST,
  LifecyclePolicyPreviewNotFoundException: BAD_REQUEST,
  LimitExceededException: BAD_REQUEST,
  PullThroughCacheRuleAlreadyExistsException: BAD_REQUEST,
  PullThroughCacheRuleNotFoundException: BAD_REQUEST,
  ReferencedImagesNotFoundException: BAD_REQUEST,
  RepositoryAlreadyExistsException: BAD_REQUEST,
  RepositoryNotEmptyException: BAD_REQUEST,
  RepositoryNotFoundException: BAD_REQUEST,
  RepositoryPolicyNotFoundException: BAD_REQUEST,
  SecretNotFoundException: BAD_REQUEST,
  ServerException: SERVER_FAULT,
  TemplateAlreadyExistsException: BAD_REQUEST,
  TemplateNotFoundException: BAD_REQUEST,
  TooManyTagsException: BAD_REQUEST,
  UnableToAccessSecretException: BAD_REQUEST,
  UnableToDecryptSecretValueException: BAD_REQUEST,
  UnableToGetUpstreamImageException: BAD_REQUEST,
  UnableToGetUpstreamLayerException: BAD_REQUEST,
  UnableToListUpstreamImageReferrersException: BAD_REQUEST,
  UnsupportedUpstreamRegistryException: BAD_REQUEST,
  UploadNotFoundException: BAD_REQUEST,
  ValidationException: BAD_REQUEST,
  // Protocol and authentication errors common to AWS JSON services.
  AccessDeniedException: BAD_REQUEST,
  IncompleteSignatureException: BAD_REQUEST,
  InternalFailure: SERVER_FAULT,
  InvalidSignatureException: FORBIDDEN,
  MissingAuthenticationTokenException: FORBIDDEN,
  RequestEntityTooLargeException: { ...BAD_REQUEST, status: 413 },
  SerializationException: BAD_REQUEST,
  ThrottlingException: { ...BAD_REQUEST, retry: 'throttling' },
  UnknownOperationException: BAD_REQUEST,
  UnrecognizedClientException: FORBIDDEN,
} as const satisfies ErrorTable;

/**
 * A code listed in {@link ERRORS}.
 * @example
 * const code: ErrorCode = 'UploadNotFoundException';
 */
export type ErrorCode = keyof typeof ERRORS;

/**
 * Extra members an error of code `C` carries: its model shape's members minus `message`, nothing for
 * protocol errors, and any JSON members for codes this package does not know.
 * @example
 * const fields: ErrorFields<'KmsException'> = { kmsError: 'KMS.DisabledException' };
 */
export type ErrorFields<C extends string> = C extends keyof ErrorShapes
  ? Omit<ErrorShapes[C], 'message'>
  : C extends ErrorCode
    ? Readonly<Record<string, never>>
    : Readonly<Record<string, unknown>>;

/**
 * Options of the {@link EcrError} constructor. A code missing from {@link ERRORS} must say its status,
 * which also makes a misspelt code a type error unless a status is given.
 * @example
 * const options: EcrErrorOptions<'KmsException'> = { fields: { kmsError: 'KMS.NotFoundException' } };
 */
export type EcrErrorOptions<C extends string> = {
  fields?: ErrorFields<C>;
  /** What went wrong underneath, for logs; never sent to the client. */
  cause?: unknown;
} & (C extends ErrorCode ? { status?: number } : { status: number });

/**
 * An ECR error with its wire attributes. `name` is the code, as in the AWS SDKs' exceptions.
 * @example
 * throw new EcrError('RepositoryNotFoundException', "The repository with name 'app' does not exist");
 * throw new EcrError('InvalidLayerPartException', 'Part out of order', {
 *   fields: { uploadId, lastValidByteReceived: 5242879 },
 * });
 */
export class EcrError<C extends string = ErrorCode> extends Error {
  readonly code: C;
  /** HTTP status: the table's unless the constructor was told otherwise (a decoded response keeps its own). */
  readonly status: number;
  readonly fault: Fault;
  readonly fields: ErrorFields<C>;

  constructor(
    code: C,
    message: string,
    ...[options]: C extends ErrorCode ? [options?: EcrErrorOptions<C>] : [options: EcrErrorOptions<C>]
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const spec = errorSpec(code);
    this.name = code;
    this.code = code;
    this.status = options?.status ?? spec?.status ?? 500;
    this.fault = spec?.fault ?? (this.status >= 500 ? 'server' : 'client');
    this.fields = (options?.fields ?? {}) as ErrorFields<C>;
  }
}

/**
 * The parts of an AWS JSON 1.1 error response.
 * @example
 * const { status, headers, body }: EncodedError = encodeError(err);
 */
export interface EncodedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Encodes an error in AWS JSON 1.1 form. Anything other than an {@link EcrError} becomes a
 * `ServerException` whose message reveals nothing of the original; log it before calling this.
 * @example
 * const { status, headers, body } = encodeError(new EcrError('UploadNotFoundException', 'No such upload'), id);
 * // status 400, headers['x-amzn-ErrorType'] 'UploadNotFoundException',
 * // body '{"__type":"UploadNotFoundException","message":"No such upload"}'
 */
export function encodeError(err: unknown, requestId?: string): EncodedError {
  const error: EcrError<string> =
    err instanceof EcrError ? err : new EcrError('ServerException', 'Internal server error', { cause: err });
  const headers: Record<string, string> = {
    'content-type': JSON_CONTENT_TYPE,
    [ERROR_TYPE_HEADER]: error.code,
  };
  if (requestId !== undefined) headers[REQUEST_ID_HEADER] = requestId;
  const body = JSON.stringify({ __type: error.code, message: error.message, ...error.fields });
  return { status: error.status, headers, body };
}

/**
 * {@link encodeError} as a `Response`, for Workers and other fetch-style servers.
 * @example
 * catch (err) { return errorResponse(err, requestId); }
 */
export function errorResponse(err: unknown, requestId?: string): Response {
  const { status, headers, body } = encodeError(err, requestId);
  return new Response(body, { status, headers });
}

/** Body members that carry the code or the message rather than fields of the error shape. */
const ENVELOPE_KEYS = new Set(['__type', 'code', 'Code', 'message', 'Message']);

/**
 * Reads an AWS JSON error response back into an {@link EcrError}, accepting the variants AWS sends: the
 * code from `x-amzn-ErrorType` (which may carry a `:http://internal.amazon.com/...` suffix) or the body's
 * `__type` / `code` (which may be namespaced, `com.amazonaws.ecr#RepositoryNotFoundException`), and
 * `message` or `Message`. A code not in {@link ERRORS} is kept as sent (`UnknownError` when there is none)
 * and keeps all other body members as fields; the status is always the response's.
 * @example
 * const err = decodeError(response.status, response.headers, await response.text());
 * if (err.code === 'LayerAlreadyExistsException') return;
 */
export function decodeError(status: number, headers: HeadersInit, bodyText: string): EcrError<string> {
  const body = parseObject(bodyText);
  // An empty header is as good as none: fall through to the body.
  const header = new Headers(headers).get(ERROR_TYPE_HEADER) || undefined;
  const code = sanitizeCode(firstString(header, body.__type, body.code, body.Code) ?? '') || 'UnknownError';
  const spec = errorSpec(code);
  const fieldNames = spec ? spec.fields : Object.keys(body).filter((key) => !ENVELOPE_KEYS.has(key));
  const fields = Object.fromEntries(
    fieldNames.filter((name) => Object.hasOwn(body, name)).map((name) => [name, body[name]]),
  );
  const message = firstString(body.message, body.Message) ?? `HTTP ${status}`;
  return new EcrError(code, message, { status, fields });
}

/** Strips the forms AWS wraps codes in, the way the AWS SDKs do: `a,b`, `Code:uri`, `namespace#Code`. */
function sanitizeCode(raw: string): string {
  const [first = ''] = raw.split(',');
  const [beforeColon = ''] = first.split(':');
  return (beforeColon.split('#')[1] ?? beforeColon).trim();
}

function firstString(...candidates: unknown[]): string | undefined {
  return candidates.find((candidate): candidate is string => typeof candidate === 'string');
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status and headers are all there is.
  }
  return {};
}

/**
 * The row of {@link ERRORS} for `code`, or `undefined` for a code the table does not know.
 * @example
 * errorSpec('ThrottlingException')?.retry; // 'throttling'
 * errorSpec('SlowDown'); // undefined
 */
export function errorSpec(code: string): ErrorSpec | undefined {
  return Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode] : undefined;
}
