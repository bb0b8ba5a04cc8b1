import { join } from './bodyStreams.ts';

/**
 * Reads a body whole, refusing it with `refuse()` as soon as it passes `maxBytes` — whether its declared
 * length says so up front or its bytes, counted as they arrive, do — so it is never buffered past the bound.
 * Both doors read their small bodies (ECR JSON requests, OCI manifests) this way.
 * @example
 * const bytes = await readBounded(request, MAX_BODY_BYTES, () => new Error('too large'));
 */
export async function readBounded(
  request: Request,
  maxBytes: number,
  refuse: (length: number) => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw refuse(declared);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request.body ?? []) {
    length += chunk.length;
    if (length > maxBytes) throw refuse(length);
    chunks.push(chunk);
  }
  return join(chunks, length);
}
