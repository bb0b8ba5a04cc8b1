// Digests computed by node:crypto: the reference a test compares the code under test with.
import { createHash } from 'node:crypto';

/** The digest and size of a whole response body, streamed through node:crypto. */
export async function digestOfResponse(response: Response): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
