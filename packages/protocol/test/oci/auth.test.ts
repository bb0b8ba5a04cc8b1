// HTTP Basic credentials (RFC 7617) and ECR's Basic challenge.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ECR_SERVICE, ECR_TOKEN_USER, parseBasicAuthorization, wwwAuthenticate } from '../../src/index.ts';

const basic = (userPass: string) =>
  `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(userPass)))}`;

describe('parseBasicAuthorization', () => {
  test('reads AWS:<token>, the form docker login sends with an ECR password', () => {
    const password = `AKIAEDGECRLOCALDEV01.1796000000.${'ab'.repeat(32)}`;
    expect(parseBasicAuthorization(basic(`AWS:${password}`))).toEqual({ username: ECR_TOKEN_USER, password });
  });

  test('the scheme is case-insensitive; the password may hold colons and UTF-8', () => {
    expect(parseBasicAuthorization(basic('u:p:q').replace('Basic', 'bAsIc'))).toEqual({
      username: 'u',
      password: 'p:q',
    });
    expect(parseBasicAuthorization(basic('Ünïcode:pässwörd'))).toEqual({
      username: 'Ünïcode',
      password: 'pässwörd',
    });
    expect(parseBasicAuthorization(basic(':'))).toEqual({ username: '', password: '' });
  });

  test('round-trips any user without a colon and any password', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((u) => !u.includes(':')),
        fc.string({ unit: 'grapheme' }),
        (username, password) => {
          expect(parseBasicAuthorization(basic(`${username}:${password}`))).toEqual({ username, password });
        },
      ),
    );
  });

  test.each([
    ['absent', null],
    ['empty', ''],
    ['another scheme', 'Bearer abc.def'],
    ['no credentials', 'Basic'],
    ['no colon', basic('AWS')],
    ['not base64', 'Basic !!!!'],
    ['bad padding', 'Basic QQ===='],
    ['impossible length', 'Basic QUFBQ'],
    ['not UTF-8', `Basic ${btoa('\xff\xfe:\xff')}`],
    ['token68 with dots', 'Basic a.b'],
  ])('%s: undefined', (_, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});

describe('wwwAuthenticate', () => {
  test('is ECR challenge, realm the registry URL', () => {
    expect(wwwAuthenticate('https://123456789012.dkr.ecr.us-east-1.amazonaws.com/')).toBe(
      'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
    );
    expect(ECR_SERVICE).toBe('ecr.amazonaws.com');
  });

  test('quotes the realm as an RFC 9110 quoted-string', () => {
    expect(wwwAuthenticate('a"b\\c')).toBe('Basic realm="a\\"b\\\\c",service="ecr.amazonaws.com"');
  });
});
