import { SELF } from 'cloudflare:test';
import { type DigestAlgorithm, digestOf } from '@edgecr/protocol';
import type { Credentials } from '@edgecr/sigv4';
import { expect } from 'vitest';
import { call, KEYS, ORIGIN } from './_api.ts';

/** The `Authorization: Basic` header of a GetAuthorizationToken token of `credentials`, as docker sends it. */
export async function basicAuth(credentials: Credentials = KEYS.admin): Promise<string> {
  const { json } = await call('GetAuthorizationToken', {}, { credentials });
  return `Basic ${json.authorizationData[0].authorizationToken}`;
}

/** One request to the OCI door. */
export function oci(path: string, init: RequestInit & { auth?: string } = {}): Promise<Response> {
  const { auth, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth) headers.set('authorization', auth);
  return SELF.fetch(`${ORIGIN}${path}`, { ...rest, headers });
}

/** The error code of an OCI error answer. */
export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { errors: { code: string }[] };
  return body.errors[0]?.code ?? '';
}

/** Pushes `bytes` as one monolithic POST named by their `algorithm` digest (sha256 unless told); returns it. */
export async function pushBlob(
  name: string,
  bytes: Uint8Array,
  auth: string,
  algorithm: DigestAlgorithm = 'sha256',
): Promise<string> {
  const digest = await digestOf(algorithm, new Uint8Array(bytes));
  const response = await oci(`/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: bytes,
    auth,
  });
  expect(response.status).toBe(201);
  expect(response.headers.get('docker-content-digest')).toBe(digest);
  return digest;
}
