import { MiB } from '@edgecr/protocol';

/**
 * The size of every R2 part but the last, and the `partSize` InitiateLayerUpload announces. R2 demands equal
 * parts; a client that follows the announcement sends parts that become R2 parts with no copy. 10 MiB is what
 * ECR announces, keeps the staged remainder of odd-sized client parts small, and allows 100 GiB layers
 * within R2's 10,000 parts (ECR's own limit is 52,000 MiB).
 */
export const PART_SIZE = 10 * MiB;

/** Settings read from the Worker's environment (`vars` in wrangler.jsonc, secrets for keys). */
export interface Settings {
  registryId: string;
  region: string;
  uploadTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  requireImageReference: boolean;
  urlSigningKey: string | undefined;
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

/**
 * Reads and checks the settings once per request.
 * @example
 * const { registryId } = readSettings(env);
 */
export function readSettings(env: Env): Settings {
  if (!/^[0-9]{12}$/.test(env.REGISTRY_ID)) {
    throw new TypeError(`Setting REGISTRY_ID must be a 12-digit account id, got ${env.REGISTRY_ID}`);
  }
  return {
    registryId: env.REGISTRY_ID,
    region: env.REGION,
    uploadTtlSeconds: positiveInteger(env, 'UPLOAD_TTL_SECONDS'),
    downloadUrlTtlSeconds: positiveInteger(env, 'DOWNLOAD_URL_TTL_SECONDS'),
    requireImageReference: env.REQUIRE_IMAGE_REFERENCE === 'true',
    urlSigningKey: env.URL_SIGNING_KEY || undefined,
  };
}
