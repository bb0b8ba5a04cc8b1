// AWS's published Signature Version 4 test suite (test/vectors/, see its NOTICE): for every case the
// canonical request, the string to sign and the Authorization header must match byte for byte, and the
// verifier must accept the signed request.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  hexSha256,
  parseAuthorization,
  SigV4Error,
  signRequest,
  stringToSign,
  verifyRequest,
} from '../src/index.ts';
import { SUITE_CREDENTIALS, VECTORS, type Vector } from './_vectors.ts';

function context(v: Vector) {
  const [, amzDate = '', scope = ''] = v.sts.split('\n');
  const [, region = '', service = ''] = scope.split('/');
  const host = v.req.headers.find(([name]) => name.toLowerCase() === 'host')?.[1] ?? '';
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:` +
      `${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  return { amzDate, scope, region, service, date, url: `https://${host}${v.req.target}` };
}

/**
 * Whether the request line can travel as written. Two cases of the 2015 suite write a raw space or a raw
 * UTF-8 character in the path; every HTTP client percent-encodes those (so `URL.pathname` does), and signers
 * then encode that wire form once more. Their wire forms are botocore's get-space and get-utf8.
 */
function travelsAsWritten(v: Vector): boolean {
  const url = new URL(context(v).url);
  return (
    canonicalUri(url.pathname) === canonicalUri(v.req.path) &&
    canonicalQuery(url.search.slice(1)) === canonicalQuery(v.req.query)
  );
}

const lookupSecret = (id: string) =>
  id === SUITE_CREDENTIALS.accessKeyId ? SUITE_CREDENTIALS.secretAccessKey : undefined;

describe('aws-sig-v4-test-suite', () => {
  it('has every vendored case', () => {
    expect(VECTORS.length).toBe(32);
    expect(VECTORS.filter((v) => !travelsAsWritten(v)).map((v) => v.id)).toEqual([
      'aws-sig-v4-test-suite/get-utf8',
      'aws-sig-v4-test-suite/normalize-path/get-space',
    ]);
  });

  describe.each(VECTORS.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const { amzDate, scope, region, service, date, url } = context(v);
    const { signedHeaders } = parseAuthorization(v.authz);
    const payloadHash = hexSha256(v.req.body);

    it('canonical request and string to sign', () => {
      const creq = canonicalRequest({ ...v.req, signedHeaders, payloadHash });
      expect(creq).toBe(v.creq);
      expect(stringToSign(creq, amzDate, scope)).toBe(v.sts);
    });

    // signRequest always adds x-amz-date, so the 2011 cases (dated by `Date` alone) are checked by the verifier.
    if (travelsAsWritten(v) && v.req.headers.some(([n]) => n.toLowerCase() === 'x-amz-date')) {
      it('signRequest gives the Authorization header', () => {
        const headers = signRequest(
          { method: v.req.method, url, headers: v.req.headers, body: v.req.body },
          { credentials: SUITE_CREDENTIALS, region, service, date },
        );
        expect(headers.authorization).toBe(v.authz);
        expect(headers['x-amz-date']).toBe(amzDate);
      });
    }

    if (!(travelsAsWritten(v) && !v.sreq)) return;
    it('verifyRequest accepts the signed request', async () => {
      const headers: [string, string][] = [...v.req.headers, ['Authorization', v.authz]];
      const verified = await verifyRequest(
        { method: v.req.method, url, headers },
        { lookupSecret, service, regions: [region], now: date, payloadHash },
      );
      expect(verified.accessKeyId).toBe('AKIDEXAMPLE');
      expect(verified.region).toBe(region);
      expect(verified.signedHeaders).toEqual(signedHeaders);
      // The same request through a Headers object, as a Worker receives it (repeated names are joined there
      // with ", ", which canonicalises differently from separate lines).
      const names = v.req.headers.map(([n]) => n.toLowerCase());
      if (new Set(names).size === names.length) {
        await expect(
          verifyRequest(
            { method: v.req.method, url: new URL(url), headers: new Headers(headers) },
            { lookupSecret, service, now: date, payloadHash },
          ),
        ).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
      }
    });
  });

  it('post-sts-header-before: the signed session token is returned', async () => {
    const v = VECTORS.find((x) => x.id.endsWith('/post-sts-header-before')) as Vector;
    const { service, date, url } = context(v);
    const verified = await verifyRequest(
      { method: 'POST', url, headers: [...v.req.headers, ['Authorization', v.authz]] },
      { lookupSecret, service, now: date, payloadHash: hexSha256('') },
    );
    expect(verified.sessionToken).toMatch(/^AQoDYXdzEPT\/\/\/\/\/\/\/\/\/\/wEXAMPLE/);
    expect(
      signRequest(
        { method: 'POST', url, headers: v.req.headers.filter(([n]) => n !== 'X-Amz-Security-Token') },
        {
          credentials: { ...SUITE_CREDENTIALS, sessionToken: verified.sessionToken as string },
          region: 'us-east-1',
          service,
          date,
        },
      ).authorization,
    ).toBe(v.authz);
  });

  it('post-sts-header-after: a session token added after signing is refused', async () => {
    const v = VECTORS.find((x) => x.id.endsWith('/post-sts-header-after')) as Vector;
    const { service, date, url } = context(v);
    const received = v.sreq as NonNullable<Vector['sreq']>;
    const err = await verifyRequest(
      { method: 'POST', url, headers: received.headers },
      { lookupSecret, service, now: date, payloadHash: hexSha256('') },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigV4Error);
    expect((err as SigV4Error).code).toBe('IncompleteSignature');
    expect((err as SigV4Error).message).toContain('X-Amz-Security-Token');
  });

  it('get-utf8 and get-space on the wire are encoded twice, as botocore signs them', () => {
    // The 2015 cases' raw paths, once percent-encoded for the wire, canonicalise to botocore's 2011 cases.
    expect(canonicalUri(new URL('https://h/\u1234').pathname)).toBe('/%25E1%2588%25B4');
    const botocoreUtf8 = VECTORS.find((x) => x.id === 'botocore-aws4_testsuite/get-utf8') as Vector;
    expect(botocoreUtf8.creq.split('\n')[1]).toBe('/%25E1%2588%25B4');
    expect(canonicalUri(new URL('https://h/%20/foo').pathname)).toBe('/%2520/foo');
  });
});
