/**
 * The OCI Distribution API's wire rules (distribution-spec v1.1): errors, routes, digests, byte ranges,
 * pagination, headers and ECR-style Basic authentication, shared by the Worker's `/v2/` door and tests.
 * @module
 */

export * from './auth.ts';
export * from './conditional.ts';
export * from './errors.ts';
export * from './fromEcr.ts';
export * from './headers.ts';
export * from './pagination.ts';
export * from './ranges.ts';
export * from './routes.ts';
