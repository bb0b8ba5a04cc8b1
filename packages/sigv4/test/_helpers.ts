// Shared fixtures: an ECR-like signed request and a verifier configured for it.
import { expect } from 'vitest';
import {
  type HeaderInput,
  hexSha256,
  SigV4Error,
  type SigV4ErrorCode,
  signRequest,
  type VerifyOptions,
  verifyRequest,
} from '../src/index.ts';

export const KEY = { accessKeyId: 'AKIAEDGECRTEST000001', secretAccessKey: 'edgecr-test-secret/+0123456789' };
export const OTHER_KEY = { accessKeyId: 'AKIAEDGECRTEST000002', secretAccessKey: 'another-secret' };
export const SIGNED_AT = new Date('2026-01-01T00:00:00Z');
export const URL_ = 'https://ecr.example.com/';
export const BODY = '{"repositoryName":"app","layerDigests":["sha256:abc"]}';

export const lookupSecret = (id: string): string | undefined =>
  id === KEY.accessKeyId
    ? KEY.secretAccessKey
    : id === OTHER_KEY.accessKeyId
      ? OTHER_KEY.secretAccessKey
      : undefined;

export interface TestRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** An ECR InitiateLayerUpload-like request signed with {@link KEY} at {@link SIGNED_AT}. */
export function signedEcrRequest(
  extra: Partial<Parameters<typeof signRequest>[1]> = {},
  body = BODY,
): TestRequest {
  const headers = signRequest(
    {
      method: 'POST',
      url: URL_,
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.CompleteLayerUpload',
        'User-Agent': 'aws-cli/2.0',
      },
      body,
    },
    { credentials: KEY, region: 'us-east-1', service: 'ecr', date: SIGNED_AT, ...extra },
  );
  return { method: 'POST', url: URL_, headers };
}

export function verifyOptions(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    lookupSecret,
    service: 'ecr',
    regions: ['us-east-1'],
    now: SIGNED_AT,
    payloadHash: hexSha256(BODY),
    ...overrides,
  };
}

/** Verifies and returns the SigV4Error's code (or 'ok'), checking that nothing else was thrown. */
export async function outcome(
  request: { method: string; url: string | URL; headers: HeaderInput },
  options: VerifyOptions,
): Promise<SigV4ErrorCode | 'ok'> {
  try {
    await verifyRequest(request, options);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(SigV4Error);
    return (err as SigV4Error).code;
  }
}

/** The rejection a verification ends in; fails the test when it resolves. */
export async function rejection(
  request: { method: string; url: string | URL; headers: HeaderInput },
  options: VerifyOptions,
): Promise<SigV4Error> {
  const result = await verifyRequest(request, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(result).toBeInstanceOf(SigV4Error);
  return result as SigV4Error;
}

/** Replaces one header's value, matching its name case-insensitively. */
export function withHeader(
  headers: Record<string, string>,
  name: string,
  value: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== name.toLowerCase()) out[k] = v;
  if (value !== undefined) out[name] = value;
  return out;
}
