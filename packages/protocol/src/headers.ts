/**
 * Header names and the media type of the AWS JSON 1.1 protocol. Kept apart from `framing.ts` so that
 * `errors.ts` can use them without an import cycle (framing throws `EcrError`).
 * @module
 */

/**
 * Media type of every AWS JSON 1.1 request and response body.
 * @example
 * new Response(body, { headers: { 'content-type': JSON_CONTENT_TYPE } });
 */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Request header naming the operation, `<TARGET_PREFIX>.<OperationName>`.
 * @example
 * const op = parseTarget(request.headers.get(TARGET_HEADER));
 */
export const TARGET_HEADER = 'x-amz-target';

/**
 * Response header carrying the request id that AWS SDKs log and attach to errors.
 * @example
 * headers.set(REQUEST_ID_HEADER, crypto.randomUUID());
 */
export const REQUEST_ID_HEADER = 'x-amzn-RequestId';

/**
 * Response header naming the error code; SDKs read it before the body's `__type`.
 * @example
 * const code = response.headers.get(ERROR_TYPE_HEADER);
 */
export const ERROR_TYPE_HEADER = 'x-amzn-ErrorType';
