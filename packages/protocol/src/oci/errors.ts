/**
 * The OCI Distribution API's errors: the spec's code table with the HTTP status each is sent with, and the
 * `{"errors":[{"code","message","detail"}]}` body (distribution-spec, "Error Codes"). The ECR API's table
 * is `../errors.ts`; both doors answer from these two tables only.
 * @module
 */

/**
 * One row of {@link OCI_ERRORS}.
 * @example
 * const spec: OciErrorSpec = OCI_ERRORS.BLOB_UNKNOWN;
 */
export interface OciErrorSpec {
  /** HTTP status the error is sent with unless the thrower names another (a 416 for an upload's range). */
  readonly status: number;
  /** The spec's description of the code, the message when the thrower gives none. */
  readonly message: string;
}

/**
 * Every code the spec allows in an error body (distribution-spec "Error Codes", code-1 to code-14), with
 * the statuses the endpoint table ("Endpoints") and the reference registry (CNCF distribution) send them
 * with. The spec spells code-14 `TOOMANYREQUESTS`, without underscores.
 * @example
 * OCI_ERRORS.MANIFEST_UNKNOWN.status; // 404
 */
export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'manifest references a manifest or blob unknown to registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
} as const satisfies Readonly<Record<string, OciErrorSpec>>;

/**
 * A code of {@link OCI_ERRORS}.
 * @example
 * const code: OciErrorCode = 'NAME_UNKNOWN';
 */
export type OciErrorCode = keyof typeof OCI_ERRORS;

/**
 * Options of the {@link OciError} constructor.
 * @example
 * const options: OciErrorOptions = { status: 416, headers: { range: '0-1023' } };
 */
export interface OciErrorOptions {
  /** Sent instead of the table's status: the spec answers an out-of-order chunk with 416. */
  status?: number;
  /** The spec's free-form `detail` member: any JSON value that helps the client. */
  detail?: unknown;
  /** Response headers the error must carry (`WWW-Authenticate` on 401, `Range` on 416, `Retry-After`). */
  headers?: Readonly<Record<string, string>>;
  /** What went wrong underneath, for logs; never sent to the client. */
  cause?: unknown;
}

/**
 * An OCI Distribution API error. `name` is the code.
 * @example
 * throw new OciError('BLOB_UNKNOWN', `blob ${digest} is not in ${name}`);
 * throw new OciError('BLOB_UPLOAD_INVALID', 'chunk out of order', { status: 416, headers: { range: '0-99' } });
 */
export class OciError extends Error {
  readonly code: OciErrorCode;
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: OciErrorCode, message?: string, options: OciErrorOptions = {}) {
    super(
      message ?? OCI_ERRORS[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = code;
    this.code = code;
    this.status = options.status ?? OCI_ERRORS[code].status;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/**
 * The body of a server failure. The spec's codes describe client errors only (it binds the body of 4XX
 * answers), so a 5xx uses the code the reference registry (CNCF distribution) sends for one.
 */
const UNKNOWN_ERROR_BODY = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'unknown error' }] });

/**
 * An error as the spec's JSON response: `{"errors":[{"code","message","detail"}]}` (`detail` only when
 * the error has one), with the error's status and headers. Anything other than an {@link OciError} is a
 * 500 that reveals nothing of the original; log it before calling this. A HEAD answer has the same status
 * and headers; the door drops the body.
 * @example
 * catch (err) { return ociErrorResponse(err); }
 */
export function ociErrorResponse(error: unknown): Response {
  if (!(error instanceof OciError)) {
    return new Response(UNKNOWN_ERROR_BODY, { status: 500, headers: { 'content-type': 'application/json' } });
  }
  const entry = { code: error.code, message: error.message, detail: error.detail };
  return new Response(JSON.stringify({ errors: [entry] }), {
    status: error.status,
    headers: { ...error.headers, 'content-type': 'application/json' },
  });
}
