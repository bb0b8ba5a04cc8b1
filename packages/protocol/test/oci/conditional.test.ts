import { describe, expect, test } from 'vitest';
import { digestEtag, notModified } from '../../src/index.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const ETAG = digestEtag(DIGEST);

describe('notModified', () => {
  test('the digest entity tag is the quoted digest', () => {
    expect(ETAG).toBe(`"${DIGEST}"`);
  });

  test.each([
    [null, false],
    ['', false],
    [ETAG, true],
    [`W/${ETAG}`, true],
    ['*', true],
    [` "other", ${ETAG} `, true],
    ['"other"', false],
    [DIGEST, false], // unquoted: no entity tag
    [`"sha256:${'b'.repeat(64)}"`, false],
  ])('If-None-Match %j: %s', (header, expected) => {
    expect(notModified(header, ETAG)).toBe(expected);
  });
});
