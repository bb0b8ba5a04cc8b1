import { LAYER_PART_SIZE } from '@edgecr/protocol';
import { DEFAULT_LIFECYCLE_INTERVAL_SECONDS } from '@edgecr/registry';

/**
 * The size of every R2 part but the last: the `partSize` InitiateLayerUpload announces (ECR's 10 MiB). R2 demands
 * equal parts; a client that follows the announcement sends parts that fill R2 parts exactly. 10 MiB keeps the
 * staged remainder of odd-sized client parts small and allows 100 GiB layers within R2's 10,000 parts (ECR's own
 * limit is 52,000 MiB).
 */
export const PART_SIZE = LAYER_PART_SIZE;

/** Settings read from the Worker's environment (`vars` in wrangler.jsonc, secrets for keys). */
export interface Settings {
  /** Region named in repository ARNs. */
  region: string;
  /** Regions a SigV4 credential scope may name; undefined accepts any. */
  regions: string[] | undefined;
  uploadTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  authorizationTokenTtlSeconds: number;
  requireImageReference: boolean;
  /** An OCI push to a repository that does not exist creates it. */
  createRepositoryOnPush: boolean;
  /** How long a layer no image references stays before the sweep reclaims it; null never sweeps. */
  unreferencedLayerGraceSeconds: number | null;
  /** How often each repository's lifecycle policy runs; hourly when unset. */
  lifecycleIntervalSeconds: number;
  /** Origins other than the Worker's own that browsers may call the API from. */
  allowedOrigins: string[];
  urlSigningKey: string | undefined;
  /** The `EDGECR_CREDENTIALS` secret, unparsed. */
  credentials: string | undefined;
}

function positiveInteger(env: Env, name: keyof Env & string): number {
  const value = Number(env[name]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `Setting ${name} must be a positive whole number of seconds, got ${String(env[name])}`,
    );
  }
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Reads and checks the settings.
 * @example
 * const { region } = readSettings(env);
 */
export function readSettings(env: Env): Settings {
  const regions = list(env.ALLOWED_REGIONS);
  return {
    region: env.REGION,
    regions: regions.length > 0 ? regions : undefined,
    uploadTtlSeconds: positiveInteger(env, 'UPLOAD_TTL_SECONDS'),
    downloadUrlTtlSeconds: positiveInteger(env, 'DOWNLOAD_URL_TTL_SECONDS'),
    authorizationTokenTtlSeconds: positiveInteger(env, 'AUTHORIZATION_TOKEN_TTL_SECONDS'),
    requireImageReference: env.REQUIRE_IMAGE_REFERENCE === 'true',
    createRepositoryOnPush: env.CREATE_REPOSITORY_ON_PUSH === 'true',
    unreferencedLayerGraceSeconds:
      env.UNREFERENCED_LAYER_GRACE_SECONDS === '0'
        ? null
        : positiveInteger(env, 'UNREFERENCED_LAYER_GRACE_SECONDS'),
    // A configuration from before lifecycle policies names no interval: hourly.
    lifecycleIntervalSeconds: env.LIFECYCLE_INTERVAL_SECONDS
      ? positiveInteger(env, 'LIFECYCLE_INTERVAL_SECONDS')
      : DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    urlSigningKey: env.URL_SIGNING_KEY || undefined,
    credentials: env.EDGECR_CREDENTIALS || undefined,
  };
}
