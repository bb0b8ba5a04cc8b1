// `/v2/...` paths to endpoints (distribution-spec "Endpoints"), names and references by the spec's grammar.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isRepositoryName, isTag, OciError, parseManifestReference, parseOciRoute } from '../../src/index.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const DIGEST_512 = `sha512:${'cd'.repeat(64)}`;
const digest = (text: string) => ({ algorithm: text.slice(0, 6), encoded: text.slice(7), digest: text });

function routeError(path: string): OciError {
  try {
    parseOciRoute(path);
  } catch (error) {
    if (error instanceof OciError) return error;
    throw error;
  }
  throw new Error(`parseOciRoute accepted ${path}`);
}

describe('parseOciRoute', () => {
  test.each([
    ['/v2/', { type: 'base' }],
    ['/v2', { type: 'base' }],
    ['/v2/_catalog', { type: 'catalog' }],
    ['/v2/app/tags/list', { type: 'tags', name: 'app' }],
    ['/v2/team-a/app/tags/list', { type: 'tags', name: 'team-a/app' }],
    ['/v2/app/blobs/uploads/', { type: 'uploads', name: 'app' }],
    ['/v2/app/blobs/uploads', { type: 'uploads', name: 'app' }],
    [
      '/v2/a/b/c/blobs/uploads/0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11',
      { type: 'upload', name: 'a/b/c', uploadId: '0c1f0b8e-8b5f-4a58-9d8b-5f3f6c9e2a11' },
    ],
    [`/v2/app/blobs/${DIGEST}`, { type: 'blob', name: 'app', digest: digest(DIGEST) }],
    [`/v2/app/blobs/${DIGEST_512}`, { type: 'blob', name: 'app', digest: digest(DIGEST_512) }],
    [`/v2/app/referrers/${DIGEST}`, { type: 'referrers', name: 'app', digest: digest(DIGEST) }],
    [
      '/v2/app/manifests/latest',
      { type: 'manifest', name: 'app', reference: { kind: 'tag', tag: 'latest' } },
    ],
    [
      `/v2/app/manifests/${DIGEST}`,
      { type: 'manifest', name: 'app', reference: { kind: 'digest', digest: digest(DIGEST) } },
    ],
  ])('%s', (path, route) => {
    expect(parseOciRoute(path)).toEqual(route);
  });

  test('a name may hold the words of the endpoints: the last endpoint in the path wins', () => {
    expect(parseOciRoute('/v2/blobs/manifests/manifests/tags')).toEqual({
      type: 'manifest',
      name: 'blobs/manifests',
      reference: { kind: 'tag', tag: 'tags' },
    });
    expect(parseOciRoute('/v2/x/blobs/uploads/tags/list')).toEqual({ type: 'tags', name: 'x/blobs/uploads' });
    expect(parseOciRoute(`/v2/x/blobs/uploads/blobs/${DIGEST}`)).toMatchObject({
      type: 'blob',
      name: 'x/blobs/uploads',
    });
  });

  test.each([
    '/',
    '/v1/app/tags/list',
    '/v2//tags/list',
    '/v2/app',
    '/v2/app/',
    '/v2/app/tags',
    '/v2/app/tags/list/',
    '/v2/app/manifests/',
    '/v2/app/blobs/',
    '/v2/app/blobs/uploads/id/extra',
    '/v2/app/referrers/',
    '/v2/x/_catalog',
    '/v2/_catalog/',
    '/layers/app',
  ])('%s names no endpoint', (path) => {
    expect(parseOciRoute(path)).toBeUndefined();
  });

  test.each([
    '/v2/App/tags/list',
    '/v2/-app/tags/list',
    '/v2/app-/tags/list',
    '/v2/a..b/tags/list',
    '/v2/a___b/tags/list',
    '/v2/a//b/tags/list',
    '/v2/a%2Fb/tags/list',
    '/v2/_catalog/tags/list',
    `/v2/UP/blobs/${DIGEST}`,
  ])('%s: 400 NAME_INVALID', (path) => {
    expect(routeError(path)).toMatchObject({ code: 'NAME_INVALID', status: 400 });
  });

  test.each([
    '/v2/app/blobs/latest',
    '/v2/app/blobs/sha256:abc',
    `/v2/app/referrers/md5:${'a'.repeat(32)}`,
    '/v2/app/manifests/sha256:baddigeststring',
  ])('%s: 400 DIGEST_INVALID', (path) => {
    expect(routeError(path)).toMatchObject({ code: 'DIGEST_INVALID', status: 400 });
  });

  test.each([
    '/v2/app/manifests/-latest',
    '/v2/app/manifests/.hidden',
    `/v2/app/manifests/${'t'.repeat(129)}`,
    '/v2/app/manifests/a%20b',
  ])('%s: 404 MANIFEST_UNKNOWN, no manifest can be there', (path) => {
    expect(routeError(path)).toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404 });
  });
});

describe('names and tags', () => {
  test('names follow the spec regex', () => {
    for (const name of ['a', 'a/b', 'a.b', 'a_b', 'a__b', 'a-b', 'a---b', '0/1/2', 'my.org/team_x/app-1']) {
      expect(isRepositoryName(name), name).toBe(true);
    }
    for (const name of ['', 'A', 'a/', '/a', 'a_', 'a___b', 'a.-b', 'a..b', 'a b', 'a:b', 'é']) {
      expect(isRepositoryName(name), name).toBe(false);
    }
  });

  test('tags are 1 to 128 of the spec characters, not starting with . or -', () => {
    expect(isTag('t'.repeat(128))).toBe(true);
    expect(isTag('t'.repeat(129))).toBe(false);
    for (const tag of ['latest', 'V1.0', '_x', '1', 'a-b_c.d']) expect(isTag(tag), tag).toBe(true);
    for (const tag of ['', '.a', '-a', 'a:b', 'a/b', 'a+b']) expect(isTag(tag), tag).toBe(false);
  });

  test('every tag parses as a tag, every valid digest as a digest', () => {
    const tagChar = fc.constantFrom(...'abcXYZ019._-');
    const first = fc.constantFrom(...'aZ9_');
    fc.assert(
      fc.property(first, fc.string({ unit: tagChar, maxLength: 127 }), (head, rest) => {
        expect(parseManifestReference(head + rest)).toEqual({ kind: 'tag', tag: head + rest });
      }),
    );
    expect(parseManifestReference(DIGEST_512)).toEqual({ kind: 'digest', digest: digest(DIGEST_512) });
  });
});
