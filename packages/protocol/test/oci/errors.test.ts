// The OCI error table against the spec's code list, and the spec's JSON error body.
import { describe, expect, test } from 'vitest';
import { EcrError, OCI_ERRORS, OciError, type OciErrorCode, ociErrorResponse } from '../../src/index.ts';

/** distribution-spec "Error Codes", code-1 to code-14, in the spec's order. */
const SPEC_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
];

async function body(response: Response): Promise<unknown> {
  return JSON.parse(await response.text());
}

describe('OCI_ERRORS table', () => {
  test('holds exactly the spec codes, each of uppercase letters and underscores', () => {
    expect(Object.keys(OCI_ERRORS)).toEqual(SPEC_CODES);
    for (const code of SPEC_CODES) expect(code).toMatch(/^[A-Z_]+$/);
  });

  test('not-found codes are 404, auth codes 401/403, throttling 429, the rest 4xx', () => {
    const notFound = ['BLOB_UNKNOWN', 'BLOB_UPLOAD_UNKNOWN', 'MANIFEST_UNKNOWN', 'NAME_UNKNOWN'];
    for (const [code, { status }] of Object.entries(OCI_ERRORS)) {
      if (notFound.includes(code)) expect(status, code).toBe(404);
      else expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(500);
    }
    expect(OCI_ERRORS.UNAUTHORIZED.status).toBe(401);
    expect(OCI_ERRORS.DENIED.status).toBe(403);
    expect(OCI_ERRORS.TOOMANYREQUESTS.status).toBe(429);
    expect(OCI_ERRORS.DIGEST_INVALID.status).toBe(400);
  });
});

describe('OciError', () => {
  test('takes status and message from the table unless told otherwise', () => {
    const plain = new OciError('BLOB_UNKNOWN');
    expect(plain).toBeInstanceOf(Error);
    expect(plain).toMatchObject({ name: 'BLOB_UNKNOWN', code: 'BLOB_UNKNOWN', status: 404 });
    expect(plain.message).toBe('blob unknown to registry');
    const cause = new Error('underneath');
    const told = new OciError('BLOB_UPLOAD_INVALID', 'out of order', { status: 416, cause });
    expect(told).toMatchObject({ status: 416, message: 'out of order', cause });
  });
});

describe('ociErrorResponse', () => {
  test.each(SPEC_CODES as OciErrorCode[])('%s: the spec body, the table status, JSON', async (code) => {
    const response = ociErrorResponse(new OciError(code, `about ${code}`));
    expect(response.status).toBe(OCI_ERRORS[code].status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await body(response)).toEqual({ errors: [{ code, message: `about ${code}` }] });
  });

  test('sends detail, the error headers and an overridden status', async () => {
    const response = ociErrorResponse(
      new OciError('BLOB_UPLOAD_INVALID', 'chunk out of order', {
        status: 416,
        detail: { received: 100 },
        headers: { range: '0-99', location: '/v2/a/blobs/uploads/x' },
      }),
    );
    expect(response.status).toBe(416);
    expect(response.headers.get('range')).toBe('0-99');
    expect(response.headers.get('location')).toBe('/v2/a/blobs/uploads/x');
    expect(await body(response)).toEqual({
      errors: [{ code: 'BLOB_UPLOAD_INVALID', message: 'chunk out of order', detail: { received: 100 } }],
    });
  });

  test('an error headers cannot change the content type of the JSON body', () => {
    const error = new OciError('DENIED', undefined, { headers: { 'content-type': 'text/html' } });
    expect(ociErrorResponse(error).headers.get('content-type')).toBe('application/json');
  });

  test('anything else is a 500 that reveals nothing', async () => {
    for (const thrown of [new Error('secret path /x'), new EcrError('ServerException', 'secret'), 'secret']) {
      const response = ociErrorResponse(thrown);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain('secret');
      expect(JSON.parse(text)).toEqual({ errors: [{ code: 'UNKNOWN', message: 'unknown error' }] });
    }
  });
});
