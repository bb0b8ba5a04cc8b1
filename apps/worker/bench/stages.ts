// The stage breakdown: each stage's primitive timed on its own inside workerd (bench/workerd/stages.ts, run by
// Miniflare), on the bytes of one 20 MiB UploadLayerPart, and scaled to the 256 MiB layer.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testLayerChunks } from '@edgecr/chunker/testing';
import type { Discard } from '@edgecr/testkit/discard';
import { bundle } from './bundle.ts';
import { LAYER_BYTES, PART_SIZE_BYTES, ROUNDS } from './constants.ts';
import { startWorkerd, type Workerd } from './miniflare.ts';
import { median, repeat } from './report.ts';
import { wranglerWorkerOptions } from './workerConfig.ts';

/** Which door's path a stage is on: the ECR door (JSON bodies), the OCI door (raw bodies), or both. */
export type Door = 'ECR' | 'OCI' | 'both';

/** One stage: what the server does, the primitive that stands for it, and its time. */
export interface StageTime {
  /** The stage's path in bench/workerd/stages.ts. */
  path: string;
  stage: string;
  door: Door;
  primitive: string;
  /** Median time for one 20 MiB part, the empty request's time taken off. */
  partMs: number;
  /** The same, scaled to the whole layer. */
  layerMs: number;
  /** How the stage was done before, or a way not taken; timed for comparison, not part of today's path. */
  replaced: boolean;
}

/**
 * `body`: POSTed with the UploadLayerPart JSON or the raw 20 MiB. `beyond`: the stage is what this primitive
 * costs over that one (the read it rides on). `replaced`: how the stage was done before the upload path was
 * rebuilt, or a way not taken, timed in the same run for the ratio; not in the sum.
 */
const STAGES: {
  path: string;
  stage: string;
  door: Door;
  primitive: string;
  body?: 'json' | 'raw';
  beyond?: string;
  replaced?: true;
}[] = [
  {
    path: 'read',
    stage: 'request body read',
    door: 'ECR',
    primitive: 'reading a 27 MB JSON body to its end, 1 MiB at a time (BYOB readAtLeast)',
    body: 'json',
  },
  {
    path: 'read-4k',
    stage: 'request body read (was)',
    door: 'ECR',
    primitive: 'the same in the 4 KiB pieces workerd delivers by default',
    body: 'json',
    replaced: true,
  },
  {
    path: 'read-loop',
    stage: 'SigV4 payload hash',
    door: 'ECR',
    primitive: "the door's hashBody: each MiB written to DigestStream in the read loop, minus the read",
    body: 'json',
    beyond: 'read',
  },
  {
    path: 'read-hash',
    stage: 'SigV4 payload hash (was)',
    door: 'ECR',
    primitive: '4 KiB pieces through a JS TransformStream into DigestStream, minus their read',
    body: 'json',
    beyond: 'read-4k',
    replaced: true,
  },
  {
    path: 'read-tee',
    stage: 'SigV4 payload hash by tee (not taken)',
    door: 'ECR',
    primitive: 'the body tee()d: one branch piped into DigestStream, the other read; minus the read',
    body: 'json',
    beyond: 'read-4k',
    replaced: true,
  },
  {
    path: 'decode',
    stage: 'JSON + base64 decode',
    door: 'ECR',
    primitive: 'TextDecoder + JSON.parse + Uint8Array.fromBase64',
  },
  {
    path: 'raw',
    stage: 'request body read',
    door: 'OCI',
    primitive: "a raw 20 MiB body through the door's rechunked(): 1 MiB BYOB reads",
    body: 'raw',
  },
  {
    path: 'raw-4k',
    stage: 'request body read (was)',
    door: 'OCI',
    primitive: '4 KiB pieces gathered into 1 MiB chunks in JavaScript',
    body: 'raw',
    replaced: true,
  },
  {
    path: 'rpc',
    stage: 'stream Worker -> upload object',
    door: 'both',
    primitive: '1 MiB chunks through IdentityTransformStream to a Durable Object over RPC',
  },
  {
    path: 'rpc-r2-overlap',
    stage: 'R2 part writes',
    door: 'both',
    primitive:
      'the same stream laid out into 10 MiB R2 parts, one in flight while the next fills, minus the stream',
    beyond: 'rpc',
  },
  {
    path: 'rpc-r2',
    stage: 'R2 part writes (was)',
    door: 'both',
    primitive: 'the same, each part awaited before reading on, minus the stream',
    beyond: 'rpc',
    replaced: true,
  },
  {
    path: 'rpc-r2-overlap-20',
    stage: 'R2 part writes, 20 MiB parts (not taken)',
    door: 'both',
    primitive: 'the same as today with 20 MiB R2 parts (half as many), minus the stream',
    beyond: 'rpc',
    replaced: true,
  },
  {
    path: 'r2',
    stage: '(R2 part writes alone)',
    door: 'both',
    primitive: 'two 10 MiB R2 uploadPart calls, awaited one by one, nothing to overlap with',
    replaced: true,
  },
  {
    path: 'r2-20',
    stage: '(R2 part writes alone, 20 MiB parts)',
    door: 'both',
    primitive: 'one 20 MiB R2 uploadPart call',
    replaced: true,
  },
  {
    path: 'noble',
    stage: 'layer SHA-256 (was)',
    door: 'both',
    primitive: '@noble/hashes sha256, 1 MiB updates',
    replaced: true,
  },
  {
    path: 'wasm',
    stage: 'layer SHA-256',
    door: 'both',
    primitive: 'ResumableSha256 on sha256.wasm, 1 MiB updates',
  },
  {
    path: 'wasm512',
    stage: 'layer SHA-512',
    door: 'OCI',
    primitive: 'ResumableSha512 on sha512.wasm, 1 MiB updates (OCI uploads also answer to sha512 digests)',
  },
];

/** The body boto3 sends for `blob`, the first part of a layer. */
function uploadLayerPartBody(blob: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    JSON.stringify({
      repositoryName: 'bench',
      uploadId: '00000000-0000-4000-8000-000000000000',
      partFirstByte: 0,
      partLastByte: blob.length - 1,
      layerPartBlob: Buffer.from(blob.buffer, blob.byteOffset, blob.length).toString('base64'),
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
    const raw = new Uint8Array(Buffer.concat([...testLayerChunks(PART_SIZE_BYTES, 99)]));
    const body = uploadLayerPartBody(raw);
    const loaded = await fetch(`${origin}/load`, { method: 'POST', body });
    if ((await loaded.text()) !== String(PART_SIZE_BYTES))
      throw new Error('the stages Worker did not load the part');
    const scale = LAYER_BYTES / PART_SIZE_BYTES;
    // One warm-up of each, so no stage pays for first-use compilation.
    const bodyOf = (kind?: 'json' | 'raw') => (kind === 'json' ? body : kind === 'raw' ? raw : undefined);
    for (const { path, body: post } of STAGES) await timed(`${origin}/${path}`, bodyOf(post));
    const noop = median(await repeat(ROUNDS * 3, () => timed(`${origin}/noop`)));
    // Rounds interleave the stages, so a busy moment on the shared machine falls on all of them alike.
    const times = new Map<string, number[]>(STAGES.map(({ path }) => [path, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const { path, body: post } of STAGES)
        times.get(path)?.push(await timed(`${origin}/${path}`, bodyOf(post)));
    const partMs = new Map([...times].map(([path, list]) => [path, median(list) - noop]));
    const stages = STAGES.map(({ path, stage, door, primitive, beyond, replaced }): StageTime => {
      const ms = Math.max(0, (partMs.get(path) as number) - (beyond ? (partMs.get(beyond) as number) : 0));
      return { path, stage, door, primitive, partMs: ms, layerMs: ms * scale, replaced: replaced === true };
    });
    const target = { 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.UploadLayerPart' };
    const nodeReadMs = median(await repeat(ROUNDS, () => timed(nodeServer.endpoint, body, target))) * scale;
    return { stages, nodeReadMs };
  } finally {
    await workerd?.stop();
    await built.remove();
  }
}
