/**
 * How long a tag cached through a pull-through cache rule is served before it is checked upstream again, per
 * rule. ECR fixes it at 24 hours and its API has no member for it, so here it is the operator's setting: one
 * number for every rule, or a number per rule's prefix with a default.
 * @module
 */

import { EcrError, validateRequest } from '@edgecr/protocol';
import { namespaceOf, ROOT_PREFIX } from './cacheRules.ts';
import { DEFAULT_PULL_THROUGH_REFRESH_SECONDS } from './pullThrough.ts';
import type { PullThroughRuleRecord } from './records.ts';

/** The key of a refresh map that covers every rule the map does not name. */
const DEFAULT_KEY = '*';

/** The refresh interval of each rule, in seconds. */
export interface PullThroughRefresh {
  /** The interval of a rule `byPrefix` does not name. */
  defaultSeconds: number;
  /** Intervals by rule: keyed by the rule's namespace (`hub/` for a rule `hub` or `hub/`) or `ROOT`. */
  byPrefix: Record<string, number>;
}

/** `hub` and `hub/` name one rule (ECR assumes the `/`); `ROOT` stays itself. */
function keyOf(prefix: string): string {
  return prefix === ROOT_PREFIX ? prefix : namespaceOf(prefix);
}

/** `value` as seconds; `where` names the map entry it came from, if any. */
function seconds(value: unknown, where = ''): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`must be a positive whole number of seconds${where}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const SHAPE = 'must be a number of seconds or a JSON object of seconds by rule prefix';

/** The setting as JSON gives it: a text is parsed (a Worker var is text, or JSON in its configuration). */
function jsonOf(setting: unknown): unknown {
  if (typeof setting !== 'string') return setting;
  const text = setting.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new TypeError(`${SHAPE}, got ${JSON.stringify(setting)}`);
  }
}

/**
 * Reads the refresh setting: unset or empty is ECR's 24 hours for every rule; a whole number of seconds is the
 * interval of every rule; a JSON object maps rules' `ecrRepositoryPrefix`es (`ROOT` included) to seconds, with
 * `"*"` for the rules it does not name (24 hours when absent). Either may come as text holding its JSON.
 * @throws TypeError naming what is wrong: a value that is neither, a key that is no rule prefix (as
 * CreatePullThroughCacheRule's model has them), one rule named twice, seconds not a positive whole number.
 * @example
 * const refresh = parsePullThroughRefresh('{"docker-hub": 3600, "*": 86400}');
 * refreshSecondsOf(refresh, { ecrRepositoryPrefix: 'docker-hub' }); // 3600
 */
export function parsePullThroughRefresh(setting: unknown): PullThroughRefresh {
  const parsed = jsonOf(setting);
  if (parsed === undefined) {
    return { defaultSeconds: DEFAULT_PULL_THROUGH_REFRESH_SECONDS, byPrefix: {} };
  }
  if (typeof parsed === 'number') return { defaultSeconds: seconds(parsed), byPrefix: {} };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError(`${SHAPE}, got ${JSON.stringify(setting)}`);
  }
  const refresh: PullThroughRefresh = {
    defaultSeconds: DEFAULT_PULL_THROUGH_REFRESH_SECONDS,
    byPrefix: {},
  };
  for (const [prefix, value] of Object.entries(parsed)) {
    if (prefix === DEFAULT_KEY) {
      refresh.defaultSeconds = seconds(value, ` at "${DEFAULT_KEY}"`);
      continue;
    }
    try {
      validateRequest('DeletePullThroughCacheRule', { ecrRepositoryPrefix: prefix });
    } catch (error) {
      if (!(error instanceof EcrError)) throw error;
      throw new TypeError(
        `names "${prefix}", which is no pull-through cache rule's prefix: ${error.message}`,
      );
    }
    const key = keyOf(prefix);
    if (Object.hasOwn(refresh.byPrefix, key)) {
      throw new TypeError(`names the rule "${prefix}" twice`);
    }
    refresh.byPrefix[key] = seconds(value, ` at "${prefix}"`);
  }
  return refresh;
}

/**
 * The refresh interval of `rule`, in seconds: its own, else the default; ECR's 24 hours without a setting.
 * @example
 * refreshSecondsOf(parsePullThroughRefresh('3600'), rule); // 3600 for any rule
 */
export function refreshSecondsOf(
  refresh: PullThroughRefresh | undefined,
  rule: Pick<PullThroughRuleRecord, 'ecrRepositoryPrefix'>,
): number {
  if (!refresh) return DEFAULT_PULL_THROUGH_REFRESH_SECONDS;
  return refresh.byPrefix[keyOf(rule.ecrRepositoryPrefix)] ?? refresh.defaultSeconds;
}
