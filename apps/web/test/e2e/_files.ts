// Layer files for end-to-end tests and the benchmark: deterministic bytes written to disk 1 MiB at a time,
// with their digest computed by node:crypto (the reference, not the code under test).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const CHUNK = 1024 * 1024;

/** Deterministic pseudo-random bytes (xorshift32), one chunk at a time. */
export function* generate(size: number, seed: number): Generator<Uint8Array> {
  let x = seed >>> 0 || 1;
  for (let offset = 0; offset < size; offset += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, size - offset));
    const words = new Uint32Array(chunk.buffer, 0, chunk.length >>> 2);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x;
    }
    for (let i = words.length * 4; i < chunk.length; i++) chunk[i] = i & 0xff;
    yield chunk;
  }
}

export interface LayerFile {
  path: string;
  size: number;
  digest: string;
}

/** Writes a generated layer to `path` and returns its reference digest. */
export async function writeLayerFile(path: string, size: number, seed: number): Promise<LayerFile> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (const chunk of generate(size, seed)) {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, size, digest: `sha256:${hash.digest('hex')}` };
}

/** The digest and size of a response body, streamed through node:crypto. */
export async function digestOfResponse(response: Response): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
