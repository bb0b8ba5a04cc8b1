/**
 * The registry's own reading of a manifest (protocol's), as the console uses it; the one place the page imports it from.
 * @module
 */

import type { Platform } from '@edgecr/protocol';

export type {
  /** An index's entry: a descriptor with the platform it is for. */
  Descriptor as ChildManifest,
  Descriptor,
  ParsedManifest,
  Platform,
} from '@edgecr/protocol';
export { parseManifest } from '@edgecr/protocol';

/**
 * How docker and the OCI spec write a platform.
 * @example
 * platformName({ os: 'linux', architecture: 'arm64', variant: 'v8' }); // 'linux/arm64/v8'
 */
export function platformName(platform: Platform | undefined): string {
  if (!platform) return 'unknown platform';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
