/**
 * Numbers as people read them: sizes in binary units (as file managers and `docker` show layers), speeds in
 * MB/s, durations rounded.
 * @module
 */
import type { LayerStatus } from '@edgecr/client';

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * @example
 * formatBytes(41_943_040); // '40.0 MiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * @example
 * formatSpeed(25_100_000); // '25.1 MB/s'
 */
export function formatSpeed(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

/**
 * @example
 * formatDuration(75); // '1 min 15 s'
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * @example
 * formatPercent(1, 3); // 33
 */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part / whole) * 100);
}

/** Each status in words. */
export const STATUS_LABELS: Readonly<Record<LayerStatus, string>> = {
  queued: 'Waiting',
  hashing: 'Computing digest',
  checking: 'Checking',
  uploading: 'Uploading',
  completing: 'Completing',
  retrying: 'Retrying',
  offline: 'Waiting for the network',
  paused: 'Paused',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * An AWS JSON timestamp (epoch seconds) as a date and time in the reader's own locale.
 * @example
 * formatTime(1_700_000_000); // '11/14/2023, 10:13:20 PM' in en-US
 */
export function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleString();
}

/**
 * A count with its noun, singular or plural.
 * @example
 * count(1, 'image'); // '1 image'
 * count(1000, 'image'); // '1,000 images'
 */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The digest as people compare them at a glance.
 * @example
 * shortDigest('sha256:0123456789abcdef…'); // 'sha256:0123456789ab…'
 */
export function shortDigest(digest: string): string {
  return `${digest.slice(0, digest.indexOf(':') + 13)}…`;
}
