// verifyRequest's error cases: each fault is reported with its code and AWS's message, and checks that need
// no secret run before the secret is looked up.
import { ERRORS } from '@edgecr/protocol';
import { describe, expect, it, vi } from 'vitest';
import {
  hexSha256,
  SIGV4_ERROR_TYPES,
  SigV4Error,
  signRequest,
  UNSIGNED_PAYLOAD,
  verifyRequest,
} from '../src/index.ts';
import {
  BODY,
  KEY,
  lookupSecret,
  OTHER_KEY,
  outcome,
  rejection,
  SIGNED_AT,
  signedEcrRequest,
  URL_,
  verifyOptions,
  withHeader,
} from './_helpers.ts';

const MIN = 60_000;
const at = (ms: number) => new Date(SIGNED_AT.getTime() + ms);

describe('verifyRequest accepts', () => {
  it('a request signed by signRequest, as a Record, a list, Headers and a Request', async () => {
    const req = signedEcrRequest();
    const expected = { accessKeyId: KEY.accessKeyId, region: 'us-east-1' };
    await expect(verifyRequest(req, verifyOptions())).resolves.toMatchObject(expected);
    await expect(
      verifyRequest({ ...req, headers: Object.entries(req.headers) }, verifyOptions()),
    ).resolves.toMatchObject(expected);
    await expect(
      verifyRequest({ ...req, url: new URL(req.url), headers: new Headers(req.headers) }, verifyOptions()),
    ).resolves.toMatchObject(expected);
    const request = new Request(req.url, { method: 'POST', headers: req.headers, body: BODY });
    const payloadHash = hexSha256(new Uint8Array(await request.clone().arrayBuffer()));
    await expect(verifyRequest(request, verifyOptions({ payloadHash }))).resolves.toMatchObject(expected);
  });

  it('any region when regions is not given, and an async lookupSecret', async () => {
    const req = signedEcrRequest({ region: 'eu-west-3' });
    const verified = await verifyRequest(
      req,
      verifyOptions({ regions: undefined, lookupSecret: async (id) => lookupSecret(id) }),
    );
    expect(verified).toEqual({
      accessKeyId: KEY.accessKeyId,
      region: 'eu-west-3',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
    });
  });

  it('a change to an unsigned header (User-Agent)', async () => {
    const req = signedEcrRequest();
    expect(
      await outcome({ ...req, headers: withHeader(req.headers, 'User-Agent', 'other') }, verifyOptions()),
    ).toBe('ok');
  });

  it('an Authorization header without spaces after its commas, parts in any order', async () => {
    const req = signedEcrRequest();
    const [algorithm, rest] = (req.headers.authorization as string).split(' Credential=') as [string, string];
    const [cred, signed, sig] = rest.split(', ') as [string, string, string];
    const reordered = `${algorithm} ${sig},${signed},Credential=${cred}`;
    expect(
      await outcome(
        { ...req, headers: withHeader(req.headers, 'authorization', reordered) },
        verifyOptions(),
      ),
    ).toBe('ok');
  });

  it('a request dated by a Date header (HTTP date) instead of x-amz-date', async () => {
    const req = signedEcrRequest();
    // Re-sign by hand: signRequest always adds x-amz-date, so build the `Date`-only form from its parts.
    const headers = withHeader(req.headers, 'x-amz-date', undefined);
    headers.date = 'Thu, 01 Jan 2026 00:00:00 GMT';
    const { canonicalRequest, stringToSign, signature, signingKey } = await import('../src/index.ts');
    const signedHeaders = ['content-type', 'date', 'host', 'x-amz-target'];
    const creq = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers,
      signedHeaders,
      payloadHash: hexSha256(BODY),
    });
    const sig = signature(
      signingKey(KEY.secretAccessKey, '20260101', 'us-east-1', 'ecr'),
      stringToSign(creq, '20260101T000000Z', '20260101/us-east-1/ecr/aws4_request'),
    );
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260101/us-east-1/ecr/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
    expect(await outcome({ ...req, headers }, verifyOptions())).toBe('ok');
  });
});

describe('verifyRequest refuses', () => {
  it('a request without Authorization: MissingAuthenticationToken', async () => {
    const req = signedEcrRequest();
    const err = await rejection(
      { ...req, headers: withHeader(req.headers, 'authorization', undefined) },
      verifyOptions(),
    );
    expect(err.code).toBe('MissingAuthenticationToken');
    expect(err.awsErrorType).toBe('MissingAuthenticationTokenException');
    expect(err.message).toBe('Missing Authentication Token');
  });

  const sig = 'a'.repeat(64);
  const cred = `${KEY.accessKeyId}/20260101/us-east-1/ecr/aws4_request`;
  it.each([
    ['another scheme', `Bearer abc`, "Unsupported AWS 'algorithm': 'Bearer'"],
    ['the algorithm alone', 'AWS4-HMAC-SHA256', "requires 'Credential' parameter"],
    [
      'no Signature',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=host;x-amz-date`,
      "requires 'Signature'",
    ],
    ['no SignedHeaders', `AWS4-HMAC-SHA256 Credential=${cred}, Signature=${sig}`, "requires 'SignedHeaders'"],
    [
      'a repeated part',
      `AWS4-HMAC-SHA256 Credential=${cred}, Credential=${cred}, SignedHeaders=host, Signature=${sig}`,
      "more than one 'Credential'",
    ],
    [
      'an unknown part',
      `AWS4-HMAC-SHA256 Credential=${cred}, Foo=1, SignedHeaders=host, Signature=${sig}`,
      "'Foo'",
    ],
    [
      'a part without value',
      `AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=${sig}`,
      'has no value',
    ],
    [
      'a four-part credential',
      `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260101/us-east-1/aws4_request, SignedHeaders=host, Signature=${sig}`,
      'accessKeyId/yyyymmdd/region/service/aws4_request',
    ],
    [
      'a bad scope date',
      `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/2026-01-01/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=${sig}`,
      "date should be 'yyyymmdd'",
    ],
    [
      'a bad terminator',
      `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260101/us-east-1/ecr/aws4_reqest, SignedHeaders=host, Signature=${sig}`,
      "terminator: 'aws4_request'",
    ],
    [
      'an uppercase header name',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=Host, Signature=${sig}`,
      "'Host'",
    ],
    [
      'an empty header name',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=host;;x-amz-date, Signature=${sig}`,
      "got ''",
    ],
    [
      'unsorted headers',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=x-amz-date;host, Signature=${sig}`,
      'sorted without repeats',
    ],
    [
      'a short signature',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=host, Signature=abc`,
      '64 lowercase hex',
    ],
    [
      'an uppercase signature',
      `AWS4-HMAC-SHA256 Credential=${cred}, SignedHeaders=host, Signature=${'A'.repeat(64)}`,
      '64 lowercase hex',
    ],
  ])('an Authorization header with %s: IncompleteSignature', async (_name, authorization, message) => {
    const req = signedEcrRequest();
    const lookup = vi.fn(lookupSecret);
    const err = await rejection(
      { ...req, headers: withHeader(req.headers, 'authorization', authorization) },
      verifyOptions({ lookupSecret: lookup }),
    );
    expect(err.code).toBe('IncompleteSignature');
    expect(err.awsErrorType).toBe('IncompleteSignatureException');
    expect(err.message).toContain(message);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('an unknown access key: UnrecognizedClient', async () => {
    const req = signRequest(
      { method: 'POST', url: URL_, headers: {}, body: BODY },
      {
        credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' },
        region: 'us-east-1',
        service: 'ecr',
        date: SIGNED_AT,
      },
    );
    const err = await rejection({ method: 'POST', url: URL_, headers: req }, verifyOptions());
    expect(err.code).toBe('UnrecognizedClient');
    expect(err.awsErrorType).toBe('UnrecognizedClientException');
    expect(err.message).toBe('The security token included in the request is invalid.');
  });

  it('a wrong secret: InvalidSignature with AWS message', async () => {
    const req = signRequest(
      { method: 'POST', url: URL_, headers: {}, body: BODY },
      {
        credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: OTHER_KEY.secretAccessKey },
        region: 'us-east-1',
        service: 'ecr',
        date: SIGNED_AT,
      },
    );
    const err = await rejection({ method: 'POST', url: URL_, headers: req }, verifyOptions());
    expect(err.code).toBe('InvalidSignature');
    expect(err.awsErrorType).toBe('InvalidSignatureException');
    expect(err.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  });

  it('a tampered body, signed header, query, path, method or signature: InvalidSignature', async () => {
    const req = signedEcrRequest();
    const options = verifyOptions();
    expect(await outcome(req, verifyOptions({ payloadHash: hexSha256(`${BODY} `) }))).toBe(
      'InvalidSignature',
    );
    expect(
      await outcome({ ...req, headers: withHeader(req.headers, 'X-Amz-Target', 'Other') }, options),
    ).toBe('InvalidSignature');
    expect(
      await outcome({ ...req, headers: withHeader(req.headers, 'host', 'evil.example.com') }, options),
    ).toBe('InvalidSignature');
    expect(await outcome({ ...req, url: `${URL_}?a=1` }, options)).toBe('InvalidSignature');
    expect(await outcome({ ...req, url: `${URL_}x` }, options)).toBe('InvalidSignature');
    expect(await outcome({ ...req, method: 'PUT' }, options)).toBe('InvalidSignature');
    const auth = req.headers.authorization as string;
    const flipped = auth.slice(0, -1) + (auth.endsWith('0') ? '1' : '0');
    expect(
      await outcome({ ...req, headers: withHeader(req.headers, 'authorization', flipped) }, options),
    ).toBe('InvalidSignature');
  });

  it('a signed query that was changed: InvalidSignature', async () => {
    const url = 'https://ecr.example.com/path/a%20b?b=2&a=1';
    const headers = signRequest(
      { method: 'GET', url, headers: {} },
      { credentials: KEY, region: 'us-east-1', service: 'ecr', date: SIGNED_AT },
    );
    const options = verifyOptions({ payloadHash: hexSha256('') });
    expect(await outcome({ method: 'GET', url, headers }, options)).toBe('ok');
    expect(
      await outcome({ method: 'GET', url: 'https://ecr.example.com/path/a%20b?a=1&b=2', headers }, options),
    ).toBe('ok');
    expect(await outcome({ method: 'GET', url: url.replace('b=2', 'b=3'), headers }, options)).toBe(
      'InvalidSignature',
    );
    expect(await outcome({ method: 'GET', url: url.replace('a%20b', 'a+b'), headers }, options)).toBe(
      'InvalidSignature',
    );
  });

  describe('a request dated too far from the clock: SignatureExpired, edges at exactly 15 minutes', () => {
    it('stale', async () => {
      const req = signedEcrRequest();
      expect(await outcome(req, verifyOptions({ now: at(15 * MIN) }))).toBe('ok');
      const err = await rejection(req, verifyOptions({ now: at(15 * MIN + 1000) }));
      expect(err.code).toBe('SignatureExpired');
      expect(err.awsErrorType).toBe('InvalidSignatureException');
      expect(err.message).toBe(
        'Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z (20260101T001501Z - 15 min.)',
      );
      // Milliseconds count: 15 minutes and 1 ms is already too late.
      expect(await outcome(req, verifyOptions({ now: at(15 * MIN + 1) }))).toBe('SignatureExpired');
    });

    it('in the future', async () => {
      const req = signedEcrRequest();
      expect(await outcome(req, verifyOptions({ now: at(-15 * MIN) }))).toBe('ok');
      const err = await rejection(req, verifyOptions({ now: at(-15 * MIN - 1000) }));
      expect(err.code).toBe('SignatureExpired');
      expect(err.message).toBe(
        'Signature not yet current: 20260101T000000Z is still later than 20251231T235959Z (20251231T234459Z + 15 min.)',
      );
    });

    it('with another maxSkewMs', async () => {
      const req = signedEcrRequest();
      expect(await outcome(req, verifyOptions({ now: at(5 * MIN), maxSkewMs: 5 * MIN }))).toBe('ok');
      const err = await rejection(req, verifyOptions({ now: at(10 * MIN), maxSkewMs: 5 * MIN }));
      expect(err.message).toBe(
        'Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)',
      );
      await expect(verifyRequest(req, verifyOptions({ maxSkewMs: -1 }))).rejects.toThrow(RangeError);
    });

    it('before the secret is looked up', async () => {
      const lookup = vi.fn(lookupSecret);
      expect(
        await outcome(signedEcrRequest(), verifyOptions({ now: at(60 * MIN), lookupSecret: lookup })),
      ).toBe('SignatureExpired');
      expect(lookup).not.toHaveBeenCalled();
    });
  });

  it('another service: InvalidCredentialScope', async () => {
    const err = await rejection(signedEcrRequest({ service: 'ecr-public' }), verifyOptions());
    expect(err.code).toBe('InvalidCredentialScope');
    expect(err.awsErrorType).toBe('InvalidSignatureException');
    expect(err.message).toBe("Credential should be scoped to correct service: 'ecr'.");
  });

  it('a region not served: InvalidCredentialScope', async () => {
    const err = await rejection(
      signedEcrRequest({ region: 'eu-west-1' }),
      verifyOptions({ regions: ['us-east-1', 'us-west-2'] }),
    );
    expect(err.code).toBe('InvalidCredentialScope');
    expect(err.message).toBe("Credential should be scoped to a valid region, not 'eu-west-1'.");
  });

  it('a scope date other than the request date: InvalidCredentialScope', async () => {
    const req = signedEcrRequest();
    const headers = withHeader(req.headers, 'x-amz-date', '20251231T235959Z');
    const err = await rejection({ ...req, headers }, verifyOptions());
    expect(err.code).toBe('InvalidCredentialScope');
    expect(err.message).toBe(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20251231', from '20251231T235959Z'.",
    );
  });

  it('a changed x-amz-date within the same day: InvalidSignature', async () => {
    const req = signedEcrRequest();
    const headers = withHeader(req.headers, 'x-amz-date', '20260101T000001Z');
    expect(await outcome({ ...req, headers }, verifyOptions())).toBe('InvalidSignature');
  });

  it('no x-amz-date nor date, or a malformed one: IncompleteSignature', async () => {
    const req = signedEcrRequest();
    const none = await rejection(
      { ...req, headers: withHeader(req.headers, 'x-amz-date', undefined) },
      verifyOptions(),
    );
    expect(none.code).toBe('IncompleteSignature');
    expect(none.message).toBe(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
    for (const bad of ['2026-01-01T00:00:00Z', '20260230T000000Z', 'Thu, 01 Jan 2026 00:00:00 GMT', '']) {
      const err = await rejection(
        { ...req, headers: withHeader(req.headers, 'x-amz-date', bad) },
        verifyOptions(),
      );
      expect(err.code).toBe('IncompleteSignature');
      expect(err.message).toContain('X-Amz-Date must be in the ISO8601 Long Format');
    }
    const dateOnly = withHeader(withHeader(req.headers, 'x-amz-date', undefined), 'date', 'yesterday');
    expect(await outcome({ ...req, headers: dateOnly }, verifyOptions())).toBe('IncompleteSignature');
  });

  it('host not signed: IncompleteSignature', async () => {
    const req = signedEcrRequest();
    const auth = (req.headers.authorization as string).replace('host;', '');
    const err = await rejection(
      { ...req, headers: withHeader(req.headers, 'authorization', auth) },
      verifyOptions(),
    );
    expect(err.code).toBe('IncompleteSignature');
    expect(err.message).toBe("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('a security token present but unsigned: IncompleteSignature', async () => {
    const req = signedEcrRequest();
    const headers = withHeader(req.headers, 'X-Amz-Security-Token', 'token');
    const err = await rejection({ ...req, headers }, verifyOptions());
    expect(err.code).toBe('IncompleteSignature');
    expect(err.message).toContain("'X-Amz-Security-Token' must be a 'SignedHeader'");
  });

  it('a signed header missing from the request: IncompleteSignature', async () => {
    const req = signedEcrRequest();
    const err = await rejection(
      { ...req, headers: withHeader(req.headers, 'x-amz-target', undefined) },
      verifyOptions(),
    );
    expect(err.code).toBe('IncompleteSignature');
    expect(err.message).toBe("Signed header 'x-amz-target' is not in the request.");
  });

  it('a signed session token is returned, and changing it fails', async () => {
    const req = signedEcrRequest({ credentials: { ...KEY, sessionToken: 'FwoGZXIvYXdzEXAMPLE' } });
    expect(req.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE');
    await expect(verifyRequest(req, verifyOptions())).resolves.toMatchObject({
      sessionToken: 'FwoGZXIvYXdzEXAMPLE',
    });
    const headers = withHeader(req.headers, 'x-amz-security-token', 'FwoGZXIvYXdzOTHER');
    expect(await outcome({ ...req, headers }, verifyOptions())).toBe('InvalidSignature');
  });
});

describe('x-amz-content-sha256', () => {
  it('signed with the body hash: accepted; a body with another hash: ContentSha256Mismatch', async () => {
    const req = signedEcrRequest({ contentSha256Header: true });
    expect(req.headers['x-amz-content-sha256']).toBe(hexSha256(BODY));
    expect(await outcome(req, verifyOptions())).toBe('ok');
    const err = await rejection(req, verifyOptions({ payloadHash: hexSha256('other') }));
    expect(err.code).toBe('ContentSha256Mismatch');
    expect(err.awsErrorType).toBe('InvalidSignatureException');
    expect(err.message).toBe("The provided 'x-amz-content-sha256' header does not match what was computed.");
  });

  it('UNSIGNED-PAYLOAD: any body unless allowUnsignedPayload is false', async () => {
    const req = signedEcrRequest({ payloadHash: UNSIGNED_PAYLOAD, contentSha256Header: true });
    expect(req.headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(await outcome(req, verifyOptions({ payloadHash: hexSha256('anything') }))).toBe('ok');
    expect(await outcome(req, verifyOptions({ allowUnsignedPayload: false }))).toBe('ContentSha256Mismatch');
    // Claiming UNSIGNED-PAYLOAD on a request signed over its body breaks the signature.
    const signedOverBody = signedEcrRequest({ contentSha256Header: true });
    const headers = withHeader(signedOverBody.headers, 'x-amz-content-sha256', UNSIGNED_PAYLOAD);
    expect(await outcome({ ...signedOverBody, headers }, verifyOptions())).toBe('InvalidSignature');
  });

  it('absent: the payloadHash option is what the signature covers', async () => {
    const req = signedEcrRequest();
    expect(Object.keys(req.headers).map((n) => n.toLowerCase())).not.toContain('x-amz-content-sha256');
    expect(await outcome(req, verifyOptions())).toBe('ok');
  });
});

describe('SigV4Error', () => {
  it('maps every code to an AWS exception', () => {
    expect(new SigV4Error('SignatureExpired', 'x')).toMatchObject({
      name: 'SigV4Error',
      code: 'SignatureExpired',
      awsErrorType: 'InvalidSignatureException',
      message: 'x',
    });
    for (const type of Object.values(SIGV4_ERROR_TYPES)) {
      expect([type, ERRORS[type].fault, ERRORS[type].retry]).toEqual([type, 'client', false]);
    }
  });
});
