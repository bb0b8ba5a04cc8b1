// The Worker's settings as its configuration reads them: the pull-through refresh interval, per rule or for all.
import { env } from 'cloudflare:test';
import { refreshSecondsOf } from '@edgecr/registry';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config.ts';

const withRefresh = (value: unknown) => ({ ...env, PULL_THROUGH_REFRESH_SECONDS: value }) as Env;
const rule = (ecrRepositoryPrefix: string) => ({ ecrRepositoryPrefix });

describe('PULL_THROUGH_REFRESH_SECONDS', () => {
  it('takes seconds for every rule, or a map by rule prefix as text or as JSON in vars', () => {
    const all = readSettings(withRefresh('600')).pullThroughRefresh;
    expect(refreshSecondsOf(all, rule('hub'))).toBe(600);
    for (const value of ['{"hub": 60, "*": 7200}', { hub: 60, '*': 7200 }]) {
      const refresh = readSettings(withRefresh(value)).pullThroughRefresh;
      expect(refreshSecondsOf(refresh, rule('hub'))).toBe(60);
      expect(refreshSecondsOf(refresh, rule('ROOT'))).toBe(7200);
    }
    expect(refreshSecondsOf(readSettings(withRefresh(undefined)).pullThroughRefresh, rule('hub'))).toBe(
      86_400,
    );
  });

  it('refuses a malformed value naming the setting and what is wrong', () => {
    expect(() => readSettings(withRefresh('{"h": 60}'))).toThrow(
      /^Setting PULL_THROUGH_REFRESH_SECONDS names "h", which is no pull-through cache rule's prefix/,
    );
    expect(() => readSettings(withRefresh('0'))).toThrow(
      'Setting PULL_THROUGH_REFRESH_SECONDS must be a positive whole number of seconds, got 0',
    );
  });
});
