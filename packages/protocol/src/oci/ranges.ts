/**
 * Byte ranges of the OCI Distribution API: the `Content-Range` of an upload chunk and the `Range` an
 * upload's status answers with (distribution-spec "Pushing a blob in chunks"), and the `Range` of a blob
 * download (RFC 9110 section 14, which "Pulling blobs" defers to). Hand-written: both grammars are a line
 * long, and the decisions (416, clamping, suffixes) are the part worth testing.
 * @module
 */

import { OciError } from './errors.ts';

/**
 * An inclusive byte range, `start` to `end`.
 * @example
 * const length = range.end - range.start + 1;
 */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** A decimal integer that a JS number holds exactly; larger is no offset of any blob edgecr can store. */
function toOffset(digits: string): number | undefined {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Parses a chunk's `Content-Range`, which the spec requires to match `^[0-9]+-[0-9]+$`, inclusive on both
 * ends ("Pushing a blob in chunks"). Undefined when the header is absent: a streamed PATCH, or a PUT
 * without a final chunk. A malformed range, or one whose end is before its start, gets 400
 * `BLOB_UPLOAD_INVALID`; whether it starts where the upload stands is the upload rules' question (416).
 * @example
 * const range = parseContentRange(request.headers.get('content-range'));
 */
export function parseContentRange(header: string | null): ByteRange | undefined {
  if (header === null) return undefined;
  const match = /^([0-9]+)-([0-9]+)$/.exec(header);
  const start = match && toOffset(match[1] ?? '');
  const end = match && toOffset(match[2] ?? '');
  if (start == null || end == null || end < start) {
    throw new OciError('BLOB_UPLOAD_INVALID', `invalid Content-Range ${JSON.stringify(header)}`);
  }
  return { start, end };
}

/**
 * The `Range` header value of an upload holding `received` bytes: `0-<end-of-range>`, the position of
 * the last byte received ("Pushing a blob in chunks", also the answer to a status GET, end-13). The spec
 * has no form for an empty upload; like the reference registry (CNCF distribution) this says `0-0` then.
 * @example
 * headers.set('range', uploadRange(received));
 */
export function uploadRange(received: number): string {
  return `0-${Math.max(received - 1, 0)}`;
}

/**
 * What a blob GET with a `Range` header answers (RFC 9110 section 14.2, 15.3.7, 15.5.17):
 * - `full`: 200 with the whole blob (no `Range`, a malformed one, a unit other than bytes, or several ranges);
 * - `partial`: 206 with bytes `start` to `end` and this `Content-Range`;
 * - `unsatisfiable`: 416 with this `Content-Range` (`bytes *\/<size>`, section 14.4).
 * @example
 * if (answer.kind === 'partial') headers.set('content-range', answer.contentRange);
 */
export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number; contentRange: string }
  | { kind: 'unsatisfiable'; contentRange: string };

/**
 * Decides how to answer a GET of a `size`-byte blob with `Range` header `header` (RFC 9110 section 14.1.2:
 * `bytes=<first>-<last>`, `bytes=<first>-`, `bytes=-<suffix-length>`).
 * - No header, or a unit other than `bytes`: the whole blob (a server MUST ignore units it does not know).
 * - Several ranges: the whole blob; a server MAY ignore `Range` (section 14.2), and no registry client
 *   asks for several.
 * - A header that does not parse as a byte range (`bytes=a-b`, `bytes=`, `bytes=-`, no `=`): the whole blob.
 *   A field value that fails its grammar is no range request at all, so it is ignored (RFC 9110 sections
 *   5.5 and 14.2), as distribution and nginx do.
 * - A well-formed range whose last position precedes its first, or one that overlaps nothing (a first
 *   position at or past the end, a zero suffix, an empty blob): 416. The RFC lets a server reject an invalid
 *   range-spec (section 14.1.1), and the conformance suite expects `bytes=500-0` rejected.
 * - Otherwise the range, its last position clamped to the blob and a suffix longer than the blob taken as
 *   all of it (section 14.1.2).
 * @example
 * const answer = resolveRange(request.headers.get('range'), blob.size);
 */
export function resolveRange(header: string | null, size: number): RangeAnswer {
  if (header === null) return { kind: 'full' };
  const unsatisfiable: RangeAnswer = { kind: 'unsatisfiable', contentRange: `bytes */${size}` };
  // ranges-specifier = range-unit "=" range-set; the unit is case-insensitive (section 14.1).
  const equals = header.indexOf('=');
  if (equals < 0) return { kind: 'full' };
  if (header.slice(0, equals).trim().toLowerCase() !== 'bytes') return { kind: 'full' };
  // range-set = 1#range-spec: a comma list, with optional whitespace and empty elements (section 5.6.1).
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length > 1) return { kind: 'full' };
  const match = /^([0-9]*)-([0-9]*)$/.exec(specs[0] ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  let start: number;
  let end: number;
  if (first === '') {
    // suffix-range = "-" suffix-length: the last suffix-length bytes.
    const suffix = Number(last);
    if (suffix === 0) return unsatisfiable;
    start = Math.max(size - suffix, 0);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return unsatisfiable;
  }
  if (start >= size) return unsatisfiable;
  return { kind: 'partial', start, end, contentRange: `bytes ${start}-${end}/${size}` };
}
