// The pull figures, each measured on edgecr and on distribution with the same client in the same run: a
// 256 MiB blob GET (fetch, body read whole), manifest GET by tag and by digest and a small blob GET under
// 16 and 64 connections (wrk: rate, p50, p99), and a storm of 32 concurrent `skopeo copy` pulls of one image,
// every byte of every copy compared with the pushed image.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { MEDIA_TYPES } from '@edgecr/testkit/ociLayout';
import type { PullImage } from './pullImages.ts';
import { type Check, mbps, median } from './report.ts';
import { type WrkResult, wrk } from './wrk.ts';

/** One registry as the pull figures reach it: its origin, HTTP headers (credentials) and skopeo target. */
export interface PullTarget {
  name: string;
  origin: string;
  headers: Record<string, string>;
  registry: RegistryTarget;
  repository: string;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Milliseconds to GET the blob `digest` and read its body; checks its digest the first time. */
async function blobGet(target: PullTarget, digest: string, check: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${target.origin}/v2/${target.repository}/blobs/${digest}`, {
    headers: target.headers,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${target.name}: blob GET answered ${response.status}`);
  if (check && sha256(bytes) !== digest) throw new Error(`${target.name}: blob GET returned other bytes`);
  return ms;
}

/** The 256 MiB blob GET, `rounds` alternating rounds; the check compares throughput. */
export async function bigBlobCheck(targets: [PullTarget, PullTarget], big: PullImage, rounds: number) {
  const [edgecr, reference] = targets;
  const digest = big.layers[0] as string;
  const size = big.blobs.get(digest)?.length ?? 0;
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round += 1) {
    times[0].push(await blobGet(edgecr, digest, round === 0));
    times[1].push(await blobGet(reference, digest, round === 0));
  }
  const [ours, theirs] = times.map(median) as [number, number];
  return {
    figure: 'blob GET, 256 MiB',
    value: mbps(size, ours),
    reference: `${reference.name} ${mbps(size, theirs)}`,
    ratio: theirs / ours,
    target: { op: '>=', ratio: 0.25 },
  } satisfies Check;
}

/** One wrk scenario: a path under `/v2/<repository>/` and the targets its ratios must meet. */
interface Scenario {
  figure: string;
  path: (image: PullImage) => string;
  accept?: string;
  rateTarget: number;
}

const SCENARIOS: Scenario[] = [
  {
    figure: 'manifest GET by tag',
    path: (image) => `manifests/${image.tag}`,
    accept: MEDIA_TYPES.manifest,
    rateTarget: 0.5,
  },
  {
    figure: 'manifest GET by digest',
    path: (image) => `manifests/${image.manifest.digest}`,
    accept: MEDIA_TYPES.manifest,
    rateTarget: 0.75,
  },
  { figure: 'small blob GET (config)', path: (image) => `blobs/${image.config}`, rateTarget: 0.75 },
];

/**
 * Every scenario under 16 and 64 connections, edgecr then the reference, then `ceiling` (a bare Worker under
 * `wrangler dev` answering a constant: what the local stack itself serves, measured in the same window as
 * each figure); rate and p99 checks against the reference, and a table with edgecr's share of the ceiling.
 */
export async function loadChecks(
  targets: [PullTarget, PullTarget],
  small: PullImage,
  seconds: number,
  ceiling: string,
): Promise<{ checks: Check[]; rows: string[][] }> {
  const checks: Check[] = [];
  const rows: string[][] = [];
  for (const scenario of SCENARIOS) {
    for (const connections of [16, 64]) {
      const results = [] as WrkResult[];
      for (const target of targets) {
        const headers = { ...target.headers, ...(scenario.accept ? { accept: scenario.accept } : {}) };
        const url = `${target.origin}/v2/${target.repository}/${scenario.path(small)}`;
        results.push(await wrk(url, { connections, seconds, headers }));
      }
      const [ours, theirs] = results as [WrkResult, WrkResult];
      const bare = await wrk(ceiling, { connections, seconds });
      const figure = `${scenario.figure}, ${connections} conn.`;
      const names = [...targets.map((target) => target.name), "bare Worker (the stack's ceiling)"];
      rows.push(
        ...[ours, theirs, bare].map((result, i) => [
          figure,
          names[i] as string,
          result.rps.toFixed(0),
          `${result.p50.toFixed(1)} ms`,
          `${result.p99.toFixed(1)} ms`,
          String(result.errors),
          i === 0 ? `${((ours.rps / bare.rps) * 100).toFixed(0)}% of the ceiling` : '',
        ]),
      );
      checks.push(
        {
          figure: `${figure}: rate`,
          value: `${ours.rps.toFixed(0)} req/s`,
          reference: `${theirs.rps.toFixed(0)} req/s`,
          ratio: ours.rps / theirs.rps,
          target: { op: '>=', ratio: scenario.rateTarget },
        },
        {
          figure: `${figure}: p99`,
          value: `${ours.p99.toFixed(1)} ms`,
          reference: `${theirs.p99.toFixed(1)} ms`,
          ratio: ours.p99 / theirs.p99,
          target: { op: '<=', ratio: 2 },
        },
        {
          figure: `${figure}: errors`,
          value: String(ours.errors),
          reference: String(theirs.errors),
          ratio: ours.errors,
          target: { op: '<=', ratio: 0 },
        },
      );
    }
  }
  return { checks, rows };
}

/** `count` concurrent `skopeo copy` pulls of `image` from `target`; each copy's blobs compared byte for byte. */
async function storm(
  target: PullTarget,
  image: PullImage,
  count: number,
): Promise<{ ms: number; errors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-storm-'));
  try {
    const source = `docker://${target.registry.host}/${target.repository}:${image.tag}`;
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        skopeoCopy(source, `oci:${join(dir, String(i))}:v1`, { src: target.registry }),
      ),
    );
    const ms = performance.now() - started;
    let errors = 0;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') {
        errors += 1;
        continue;
      }
      for (const [digest, bytes] of image.blobs) {
        const copy = readFileSync(join(dir, String(i), 'blobs', 'sha256', digest.slice(7)));
        if (Buffer.compare(copy, bytes) !== 0) errors += 1;
      }
    }
    return { ms, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The pull storm on both targets: a row of times for the table, and the check that nothing failed. */
export async function stormChecks(
  targets: [PullTarget, PullTarget],
  small: PullImage,
  count: number,
): Promise<{ check: Check; row: string[] }> {
  const [ours, theirs] = [await storm(targets[0], small, count), await storm(targets[1], small, count)];
  return {
    row: [
      `${count} concurrent skopeo pulls`,
      `${(ours.ms / 1000).toFixed(1)} s`,
      `${(theirs.ms / 1000).toFixed(1)} s`,
      (theirs.ms / ours.ms).toFixed(2),
    ],
    check: {
      figure: 'pull storm: failed pulls or wrong blobs',
      value: String(ours.errors),
      reference: `${targets[1].name} ${theirs.errors}`,
      ratio: ours.errors,
      target: { op: '<=', ratio: 0 },
    },
  };
}
