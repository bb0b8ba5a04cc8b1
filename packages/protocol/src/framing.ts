/**
 * AWS JSON 1.1 request framing for ECR: the `X-Amz-Target` header that names the operation, the media
 * type, request encoding for clients, and the epoch-second timestamps of the wire form.
 * @module
 */

import { INPUT_SHAPES } from './_shapes.ts';
import { encodeBase64 } from './base64.ts';
import { EcrError } from './errors.ts';
import { JSON_CONTENT_TYPE, TARGET_HEADER } from './headers.ts';
import type { OperationName, Operations } from './types.ts';

/**
 * Service prefix of every ECR `X-Amz-Target` value (the model's `targetPrefix`).
 * @example
 * `${TARGET_PREFIX}.PutImage`; // 'AmazonEC2ContainerRegistry_V20150921.PutImage'
 */
export const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

/**
 * The operations this package describes, in model order.
 * @example
 * OPERATIONS.includes('PutImage'); // true
 */
export const OPERATIONS: readonly OperationName[] = Object.freeze(
  Object.keys(INPUT_SHAPES) as OperationName[],
);

/**
 * Reads the operation from an `X-Amz-Target` header value.
 * @throws EcrError `UnknownOperationException` when the header is missing, has another service's prefix,
 * or names an operation outside {@link OPERATIONS}.
 * @example
 * parseTarget('AmazonEC2ContainerRegistry_V20150921.UploadLayerPart'); // 'UploadLayerPart'
 * parseTarget(request.headers.get(TARGET_HEADER));
 */
export function parseTarget(header: string | null): OperationName {
  if (header === null || header === '') {
    throw new EcrError('UnknownOperationException', 'Missing X-Amz-Target header');
  }
  const operation = header.slice(TARGET_PREFIX.length + 1);
  if (!header.startsWith(`${TARGET_PREFIX}.`) || !Object.hasOwn(INPUT_SHAPES, operation)) {
    throw new EcrError('UnknownOperationException', `Unknown operation ${header}`);
  }
  return operation as OperationName;
}

/**
 * The `X-Amz-Target` header value for an operation.
 * @example
 * formatTarget('InitiateLayerUpload'); // 'AmazonEC2ContainerRegistry_V20150921.InitiateLayerUpload'
 */
export function formatTarget(op: OperationName): string {
  return `${TARGET_PREFIX}.${op}`;
}

/**
 * Whether a `Content-Type` value is AWS JSON 1.1, ignoring case and parameters such as `charset`. Plain
 * `application/json` is refused on purpose: AWS SDKs and the CLI always send the 1.1 type, and a client that
 * sends anything else would work against edgecr yet fail against ECR.
 * @example
 * isJsonContentType('application/x-amz-json-1.1; charset=utf-8'); // true
 * isJsonContentType('application/json'); // false
 */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const [essence = ''] = value.split(';');
  return essence.trim().toLowerCase() === JSON_CONTENT_TYPE;
}

/**
 * A request ready for `fetch` (signing still to be done by the caller).
 * @example
 * const { headers, body }: EncodedRequest = encodeRequest('InitiateLayerUpload', { repositoryName: 'app' });
 */
export interface EncodedRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * Frames a client request: content type, target header and JSON body, with blob bytes as base64. The
 * input is not validated; call `validateRequest` first to fail before the network does.
 * @example
 * const { headers, body } = encodeRequest('UploadLayerPart', {
 *   repositoryName: 'app', uploadId, partFirstByte: 0, partLastByte: part.length - 1, layerPartBlob: part,
 * });
 * await fetch(endpoint, { method: 'POST', headers, body });
 */
export function encodeRequest<Op extends OperationName>(
  op: Op,
  input: Operations[Op]['input'],
): EncodedRequest {
  return {
    headers: { 'content-type': JSON_CONTENT_TYPE, [TARGET_HEADER]: formatTarget(op) },
    body: JSON.stringify(input, (_key, value: unknown) =>
      value instanceof Uint8Array ? encodeBase64(value) : value,
    ),
  };
}

/**
 * A date as AWS JSON epoch seconds, keeping milliseconds as a fraction.
 * @throws RangeError for an invalid date.
 * @example
 * toEpochSeconds(new Date('2024-01-01T00:00:00.250Z')); // 1704067200.25
 */
export function toEpochSeconds(date: Date): number {
  const milliseconds = date.getTime();
  if (Number.isNaN(milliseconds)) throw new RangeError('toEpochSeconds: date is invalid');
  return milliseconds / 1000;
}

/**
 * AWS JSON epoch seconds as a date, rounded to the millisecond.
 * @throws RangeError for a value that is not a finite number.
 * @example
 * fromEpochSeconds(1704067200.25).toISOString(); // '2024-01-01T00:00:00.250Z'
 */
export function fromEpochSeconds(seconds: number): Date {
  // Rounding undoes binary fractions: 1.005 * 1000 is 1004.999…, which `new Date` would truncate.
  const date = new Date(Math.round(seconds * 1000));
  if (!Number.isFinite(seconds) || Number.isNaN(date.getTime())) {
    throw new RangeError(`fromEpochSeconds: ${seconds} is not a representable epoch-seconds value`);
  }
  return date;
}
