import type { Settings } from '@edgecr/doors';
import { LAYER_PART_SIZE } from '@edgecr/protocol';
import {
  DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
  type PullThroughRefresh,
  parsePullThroughRefresh,
} from '@edgecr/registry';

/**
 * The size of every R2 part but the last: the `partSize` InitiateLayerUpload announces (ECR's 10 MiB). R2 demands
 * equal parts; a client that follows the announcement sends parts that fill R2 parts exactly. 10 MiB keeps the
 * staged remainder of odd-sized client parts small and allows 100 GiB layers within R2's 10,000 parts (ECR's own
 * limit is 52,000 MiB).
 */
export const PART_SIZE = LAYER_PART_SIZE;

function positiveInteger(env: Env, name: keyof Env & string): number {
  const value = Number(env[name]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `Setting ${name} must be a positive whole number of seconds, got ${String(env[name])}`,
    );
  }
  return value;
}

/** A whole number of seconds, 0 included (off), or `fallback` when unset. */
function seconds(env: Env, name: keyof Env & string, fallback: number): number {
  if (env[name] === undefined || env[name] === '') return fallback;
  const value = Number(env[name]);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`Setting ${name} must be a whole number of seconds, got ${String(env[name])}`);
  }
  return value;
}

/** The refresh interval of pull-through cache rules: seconds for all, or a JSON map by rule prefix. */
function pullThroughRefresh(env: Env): PullThroughRefresh {
  try {
    return parsePullThroughRefresh(env.PULL_THROUGH_REFRESH_SECONDS);
  } catch (error) {
    throw new TypeError(`Setting PULL_THROUGH_REFRESH_SECONDS ${(error as Error).message}`);
  }
}

/** How long an isolate believes a repository holds a digest (docs/pulls.md). */
const DEFAULT_HOLDING_CACHE_SECONDS = 60;
/** How long an isolate believes a tag's image: a pull's HEAD and GET of the tag cost one call. */
const DEFAULT_TAG_CACHE_SECONDS = 5;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The doors' settings and the Registry object's own. */
export interface WorkerSettings extends Settings {
  /** How often each repository's lifecycle policy runs; hourly when unset. */
  lifecycleIntervalSeconds: number;
}

/**
 * Reads and checks the settings from the Worker's environment (`vars` in wrangler.jsonc, secrets for keys).
 * @example
 * const { region } = readSettings(env);
 */
export function readSettings(env: Env): WorkerSettings {
  const regions = list(env.ALLOWED_REGIONS);
  return {
    region: env.REGION,
    regions: regions.length > 0 ? regions : undefined,
    partSize: PART_SIZE,
    uploadTtlSeconds: positiveInteger(env, 'UPLOAD_TTL_SECONDS'),
    downloadUrlTtlSeconds: positiveInteger(env, 'DOWNLOAD_URL_TTL_SECONDS'),
    authorizationTokenTtlSeconds: positiveInteger(env, 'AUTHORIZATION_TOKEN_TTL_SECONDS'),
    requireImageReference: env.REQUIRE_IMAGE_REFERENCE === 'true',
    unreferencedLayerGraceSeconds:
      env.UNREFERENCED_LAYER_GRACE_SECONDS === '0'
        ? null
        : positiveInteger(env, 'UNREFERENCED_LAYER_GRACE_SECONDS'),
    // A configuration from before lifecycle policies names no interval: hourly.
    lifecycleIntervalSeconds: env.LIFECYCLE_INTERVAL_SECONDS
      ? positiveInteger(env, 'LIFECYCLE_INTERVAL_SECONDS')
      : DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
    // A configuration from before the pull memo names neither: the documented defaults.
    holdingCacheSeconds: seconds(env, 'HOLDING_CACHE_SECONDS', DEFAULT_HOLDING_CACHE_SECONDS),
    tagCacheSeconds: seconds(env, 'TAG_CACHE_SECONDS', DEFAULT_TAG_CACHE_SECONDS),
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    urlSigningKey: env.URL_SIGNING_KEY || undefined,
    credentials: env.EDGECR_CREDENTIALS || undefined,
    ...(env.PUBLIC_REGISTRY_ID && { publicRegistryId: env.PUBLIC_REGISTRY_ID }),
    upstreamCredentials: env.UPSTREAM_CREDENTIALS || undefined,
    // A configuration from before pull-through cache rules names none: ECR's 24 hours.
    pullThroughRefresh: pullThroughRefresh(env),
  };
}
