import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../src/pullThrough/wwwAuthenticate.ts';

const plain = (field: string) =>
  parseChallenges(field).map(({ scheme, params, token68 }) => ({
    scheme,
    params: Object.fromEntries(params),
    token68,
  }));

describe('parseChallenges', () => {
  it("reads Docker Hub's Bearer challenge", () => {
    expect(
      plain(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
        token68: undefined,
      },
    ]);
  });

  it('tells a new challenge from the next auth-param after a comma (repeated fields joined by Headers)', () => {
    const headers = new Headers();
    headers.append('www-authenticate', 'Basic realm="registry", charset="UTF-8"');
    headers.append('www-authenticate', 'Bearer realm="https://a/token", error="invalid_token"');
    expect(plain(headers.get('www-authenticate') as string)).toEqual([
      { scheme: 'basic', params: { realm: 'registry', charset: 'UTF-8' }, token68: undefined },
      { scheme: 'bearer', params: { realm: 'https://a/token', error: 'invalid_token' }, token68: undefined },
    ]);
  });

  it('unquotes quoted-pairs and keeps commas and spaces inside quoted strings', () => {
    expect(plain('Bearer realm="a, \\"b\\" \\\\ c" , scope = "repository:x:pull,push"')).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'a, "b" \\ c', scope: 'repository:x:pull,push' },
        token68: undefined,
      },
    ]);
  });

  it('matches scheme and parameter names case-insensitively, and reads token values and token68', () => {
    expect(plain('BASIC REALM=simple, Negotiate abc+/==, NewAuth')).toEqual([
      { scheme: 'basic', params: { realm: 'simple' }, token68: undefined },
      { scheme: 'negotiate', params: {}, token68: 'abc+/==' },
      { scheme: 'newauth', params: {}, token68: undefined },
    ]);
  });

  it('keeps the challenges before a malformed part and reads nothing from garbage', () => {
    expect(plain('Basic realm="ok", Bearer realm="unterminated').map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ]);
    expect(plain('Basic realm="ok" @@@ Bearer realm="x"').map((c) => c.scheme)).toEqual(['basic']);
    expect(plain('')).toEqual([]);
    expect(plain('"quoted"')).toEqual([]);
  });
});
