// The layer every client in the benchmark pushes: generated once, written as part files in a temporary folder
// so curl (one file per PATCH) and boto3 (one file per UploadLayerPart) send exactly the same bytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testLayerChunks } from '@edgecr/chunker/testing';
import { deferCleanup } from './cleanup.ts';

/** A layer on disk, cut into parts. */
export interface PartFiles {
  size: number;
  /** `sha256:<hex>`, computed by node:crypto. */
  digest: string;
  /** The parts, in order, with the layer offset each starts at. */
  parts: { path: string; first: number; length: number }[];
  remove(): Promise<void>;
}

/** Writes a generated layer of `size` bytes as parts of `partSize` bytes (the last may be shorter). */
export function writePartFiles(size: number, partSize: number, seed: number): PartFiles {
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-layer-'));
  const remove = deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const hash = createHash('sha256');
  const parts: PartFiles['parts'] = [];
  let part: Uint8Array[] = [];
  let partLength = 0;
  const flush = () => {
    const path = join(dir, `part-${String(parts.length).padStart(4, '0')}`);
    writeFileSync(path, Buffer.concat(part));
    parts.push({ path, first: parts.length * partSize, length: partLength });
    part = [];
    partLength = 0;
  };
  // testLayerChunks() yields 1 MiB chunks; partSize is a whole number of MiB, so chunks never straddle parts.
  for (const chunk of testLayerChunks(size, seed)) {
    hash.update(chunk);
    part.push(chunk);
    partLength += chunk.length;
    if (partLength === partSize) flush();
  }
  if (partLength > 0) flush();
  return {
    size,
    digest: `sha256:${hash.digest('hex')}`,
    parts,
    remove,
  };
}
