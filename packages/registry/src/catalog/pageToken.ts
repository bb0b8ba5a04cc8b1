import { invalidNextToken } from '../errors.ts';

/**
 * Where a page ended, which the `nextToken` of every listing carries: the last repository name or image
 * digest listed and, for ListImages, the last tag listed of that image.
 */
export interface PagePosition {
  after: string;
  tag?: string;
}

/** The `nextToken` that resumes a listing after `position` (unpadded base64 of its JSON). */
export function encodePageToken(position: PagePosition): string {
  return btoa(JSON.stringify(position)).replaceAll('=', '');
}

/** The position a `nextToken` resumes after; any token this registry did not issue is refused. */
export function decodePageToken(token: string): PagePosition {
  try {
    const { after, tag } = JSON.parse(atob(token)) as Partial<Record<keyof PagePosition, unknown>>;
    if (typeof after === 'string' && tag === undefined) return { after };
    if (typeof after === 'string' && typeof tag === 'string') return { after, tag };
  } catch {
    // Falls through to the error below.
  }
  throw invalidNextToken();
}
