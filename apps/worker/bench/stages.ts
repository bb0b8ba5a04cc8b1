// The stage breakdown: each stage's primitive timed on its own inside workerd (bench/workerd/stages.ts, run by
// Miniflare), on the bytes of one 20 MiB UploadLayerPart, and scaled to the 256 MiB layer.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testLayerChunks } from '@edgecr/chunker/testing';
import { bundle } from './bundle.ts';
import { LAYER_BYTES, PART_SIZE_BYTES, ROUNDS } from './constants.ts';
import type { Discard } from './discard.ts';
import { startWorkerd, type Workerd } from './miniflare.ts';
import { median, repeat } from './report.ts';
import { wranglerWorkerOptions } from './workerConfig.ts';

/** One stage: what the server does, the primitive that stands for it, and its time. */
export interface StageTime {
  /** The stage's path in bench/workerd/stages.ts. */
  path: string;
  stage: string;
  primitive: string;
  /** Median time for one 20 MiB part, the empty request's time taken off. */
  partMs: number;
  /** The same, scaled to the whole layer. */
  layerMs: number;
  /** How the stage was done before; timed for comparison, not part of today's path. */
  replaced: boolean;
}

/**
 * `beyond`: the stage is what this primitive costs over that one (the read it rides on). `replaced`: how the
 * stage was done before the upload path was rebuilt, timed in the same run for the ratio; not in the sum.
 */
const STAGES: {
  path: string;
  stage: string;
  primitive: string;
  body?: true;
  beyond?: string;
  replaced?: true;
}[] = [
  {
    path: 'read',
    stage: 'request body read',
    primitive: 'reading a 27 MB JSON request body to its end',
    body: true,
  },
  {
    path: 'read-hash',
    stage: 'SigV4 payload hash (was)',
    primitive: 'the same read through a JS TransformStream into DigestStream, minus the read',
    body: true,
    beyond: 'read',
    replaced: true,
  },
  {
    path: 'read-tee',
    stage: 'SigV4 payload hash by tee (not taken)',
    primitive: 'the body tee()d: one branch piped into DigestStream, the other read; minus the read',
    body: true,
    beyond: 'read',
    replaced: true,
  },
  {
    path: 'read-loop',
    stage: 'SigV4 payload hash',
    primitive: "each chunk written to DigestStream in the reader's own loop, minus the read",
    body: true,
    beyond: 'read',
  },
  {
    path: 'decode',
    stage: 'JSON + base64 decode',
    primitive: 'TextDecoder + JSON.parse + Uint8Array.fromBase64',
  },
  {
    path: 'rpc',
    stage: 'stream Worker -> upload object',
    primitive: '1 MiB chunks through IdentityTransformStream to a Durable Object over RPC',
  },
  {
    path: 'rpc-r2',
    stage: 'R2 part writes (was)',
    primitive:
      'the same stream laid out into 10 MiB R2 parts, each awaited before reading on, minus the stream',
    beyond: 'rpc',
    replaced: true,
  },
  {
    path: 'rpc-r2-overlap',
    stage: 'R2 part writes',
    primitive: 'the same with one R2 part in flight while the next fills, minus the stream',
    beyond: 'rpc',
  },
  {
    path: 'r2',
    stage: '(R2 part writes alone)',
    primitive: 'two 10 MiB R2 uploadPart calls, awaited one by one, nothing to overlap with',
    replaced: true,
  },
  {
    path: 'noble',
    stage: 'layer SHA-256 (was)',
    primitive: '@noble/hashes sha256, 1 MiB updates',
    replaced: true,
  },
  { path: 'wasm', stage: 'layer SHA-256', primitive: 'ResumableSha256 on sha256.wasm, 1 MiB updates' },
];

/** The body boto3 sends for the first 20 MiB part of a layer. */
function uploadLayerPartBody(): Uint8Array<ArrayBuffer> {
  const blob = Buffer.concat([...testLayerChunks(PART_SIZE_BYTES, 99)]);
  return new TextEncoder().encode(
    JSON.stringify({
      repositoryName: 'bench',
      uploadId: '00000000-0000-4000-8000-000000000000',
      partFirstByte: 0,
      partLastByte: blob.length - 1,
      layerPartBlob: blob.toString('base64'),
    }),
  );
}

async function timed(
  url: string,
  body?: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, body ? { method: 'POST', body, headers } : {});
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${text}`);
  return performance.now() - started;
}

/**
 * Times every stage `ROUNDS` times (medians). Also times the same body POSTed to `nodeServer` (a Node server
 * that reads and discards it): the request body read's reference.
 */
export async function measureStages(
  nodeServer: Discard,
): Promise<{ stages: StageTime[]; nodeReadMs: number }> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'workerd/stages.ts');
  const built = await bundle(entry);
  const { compatibilityDate, compatibilityFlags } = wranglerWorkerOptions();
  let workerd: Workerd | undefined;
  try {
    workerd = await startWorkerd([
      {
        name: 'stages',
        compatibilityDate,
        compatibilityFlags,
        modules: built.modules,
        rootPath: dirname(built.scriptPath),
        durableObjects: { SINK: { className: 'Sink', useSQLite: true } },
        r2Buckets: ['BUCKET'],
      },
    ]);
    const { origin } = workerd;
    const body = uploadLayerPartBody();
    const loaded = await fetch(`${origin}/load`, { method: 'POST', body });
    if ((await loaded.text()) !== String(PART_SIZE_BYTES))
      throw new Error('the stages Worker did not load the part');
    const scale = LAYER_BYTES / PART_SIZE_BYTES;
    // One warm-up of each, so no stage pays for first-use compilation.
    for (const { path, body: post } of STAGES) await timed(`${origin}/${path}`, post ? body : undefined);
    const noop = median(await repeat(ROUNDS * 3, () => timed(`${origin}/noop`)));
    const partMs = new Map<string, number>();
    for (const { path, body: post } of STAGES) {
      const url = `${origin}/${path}`;
      partMs.set(path, median(await repeat(ROUNDS, () => timed(url, post ? body : undefined))) - noop);
    }
    const stages = STAGES.map(({ path, stage, primitive, beyond, replaced }): StageTime => {
      const ms = Math.max(0, (partMs.get(path) as number) - (beyond ? (partMs.get(beyond) as number) : 0));
      return { path, stage, primitive, partMs: ms, layerMs: ms * scale, replaced: replaced === true };
    });
    const target = { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.UploadLayerPart' };
    const nodeReadMs = median(await repeat(ROUNDS, () => timed(nodeServer.endpoint, body, target))) * scale;
    return { stages, nodeReadMs };
  } finally {
    await workerd?.stop();
    await built.remove();
  }
}
