import { EcrError, MAX_IMAGE_MANIFEST_LENGTH } from '@edgecr/protocol';

/**
 * The largest body any operation but UploadLayerPart can legally have: PutImage's manifest, each character
 * escaped by JSON as `\uXXXX` at worst, plus the other members.
 */
const MAX_BODY_BYTES = MAX_IMAGE_MANIFEST_LENGTH * 6 + 64 * 1024;

/** The body's declared length, refusing one over `limit` before a byte of it is read. */
export function declaredLength(request: Request, limit: number): number | null {
  const header = request.headers.get('content-length');
  const length = header === null ? null : Number(header);
  if (length !== null && length > limit) {
    throw new EcrError(
      'RequestEntityTooLargeException',
      `The request body is ${length} bytes; at most ${limit} are accepted`,
    );
  }
  return length;
}

/** Reads and parses a JSON body of bounded size; an empty body is an empty object, as AWS treats it. */
export async function readJsonBody(request: Request): Promise<unknown> {
  declaredLength(request, MAX_BODY_BYTES);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new EcrError('RequestEntityTooLargeException', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new EcrError('SerializationException', 'The request body is not valid JSON');
  }
}
