// Local R2 read speed (issue 18, item 1): the same bytes as one object and as a multipart object of 10 MiB
// parts (how edgecr stores every blob), read whole and by a 10 MiB range through a Worker under `wrangler dev`,
// alternating, in the same run. With patches/miniflare-r2-streams.patch the multipart read runs at the single
// object's speed; without it about 20x slower (docs/upstream/miniflare-r2-multipart.md). Also the stack's
// ceiling for small answers: the same Worker answering a constant under wrk's 16 connections.
import { randomBytes } from 'node:crypto';
import { MiB } from '@edgecr/protocol';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { deferCleanup } from './cleanup.ts';
import { type Check, mbps, median } from './report.ts';
import { type WrkResult, wrk } from './wrk.ts';

const OBJECT_BYTES = 128 * MiB;
const PART_BYTES = 10 * MiB;
const RANGE = { start: 35 * MiB, end: 45 * MiB - 1 };

/** Milliseconds to fetch `url` and read its whole body; fails on an answer of the wrong length. */
async function timedGet(
  url: string,
  expected: number,
  headers: Record<string, string> = {},
): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const length = (await response.arrayBuffer()).byteLength;
  if (!response.ok || length !== expected) throw new Error(`GET ${url}: ${response.status}, ${length} bytes`);
  return performance.now() - started;
}

/** Runs the comparison with `rounds` alternating reads of each; returns the checks for the closing table. */
export async function localR2Checks(
  rounds: number,
  seconds: number,
): Promise<{ checks: Check[]; ceiling: WrkResult }> {
  const stack = await startLocalStack({ script: 'bench/workerd/r2Objects.ts' });
  const stop = deferCleanup(async () => {
    await stack.stop();
    removeState(stack);
  });
  try {
    const bytes = randomBytes(OBJECT_BYTES);
    const put = async (key: string, part?: number) => {
      const url = `${stack.endpoint}/${key}${part ? `?part=${part}` : ''}`;
      const response = await fetch(url, { method: 'PUT', body: bytes });
      if (!response.ok) throw new Error(`PUT ${key}: ${response.status} ${await response.text()}`);
    };
    await put('single');
    await put('multipart', PART_BYTES);
    const times = {
      single: [] as number[],
      multipart: [] as number[],
      singleRange: [] as number[],
      multipartRange: [] as number[],
    };
    const rangeHeader = { range: `bytes=${RANGE.start}-${RANGE.end}` };
    const rangeBytes = RANGE.end - RANGE.start + 1;
    for (let round = 0; round < rounds; round += 1) {
      times.single.push(await timedGet(`${stack.endpoint}/single`, OBJECT_BYTES));
      times.multipart.push(await timedGet(`${stack.endpoint}/multipart`, OBJECT_BYTES));
      times.singleRange.push(await timedGet(`${stack.endpoint}/single`, rangeBytes, rangeHeader));
      times.multipartRange.push(await timedGet(`${stack.endpoint}/multipart`, rangeBytes, rangeHeader));
    }
    const whole = { single: median(times.single), multipart: median(times.multipart) };
    const ranged = { single: median(times.singleRange), multipart: median(times.multipartRange) };
    // The stack's own ceiling for small answers: the same Worker answering a constant, no R2, no object.
    const ceiling = await wrk(`${stack.endpoint}/ping`, { connections: 16, seconds });
    const checks: Check[] = [
      {
        figure: 'local R2: 128 MiB multipart GET',
        value: mbps(OBJECT_BYTES, whole.multipart),
        reference: `single object ${mbps(OBJECT_BYTES, whole.single)}`,
        ratio: whole.single / whole.multipart,
        target: { op: '>=', ratio: 0.8 },
      },
      {
        figure: 'local R2: 10 MiB range of it',
        value: mbps(rangeBytes, ranged.multipart),
        reference: `single object ${mbps(rangeBytes, ranged.single)}`,
        ratio: ranged.single / ranged.multipart,
        target: { op: '>=', ratio: 0.8 },
      },
    ];
    return { checks, ceiling };
  } finally {
    await stop();
  }
}
