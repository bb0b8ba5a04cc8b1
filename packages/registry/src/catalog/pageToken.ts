import { invalidNextToken } from '../errors.ts';

/** The `nextToken` that resumes a listing after the repository named `after`. */
export function encodePageToken(after: string): string {
  return btoa(JSON.stringify({ after })).replaceAll('=', '');
}

/** The repository name a `nextToken` resumes after; any token this registry did not issue is refused. */
export function decodePageToken(token: string): string {
  try {
    const { after } = JSON.parse(atob(token)) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // Falls through to the error below.
  }
  throw invalidNextToken();
}
