/// <reference types="node" />
// Node only: the AWS SDK for JavaScript's signer (@smithy/signature-v4, hashing with node:crypto through
// @smithy/hash-node) as a second implementation, over random methods, paths, queries, headers, bodies, dates
// and regions.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hexSha256,
  SigV4Error,
  type SigV4ErrorCode,
  signRequest,
  uriEncode,
  verifyRequest,
} from '../../src/index.ts';

const CREDENTIALS = {
  accessKeyId: 'AKIAEDGECRSMITHY0001',
  secretAccessKey: 'smithy/secret+key=0123456789abcdef',
};
const lookupSecret = (id: string) =>
  id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined;
const sha256 = Hash.bind(null, 'sha256');

const headerName = fc.stringMatching(/^[a-z0-9-]{1,10}$/).map((t) => `x-test-${t}`);
// Printable ASCII with inner runs of spaces and tabs, which both sides collapse to one space.
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e\t]{0,24}[\x21-\x7e])?$/);
const text = fc.string({ unit: 'grapheme', maxLength: 8 });

const arbRequest = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'),
  segments: fc.array(fc.oneof(text, fc.constantFrom('', '.', '..', 'a b', 'a+b', '%', '~')), {
    maxLength: 5,
  }),
  trailingSlash: fc.boolean(),
  // Not '__proto__': smithy's getCanonicalQuery writes names into a plain object and canonicalises that
  // parameter as '[object Object]' (5.7.5); ours keeps it, as verify.test.ts and sign.test.ts check.
  query: fc.array(fc.tuple(fc.oneof(text, fc.constantFrom('toString', 'constructor', 'a')), text), {
    maxLength: 5,
  }),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
  body: fc.uint8Array({ maxLength: 200 }),
  region: fc.constantFrom('us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1', 'cn-north-1'),
  time: fc
    .integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2099, 11, 31) })
    .map((t) => Math.floor(t / 1000) * 1000),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{8,40}$/), { nil: undefined }),
  contentSha256: fc.boolean(),
  port: fc.constantFrom('', ':8443', ':8787'),
});
type Arb = typeof arbRequest extends fc.Arbitrary<infer T> ? T : never;

/** The request as it travels: a WHATWG URL, whose path is percent-encoded once, and the query fully encoded. */
function wire(r: Arb): URL {
  const url = new URL(`https://ecr.example.com${r.port}/`);
  url.pathname = `/${r.segments.map((s) => encodeURIComponent(s)).join('/')}${r.trailingSlash ? '/' : ''}`;
  url.search = r.query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  return url;
}

async function smithySign(r: Arb, url: URL): Promise<Record<string, string>> {
  // Null prototype: a generated name may be 'toString' or '__proto__'.
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of r.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: {
      ...CREDENTIALS,
      ...(r.sessionToken === undefined ? {} : { sessionToken: r.sessionToken }),
    },
    region: r.region,
    service: 'ecr',
    sha256,
    applyChecksum: r.contentSha256,
  });
  const signed = await signer.sign(
    {
      method: r.method,
      protocol: 'https:',
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      // The SDK builds paths already encoded for the wire, and its signer encodes them again.
      path: url.pathname,
      query,
      headers: { host: url.host, ...r.headers },
      body: r.body,
    },
    { signingDate: new Date(r.time) },
  );
  return signed.headers as Record<string, string>;
}

function ours(r: Arb, url: URL): Record<string, string> {
  return signRequest(
    { method: r.method, url, headers: r.headers, body: r.body },
    {
      credentials: {
        ...CREDENTIALS,
        ...(r.sessionToken === undefined ? {} : { sessionToken: r.sessionToken }),
      },
      region: r.region,
      service: 'ecr',
      date: new Date(r.time),
      contentSha256Header: r.contentSha256,
    },
  );
}

async function code(
  request: { method: string; url: URL; headers: Record<string, string> },
  r: Arb,
  payloadHash = hexSha256(r.body),
): Promise<SigV4ErrorCode | 'ok'> {
  try {
    await verifyRequest(request, {
      lookupSecret,
      service: 'ecr',
      regions: [r.region],
      now: new Date(r.time),
      payloadHash,
    });
    return 'ok';
  } catch (err) {
    if (!(err instanceof SigV4Error)) throw err;
    return err.code;
  }
}

function replace(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  return { ...headers, [name]: value };
}

describe('against @smithy/signature-v4', () => {
  it('signRequest gives the same Authorization on random requests', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, async (r) => {
        const url = wire(r);
        const theirs = await smithySign(r, url);
        const mine = ours(r, url);
        expect(mine.authorization).toBe(theirs.authorization);
        expect(mine['x-amz-date']).toBe(theirs['x-amz-date']);
        expect(mine['x-amz-security-token']).toBe(theirs['x-amz-security-token']);
        expect(mine['x-amz-content-sha256']).toBe(theirs['x-amz-content-sha256']);
      }),
      { numRuns: 300 },
    );
  });

  it('verifyRequest accepts smithy-signed requests and refuses any change with the right code', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, fc.nat(), async (r, pick) => {
        const url = wire(r);
        const headers = await smithySign(r, url);
        const request = { method: r.method, url, headers };
        expect(await code(request, r)).toBe('ok');

        // A flipped body byte: the signature, or the signed x-amz-content-sha256 the signer sent.
        const body = r.body.length > 0 ? r.body.slice() : new Uint8Array(1);
        body[pick % body.length] = ((body[pick % body.length] as number) ^ (1 << (pick % 8))) & 0xff;
        expect(await code(request, r, hexSha256(body))).toBe(
          r.contentSha256 ? 'ContentSha256Mismatch' : 'InvalidSignature',
        );

        // A changed signed header (host or a random one).
        const names = ['host', ...Object.keys(r.headers)];
        const name = names[pick % names.length] as string;
        const value = headers[name] as string;
        const changedValue = `${value}x`;
        expect(await code({ ...request, headers: replace(headers, name, changedValue) }, r)).toBe(
          'InvalidSignature',
        );

        // A flipped signature digit.
        const auth = headers.authorization as string;
        const at = auth.length - 1 - (pick % 64);
        const flipped = `${auth.slice(0, at)}${auth[at] === 'f' ? 'e' : 'f'}${auth.slice(at + 1)}`;
        expect(await code({ ...request, headers: replace(headers, 'authorization', flipped) }, r)).toBe(
          'InvalidSignature',
        );

        // A changed date digit: the signature if the day is unchanged, the scope if it is not, the format if
        // the digit made it impossible; a date pushed past the skew is expired.
        const amz = headers['x-amz-date'] as string;
        const digits = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14];
        const i = digits[pick % digits.length] as number;
        const d = String((Number(amz[i]) + 1 + (pick % 8)) % 10);
        const newDate = `${amz.slice(0, i)}${d}${amz.slice(i + 1)}`;
        const got = await code({ ...request, headers: replace(headers, 'x-amz-date', newDate) }, r);
        if (newDate === amz) expect(got).toBe('ok');
        else if (i >= 9)
          expect(['InvalidSignature', 'SignatureExpired', 'IncompleteSignature']).toContain(got);
        else expect(['InvalidCredentialScope', 'IncompleteSignature']).toContain(got);
        const stale = { ...r, time: r.time + 16 * 60_000 };
        expect(await code(request, stale)).toBe('SignatureExpired');
      }),
      { numRuns: 200 },
    );
  });

  it('ECR JSON requests as the AWS SDK sends them', async () => {
    const body = JSON.stringify({
      repositoryName: 'app',
      uploadId: 'u',
      partFirstByte: 0,
      partLastByte: 3,
      layerPartBlob: 'AAAA',
    });
    const r: Arb = {
      method: 'POST',
      segments: [],
      trailingSlash: false,
      query: [],
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.UploadLayerPart',
        'amz-sdk-invocation-id': '6a3e3c5e-1c2b-4c3e-9d1a-0b1c2d3e4f50',
        'amz-sdk-request': 'attempt=1; max=3',
      },
      body: new TextEncoder().encode(body),
      region: 'us-east-1',
      time: Date.UTC(2026, 0, 1),
      sessionToken: undefined,
      contentSha256: false,
      port: ':8787',
    };
    const url = wire(r);
    const headers = await smithySign(r, url);
    expect(ours(r, url).authorization).toBe(headers.authorization);
    expect(await code({ method: 'POST', url, headers }, r)).toBe('ok');
  });
});
