import { describe, expect, it } from 'vitest';
import { parsePullThroughRefresh, refreshSecondsOf } from '../../src/index.ts';

const rule = (ecrRepositoryPrefix: string) => ({ ecrRepositoryPrefix });

describe('the pull-through refresh setting', () => {
  it("is ECR's 24 hours for every rule when unset or empty", () => {
    for (const setting of [undefined, '', '  ']) {
      const refresh = parsePullThroughRefresh(setting);
      expect(refreshSecondsOf(refresh, rule('hub'))).toBe(86_400);
      expect(refreshSecondsOf(refresh, rule('ROOT'))).toBe(86_400);
    }
    expect(refreshSecondsOf(undefined, rule('hub'))).toBe(86_400);
  });

  it('takes one number of seconds for every rule, as text or as a number', () => {
    for (const setting of ['3600', ' 3600\n', 3600]) {
      const refresh = parsePullThroughRefresh(setting);
      expect(refreshSecondsOf(refresh, rule('hub'))).toBe(3600);
      expect(refreshSecondsOf(refresh, rule('ROOT'))).toBe(3600);
    }
  });

  it('takes seconds by rule prefix, "*" for the rules it does not name, as JSON text or an object', () => {
    const text = '{"docker-hub": 3600, "ghcr/": 60, "ROOT": 600, "*": 7200}';
    for (const setting of [text, JSON.parse(text)]) {
      const refresh = parsePullThroughRefresh(setting);
      expect(refreshSecondsOf(refresh, rule('docker-hub'))).toBe(3600);
      // `ghcr` and `ghcr/` are one rule, as in ECR.
      expect(refreshSecondsOf(refresh, rule('ghcr'))).toBe(60);
      expect(refreshSecondsOf(refresh, rule('docker-hub/'))).toBe(3600);
      expect(refreshSecondsOf(refresh, rule('ROOT'))).toBe(600);
      expect(refreshSecondsOf(refresh, rule('quay'))).toBe(7200);
    }
    const withoutDefault = parsePullThroughRefresh('{"docker-hub": 3600}');
    expect(refreshSecondsOf(withoutDefault, rule('quay'))).toBe(86_400);
    expect(refreshSecondsOf(withoutDefault, rule('ROOT'))).toBe(86_400);
  });

  it('refuses what is neither, saying what is wrong', () => {
    const refusal = (setting: unknown) => {
      try {
        parsePullThroughRefresh(setting);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('0')).toBe('must be a positive whole number of seconds, got 0');
    expect(refusal('-5')).toBe('must be a positive whole number of seconds, got -5');
    expect(refusal('1.5')).toBe('must be a positive whole number of seconds, got 1.5');
    expect(refusal('a day')).toMatch(/^must be a number of seconds or a JSON object .*, got "a day"$/);
    expect(refusal('[3600]')).toMatch(/^must be a number of seconds or a JSON object/);
    expect(refusal('null')).toMatch(/^must be a number of seconds or a JSON object/);
    expect(refusal('"3600"')).toMatch(/^must be a number of seconds or a JSON object/);
    expect(refusal('{"hub": "3600"}')).toBe(
      'must be a positive whole number of seconds at "hub", got "3600"',
    );
    expect(refusal('{"*": 0}')).toBe('must be a positive whole number of seconds at "*", got 0');
    expect(refusal('{"Docker-Hub": 60}')).toMatch(
      /^names "Docker-Hub", which is no pull-through cache rule's prefix/,
    );
    expect(refusal('{"h": 60}')).toMatch(/^names "h", which is no pull-through cache rule's prefix/);
    expect(refusal('{"hub": 60, "hub/": 120}')).toBe('names the rule "hub/" twice');
  });
});
