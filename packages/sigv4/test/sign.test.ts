// signRequest's output, the canonical-form helpers, and properties over random requests: every signed
// request verifies, and any change to what the signature covers is refused with the right code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  EMPTY_PAYLOAD_HASH,
  formatAmzDate,
  hexSha256,
  parseAuthorization,
  parseRequestDate,
  SIGNING_KEY_CACHE_SIZE,
  signingKey,
  signRequest,
  UNSIGNED_PAYLOAD,
  uriEncode,
  verifyRequest,
} from '../src/index.ts';
import { KEY, lookupSecret, outcome, SIGNED_AT, withHeader } from './_helpers.ts';

const BASE = { credentials: KEY, region: 'us-east-1', service: 'ecr', date: SIGNED_AT } as const;

describe('signRequest', () => {
  it('adds host, x-amz-date and authorization, keeping the request headers', () => {
    const headers = signRequest(
      {
        method: 'POST',
        url: 'https://ecr.example.com:8443/',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      },
      BASE,
    );
    expect(Object.keys(headers)).toEqual(['Content-Type', 'host', 'x-amz-date', 'authorization']);
    expect(headers.host).toBe('ecr.example.com:8443');
    expect(headers['x-amz-date']).toBe('20260101T000000Z');
    expect(parseAuthorization(headers.authorization as string)).toMatchObject({
      accessKeyId: KEY.accessKeyId,
      date: '20260101',
      region: 'us-east-1',
      service: 'ecr',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
    });
  });

  it('replaces an Authorization or X-Amz-Date the request had, and keeps its Host', () => {
    const headers = signRequest(
      {
        method: 'GET',
        url: 'https://ecr.example.com/',
        headers: { Host: 'proxy.example.com', Authorization: 'old', 'X-Amz-Date': '20000101T000000Z' },
      },
      BASE,
    );
    expect(headers).toMatchObject({ Host: 'proxy.example.com', 'x-amz-date': '20260101T000000Z' });
    expect(headers).not.toHaveProperty('Authorization');
    expect(headers).not.toHaveProperty('X-Amz-Date');
    expect(headers).not.toHaveProperty('host');
  });

  it('leaves unsignable headers unsigned and signs the signedHeaders option plus the required ones', () => {
    const request = {
      method: 'POST',
      url: 'https://ecr.example.com/',
      headers: { 'User-Agent': 'ua', 'X-Amz-Target': 't', 'Content-Type': 'c', 'Sec-Fetch-Mode': 'cors' },
    };
    const all = parseAuthorization(signRequest(request, BASE).authorization as string);
    expect(all.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-target']);
    const some = parseAuthorization(
      signRequest(request, { ...BASE, signedHeaders: ['X-Amz-Target', 'user-agent', 'absent'] })
        .authorization as string,
    );
    expect(some.signedHeaders).toEqual(['host', 'user-agent', 'x-amz-date', 'x-amz-target']);
  });

  it('takes Headers, a list with repeated names, a Uint8Array body, or a payloadHash', () => {
    const url = 'https://ecr.example.com/';
    const fromRecord = signRequest({ method: 'PUT', url, headers: { 'x-a': '1' }, body: 'héllo' }, BASE);
    const fromHeaders = signRequest(
      { method: 'PUT', url, headers: new Headers({ 'X-A': '1' }), body: new TextEncoder().encode('héllo') },
      BASE,
    );
    const fromHash = signRequest(
      { method: 'PUT', url, headers: [['x-a', '1']] },
      { ...BASE, payloadHash: hexSha256('héllo') },
    );
    expect(fromHeaders.authorization).toBe(fromRecord.authorization);
    expect(fromHash.authorization).toBe(fromRecord.authorization);
    const repeated = signRequest(
      {
        method: 'PUT',
        url,
        headers: [
          ['x-a', ' 1 '],
          ['X-A', '2'],
        ],
      },
      BASE,
    );
    expect(repeated['x-a']).toBe('1,2');
  });

  it('sends the payload hash as x-amz-content-sha256 when asked, and the session token', () => {
    const headers = signRequest(
      { method: 'PUT', url: 'https://b.example.com/k', headers: {}, body: '' },
      { ...BASE, credentials: { ...KEY, sessionToken: 'tok' }, contentSha256Header: true },
    );
    expect(headers['x-amz-content-sha256']).toBe(EMPTY_PAYLOAD_HASH);
    expect(headers['x-amz-security-token']).toBe('tok');
    expect(parseAuthorization(headers.authorization as string).signedHeaders).toEqual([
      'host',
      'x-amz-content-sha256',
      'x-amz-date',
      'x-amz-security-token',
    ]);
  });

  it('hashes what an x-amz-content-sha256 header says', () => {
    const request = {
      method: 'PUT',
      url: 'https://b.example.com/k',
      headers: { 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD },
    };
    const a = signRequest({ ...request, body: 'one' }, BASE);
    const b = signRequest({ ...request, body: 'two' }, BASE);
    expect(a.authorization).toBe(b.authorization);
    expect(a['X-Amz-Content-Sha256']).toBe(UNSIGNED_PAYLOAD);
  });

  it('keeps a header named __proto__ as a header', async () => {
    const headers = signRequest({ method: 'GET', url: 'https://h/', headers: { ['__proto__']: 'v' } }, BASE);
    expect(Object.hasOwn(headers, '__proto__')).toBe(true);
    expect(parseAuthorization(headers.authorization as string).signedHeaders).toContain('__proto__');
    expect(
      await outcome(
        { method: 'GET', url: 'https://h/', headers: Object.entries(headers) },
        { lookupSecret, service: 'ecr', now: SIGNED_AT, payloadHash: EMPTY_PAYLOAD_HASH },
      ),
    ).toBe('ok');
  });

  it('refuses empty credentials, region or service', () => {
    const request = { method: 'GET', url: 'https://h/', headers: {} };
    expect(() =>
      signRequest(request, { ...BASE, credentials: { accessKeyId: '', secretAccessKey: 's' } }),
    ).toThrow(/"credentials.accessKeyId" expected a non-empty string/);
    expect(() => signRequest(request, { ...BASE, region: '' })).toThrow(TypeError);
    expect(() => signRequest(request, { ...BASE, service: '' })).toThrow(TypeError);
    expect(() => signRequest(request, { ...BASE, date: new Date(Number.NaN) })).toThrow(RangeError);
  });
});

describe('canonical forms', () => {
  it('uriEncode keeps only RFC 3986 unreserved characters', () => {
    expect(uriEncode("-._~AZaz09 !'()*/+%ሴ")).toBe('-._~AZaz09%20%21%27%28%29%2A%2F%2B%25%E1%88%B4');
  });

  it('canonicalUri removes dot and empty segments and encodes the wire path again', () => {
    expect(canonicalUri('')).toBe('/');
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri('//a/./b/../c//')).toBe('/a/c/');
    expect(canonicalUri('/../..')).toBe('/');
    expect(canonicalUri('/a%20b/c%2Fd')).toBe('/a%2520b/c%252Fd');
    expect(canonicalUri("/a:b@c!$'()*,;=")).toBe('/a%3Ab%40c%21%24%27%28%29%2A%2C%3B%3D');
  });

  it('canonicalQuery decodes, re-encodes and sorts by name then value', () => {
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('b=2&a=%7e&c&&a=%41')).toBe('a=A&a=~&b=2&c=');
    expect(canonicalQuery('a+b=c d')).toBe('a%2Bb=c%20d');
    expect(canonicalQuery('x=%zz&y=%E1%88%B4')).toBe('x=%25zz&y=%E1%88%B4');
    expect(canonicalQuery('a=b=c')).toBe('a=b%3Dc');
    expect(canonicalQuery('__proto__=1&toString=2')).toBe('__proto__=1&toString=2');
    // Byte order after encoding: uppercase before lowercase, '-' before digits.
    expect(canonicalQuery('b=1&B=1&-=1&1=1')).toBe('-=1&1=1&B=1&b=1');
  });

  it('canonicalHeaderValue trims, collapses whitespace and joins with commas', () => {
    expect(canonicalHeaderValue(['  a \t  b  ', 'c', ''])).toBe('a b,c,');
    expect(canonicalHeaderValue(['"a   b   c"'])).toBe('"a b c"');
  });

  it('dates', () => {
    expect(formatAmzDate(new Date('2015-08-30T12:36:00.999Z'))).toBe('20150830T123600Z');
    expect(parseRequestDate('20150830T123600Z')).toEqual({
      amzDate: '20150830T123600Z',
      time: Date.UTC(2015, 7, 30, 12, 36),
    });
    expect(parseRequestDate('Mon, 09 Sep 2011 23:36:00 GMT', true)?.amzDate).toBe('20110909T233600Z');
    expect(parseRequestDate('Mon, 09 Sep 2011 23:36:00 GMT')).toBeUndefined();
    expect(parseRequestDate('20150230T000000Z')).toBeUndefined();
    expect(parseRequestDate('20150830T246000Z')).toBeUndefined();
  });
});

describe('signingKey', () => {
  it("matches AWS's documented derivation example", () => {
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('caches a bounded number of keys', () => {
    const first = signingKey('cache-secret', '20260101', 'r0', 's');
    expect(signingKey('cache-secret', '20260101', 'r0', 's')).toBe(first);
    for (let i = 1; i <= SIGNING_KEY_CACHE_SIZE; i++) signingKey('cache-secret', '20260101', `r${i}`, 's');
    const again = signingKey('cache-secret', '20260101', 'r0', 's');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // Parts that concatenate alike are different keys.
    expect(signingKey('ab', '20260101', 'c', 's')).not.toEqual(signingKey('a', '20260101', 'bc', 's'));
  });
});

// Random requests in both runtimes (the Node-only suite adds the AWS SDK's signer and botocore).
const token = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
const arbRequest = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH'),
  path: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  query: fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 4 }),
  headers: fc.dictionary(
    token.map((t) => `x-test-${t}`),
    headerValue,
    { maxKeys: 4 },
  ),
  body: fc.uint8Array({ maxLength: 64 }),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2'),
  time: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
});

function buildUrl(r: { path: string[]; query: [string, string][] }): string {
  const url = new URL('https://ecr.example.com/');
  url.pathname = `/${r.path.map(encodeURIComponent).join('/')}`;
  url.search = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return url.href;
}

describe('properties', () => {
  it('every signed request verifies; any change to what is signed is refused', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, fc.nat(), async (r, pick) => {
        const url = buildUrl(r);
        const date = new Date(Math.floor(r.time / 1000) * 1000);
        const headers = signRequest(
          { method: r.method, url, headers: r.headers, body: r.body },
          { ...BASE, region: r.region, date },
        );
        const payloadHash = hexSha256(r.body);
        const options = { lookupSecret, service: 'ecr', now: date, payloadHash };
        const received = { method: r.method, url, headers: new Headers(headers) };
        expect(await outcome(received, options)).toBe('ok');

        // A flipped body byte.
        const body = r.body.length > 0 ? r.body.slice() : new Uint8Array([0]);
        body[pick % body.length] = ((body[pick % body.length] as number) ^ 1) & 0xff;
        expect(await outcome(received, { ...options, payloadHash: hexSha256(body) })).toBe(
          'InvalidSignature',
        );

        // A changed signed header value.
        const names = Object.keys(headers).filter((n) => n.startsWith('x-test-') || n === 'host');
        const name = names[pick % names.length] as string;
        const value = headers[name] as string;
        const changed = `${value.slice(0, -1)}${value.endsWith('a') ? 'b' : 'a'}`;
        expect(await outcome({ ...received, headers: withHeader(headers, name, changed) }, options)).toBe(
          'InvalidSignature',
        );

        // A flipped signature digit.
        const auth = headers.authorization as string;
        const at = auth.length - 1 - (pick % 64);
        const digit = auth[at] === '0' ? '1' : '0';
        const badSig = `${auth.slice(0, at)}${digit}${auth.slice(at + 1)}`;
        expect(
          await outcome({ ...received, headers: withHeader(headers, 'authorization', badSig) }, options),
        ).toBe('InvalidSignature');

        // A date moved by one second (same day): signature; to another day: scope.
        const amz = headers['x-amz-date'] as string;
        const later = formatAmzDate(new Date(date.getTime() + (amz.endsWith('59Z') ? -1000 : 1000)));
        expect(
          await outcome({ ...received, headers: withHeader(headers, 'x-amz-date', later) }, options),
        ).toBe('InvalidSignature');
        const nextDay = formatAmzDate(new Date(date.getTime() + 86_400_000));
        expect(
          await outcome(
            { ...received, headers: withHeader(headers, 'x-amz-date', nextDay) },
            {
              ...options,
              now: new Date(date.getTime() + 86_400_000),
            },
          ),
        ).toBe('InvalidCredentialScope');
      }),
      { numRuns: 60 },
    );
  });

  it('verification never throws anything but SigV4Error on a garbled Authorization header', async () => {
    const base = signRequest({ method: 'GET', url: 'https://h/', headers: {} }, BASE);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.nat(), async (noise, cut) => {
        const auth = base.authorization as string;
        const garbled = auth.slice(0, cut % auth.length) + noise;
        const result = await outcome(
          { method: 'GET', url: 'https://h/', headers: withHeader(base, 'authorization', garbled) },
          { lookupSecret, service: 'ecr', now: SIGNED_AT, payloadHash: EMPTY_PAYLOAD_HASH },
        );
        expect(result === 'ok' ? garbled === auth : true).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('verifyRequest returns only for the exact signed request', async () => {
    const headers = signRequest({ method: 'GET', url: 'https://h/a?b=c', headers: {} }, BASE);
    await expect(
      verifyRequest(
        { method: 'GET', url: 'https://h/a?b=c', headers },
        { lookupSecret, service: 'ecr', now: SIGNED_AT, payloadHash: EMPTY_PAYLOAD_HASH },
      ),
    ).resolves.toMatchObject({ accessKeyId: KEY.accessKeyId });
  });
});
