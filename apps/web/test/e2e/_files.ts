// Layer files for end-to-end tests and the benchmark: @edgecr/chunker's deterministic test layers written to disk
// 1 MiB at a time, with their digest computed by node:crypto (the reference, not the code under test).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { testLayerChunks } from '@edgecr/chunker/testing';

export interface LayerFile {
  path: string;
  size: number;
  digest: string;
}

/** Writes a generated layer to `path` and returns its reference digest. */
export async function writeLayerFile(path: string, size: number, seed: number): Promise<LayerFile> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (const chunk of testLayerChunks(size, seed)) {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, size, digest: `sha256:${hash.digest('hex')}` };
}

export { digestOfResponse } from '@edgecr/testkit/digest';
