/**
 * Request validation against the model's constraints, the check ECR runs before any operation.
 * @module
 */

import { INPUT_SHAPES, SHAPES } from './_shapes.ts';
import { checkShape } from './constraints.ts';
import { EcrError } from './errors.ts';
import type { OperationName, Operations } from './types.ts';

/**
 * Checks a parsed request body against every constraint the model places on operation `op`'s input,
 * recursively: required members, JSON types, patterns, lengths, list sizes, numeric ranges, enums and blob
 * sizes. `layerPartBlob` may be base64 text (checked, and measured without decoding) or bytes a streaming
 * parser already decoded. Members the model does not declare are dropped and JSON `null` counts as absent,
 * so the result is exactly the operation's input type.
 * @throws EcrError `SerializationException` when the body or a member has the wrong JSON type (or is not
 * base64), `InvalidParameterException` with ECR's message for the first constraint violated, and
 * `UnknownOperationException` for an operation outside the model.
 * @example
 * const input = validateRequest('UploadLayerPart', JSON.parse(await request.text()));
 * input.partFirstByte; // number
 * validateRequest('ListImages', { repositoryName: 'app', maxResults: 0 });
 * // throws InvalidParameterException: Invalid parameter at 'maxResults' failed to satisfy constraint:
 * // 'must be greater than or equal to 1'
 */
export function validateRequest<Op extends OperationName>(op: Op, input: unknown): Operations[Op]['input'] {
  // Guards callers that bypass the types, e.g. with a name taken straight from a header.
  if (!Object.hasOwn(INPUT_SHAPES, op))
    throw new EcrError('UnknownOperationException', `Unknown operation ${op}`);
  return checkShape(SHAPES, INPUT_SHAPES[op], input, '') as Operations[Op]['input'];
}
