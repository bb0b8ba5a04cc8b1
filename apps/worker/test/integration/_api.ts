import { SELF } from 'cloudflare:test';
import { encodeBase64, formatTarget, JSON_CONTENT_TYPE, type OperationName } from '@edgecr/protocol';
import { type Credentials, signRequest } from '@edgecr/sigv4';

export const ORIGIN = 'http://edgecr.test';

/** The keys vitest.config.ts gives the Worker. */
export const KEYS = {
  admin: { accessKeyId: 'AKIAEDGECRLOCALDEV01', secretAccessKey: 'edgecr-local-dev-secret' },
  pullOnly: { accessKeyId: 'AKIAEDGECRPULLONLY01', secretAccessKey: 'edgecr-test-pull-secret' },
  teamA: { accessKeyId: 'AKIAEDGECRTEAMAPUSH1', secretAccessKey: 'edgecr-test-team-a-secret' },
  otherRegistry: { accessKeyId: 'AKIAEDGECROTHERREG01', secretAccessKey: 'edgecr-test-other-secret' },
} satisfies Record<string, Credentials>;

export interface CallOptions {
  credentials?: Credentials;
  date?: Date;
  headers?: Record<string, string>;
}

/** The headers and body of a signed ECR call, as an AWS SDK sends it. */
export function signedCall(operation: OperationName, body: unknown, options: CallOptions = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signRequest(
    {
      method: 'POST',
      url: `${ORIGIN}/`,
      headers: {
        'x-amz-target': formatTarget(operation),
        'content-type': JSON_CONTENT_TYPE,
        ...options.headers,
      },
      body: text,
    },
    {
      credentials: options.credentials ?? KEYS.admin,
      region: 'us-east-1',
      service: 'ecr',
      ...(options.date && { date: options.date }),
    },
  );
  return { headers, body: text };
}

/** One signed ECR call through the Worker's fetch handler; the parsed JSON and the raw response. */
export async function call(operation: OperationName, body: unknown, options: CallOptions = {}) {
  const response = await SELF.fetch(`${ORIGIN}/`, {
    method: 'POST',
    ...signedCall(operation, body, options),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary members of the JSON answer.
  const json = (await response.json()) as any;
  return { status: response.status, json, response };
}

/** A fresh repository name per test, so tests never see each other's state. */
export function repositoryName(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Deterministic layer bytes, from the one test layer generator. */
export { testLayerBytes as randomBytes } from '@edgecr/chunker/testing';

export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function createRepository(name: string): Promise<void> {
  const { status, json } = await call('CreateRepository', { repositoryName: name });
  if (status !== 200) throw new Error(`CreateRepository failed: ${JSON.stringify(json)}`);
}

/** Uploads `bytes` in parts of the given sizes (the last part takes the rest) and returns the upload id. */
export async function uploadInParts(
  repository: string,
  bytes: Uint8Array,
  partSizes: number[],
): Promise<string> {
  const { json } = await call('InitiateLayerUpload', { repositoryName: repository });
  const uploadId = json.uploadId as string;
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = i < partSizes.length ? (partSizes[i] as number) : bytes.length - offset;
    const part = bytes.subarray(offset, Math.min(offset + size, bytes.length));
    const result = await call('UploadLayerPart', {
      repositoryName: repository,
      uploadId,
      partFirstByte: offset,
      partLastByte: offset + part.length - 1,
      layerPartBlob: encodeBase64(part),
    });
    if (result.status !== 200) throw new Error(`UploadLayerPart failed: ${JSON.stringify(result.json)}`);
    offset += part.length;
  }
  return uploadId;
}
