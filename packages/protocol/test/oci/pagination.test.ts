// `n`/`last` of tags/list and _catalog, and the `Link: <...>; rel="next"` header (distribution-spec "Listing Tags").
import { describe, expect, test } from 'vitest';
import { nextPageLink, OciError, parsePageRequest } from '../../src/index.ts';

const query = (text: string) => new URLSearchParams(text);

describe('parsePageRequest', () => {
  test('defaults to the limit from the start, cuts n to the limit, keeps last', () => {
    expect(parsePageRequest(query(''), 100)).toEqual({ n: 100, last: undefined });
    expect(parsePageRequest(query('n=10'), 100)).toEqual({ n: 10, last: undefined });
    expect(parsePageRequest(query('n=1000&last=v1.2'), 100)).toEqual({ n: 100, last: 'v1.2' });
    expect(parsePageRequest(query('last=a%2Fb'), 100)).toEqual({ n: 100, last: 'a/b' });
  });

  test('n=0 asks for an empty page', () => {
    expect(parsePageRequest(query('n=0'), 100).n).toBe(0);
  });

  test.each(['n=-1', 'n=1.5', 'n=abc', 'n=', 'n=1e3', 'n=%2010'])('%s: 400 UNSUPPORTED', (text) => {
    let error: unknown;
    try {
      parsePageRequest(query(text), 100);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OciError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED', status: 400 });
  });
});

describe('nextPageLink', () => {
  test('is an RFC 8288 next link to the same list, after the last entry', () => {
    expect(nextPageLink('/v2/app/tags/list', 2, 'v2')).toBe('</v2/app/tags/list?n=2&last=v2>; rel="next"');
  });

  test('escapes the last entry, and parsePageRequest reads the link back', () => {
    const link = nextPageLink('/v2/_catalog', 50, 'team-a/app');
    expect(link).toBe('</v2/_catalog?n=50&last=team-a%2Fapp>; rel="next"');
    const target = new URL(/^<([^>]+)>/.exec(link)?.[1] ?? '', 'http://registry.test');
    expect(target.pathname).toBe('/v2/_catalog');
    expect(parsePageRequest(target.searchParams, 100)).toEqual({ n: 50, last: 'team-a/app' });
  });
});
