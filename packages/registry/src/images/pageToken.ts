/**
 * The opaque `nextToken` of ListImages and DescribeImages: the position after which the next page starts.
 * @module
 */

import { invalidParameter } from './messages.ts';

/** Where a page ended: the last image's digest and, for ListImages, the last tag listed of it. */
export interface PagePosition {
  digest: string;
  tag?: string;
}

/** Encodes a page position as an unpadded base64 token. */
export function encodePageToken(position: PagePosition): string {
  return btoa(JSON.stringify(position)).replaceAll('=', '');
}

/**
 * Decodes a token {@link encodePageToken} issued.
 * @throws EcrError `InvalidParameterException` for any other token.
 */
export function decodePageToken(token: string): PagePosition {
  try {
    const value = JSON.parse(atob(token)) as Partial<PagePosition>;
    if (typeof value.digest === 'string' && (value.tag === undefined || typeof value.tag === 'string')) {
      return value.tag === undefined ? { digest: value.digest } : { digest: value.digest, tag: value.tag };
    }
  } catch {
    // Falls through: any token this module did not issue is invalid.
  }
  throw invalidParameter('nextToken', 'must be a token returned by a previous call');
}
