/**
 * The page's settings. The access key pair lives in sessionStorage only (gone when the tab closes, never
 * written to disk by localStorage); the rest is remembered in localStorage.
 * @module
 */

/** Where and as whom the page uploads. */
export interface Settings {
  endpoint: string;
  region: string;
  /** Empty: the endpoint's own registry. */
  registryId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** What the page remembers besides settings. */
export interface Preferences {
  repositoryName: string;
  precheck: boolean;
}

/** The documented key of the local stack (`pnpm start`); a public development value, not a secret. */
export const LOCAL_DEV_KEY = {
  accessKeyId: 'AKIAEDGECRLOCALDEV01',
  secretAccessKey: 'edgecr-local-dev-secret',
};

const PERSISTENT_KEY = 'edgecr.settings';
const SESSION_KEY = 'edgecr.credentials';
const PREFERENCES_KEY = 'edgecr.preferences';

/** The object saved under `key`, or `{}` when there is none (or storage is disabled or holds no object). */
export function read(storage: Storage | undefined, key: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(storage?.getItem(key) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Saves `value` as JSON under `key`; a disabled or full storage keeps it for this page's life only. */
export function write(storage: Storage | undefined, key: string, value: object): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled or full: the settings last until the page closes.
  }
}

const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** localStorage and sessionStorage, or neither where the browser denies them (a sandboxed frame). */
export function storages(): { local?: Storage; session?: Storage } {
  try {
    return { local: globalThis.localStorage, session: globalThis.sessionStorage };
  } catch {
    return {};
  }
}

/**
 * The saved settings, with defaults: this page's own origin as the endpoint (the Worker serves the page and
 * the API together), `us-east-1`.
 */
export function loadSettings(origin: string): Settings {
  const { local, session } = storages();
  const saved = read(local, PERSISTENT_KEY);
  const credentials = read(session, SESSION_KEY);
  return {
    endpoint: text(saved.endpoint, origin),
    region: text(saved.region, 'us-east-1'),
    registryId: text(saved.registryId, ''),
    accessKeyId: text(credentials.accessKeyId, ''),
    secretAccessKey: text(credentials.secretAccessKey, ''),
    sessionToken: text(credentials.sessionToken, ''),
  };
}

/** Saves settings: credentials to sessionStorage, the rest to localStorage. */
export function saveSettings(settings: Settings): void {
  const { local, session } = storages();
  const { accessKeyId, secretAccessKey, sessionToken, ...rest } = settings;
  write(local, PERSISTENT_KEY, rest);
  write(session, SESSION_KEY, { accessKeyId, secretAccessKey, sessionToken });
}

export function loadPreferences(): Preferences {
  const saved = read(storages().local, PREFERENCES_KEY);
  return { repositoryName: text(saved.repositoryName, ''), precheck: saved.precheck === true };
}

export function savePreferences(preferences: Preferences): void {
  write(storages().local, PREFERENCES_KEY, preferences);
}

/** Whether the endpoint is this machine, where the local development key applies. */
export function isLoopback(endpoint: string): boolean {
  try {
    const { hostname } = new URL(endpoint);
    return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
  } catch {
    return false;
  }
}
