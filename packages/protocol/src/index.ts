/**
 * `@edgecr/protocol`: the Amazon ECR wire contract (AWS JSON 1.1) for the operations edgecr serves, shared
 * by the Worker, browsers and Node. Types and constraints come from the vendored botocore model. Beside it,
 * the OCI Distribution API's wire rules (`oci/`), the second door onto the same registry.
 * @module
 */

export * from './base64.ts';
export * from './constants.ts';
export { invalidParameter } from './constraints.ts';
export * from './describe.ts';
export * from './digest.ts';
export * from './errors.ts';
export * from './framing.ts';
export * from './headers.ts';
export * from './manifest.ts';
export * from './mediaTypes.ts';
export * from './oci/index.ts';
export * from './streams.ts';
export type * from './types.ts';
export * from './upstreamErrors.ts';
export * from './validate.ts';
