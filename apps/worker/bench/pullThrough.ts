// Pull-through cache benchmark (issue 20): skopeo pulling an image straight from CNCF distribution 2.8 on
// loopback, then through an edgecr pull-through cache rule whose upstream is that distribution: the first pull
// (edgecr fetches every blob upstream while streaming it to the client and into R2) and the second (served
// from R2). Each round pushes an image of fresh random layers to a new upstream repository, so every first pull
// is really a first one (no blob edgecr already holds). Targets: the first within 1.5x of the direct pull, the
// second at least as fast as it. A first pull's store is paced with its stream, so the first pull is also timed
// against the same Worker with its R2 part writes discarded (bench/workerd/discardParts.ts): what local R2's
// simulation costs it, in the same run.
// Run: pnpm --filter @edgecr/worker bench (or `pnpm run bench` at the root); BENCH_ROUNDS rounds (medians).
// The machine is shared: compare ratios, not absolutes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePullThroughCacheRuleCommand } from '@aws-sdk/client-ecr';
import { MiB } from '@edgecr/protocol';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { loginPassword } from '../test/e2e/_aws.ts';
import { deferCleanup } from './cleanup.ts';
import { ROUNDS } from './constants.ts';
import { startDistribution } from './distribution.ts';
import { type PullImage, pushImage, random, writeImage } from './pullImages.ts';
import { ecrClient } from './pushes.ts';
import { type Check, median, printChecks, printTable, seconds } from './report.ts';

/** Each round's image: a config and four layers of 16 MiB, random (nothing compresses or dedupes them). */
const LAYERS = 4;
const LAYER_BYTES = 16 * MiB;

const load = () => loadavg()[0]?.toFixed(1);
console.log(`edgecr pull-through benchmark (${availableParallelism()} cores, load ${load()} at the start)`);

const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-pull-through-'));
const removeDir = deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
const distribution = await startDistribution();
const stack = await startLocalStack();
const noR2 = await startLocalStack({ script: 'bench/workerd/discardParts.ts' });
const stopStack = deferCleanup(async () => {
  for (const each of [stack, noR2]) {
    await each.stop();
    removeState(each);
  }
});

/** Pulls `reference` of `registry` with skopeo into a fresh layout; the time taken, every blob checked. */
async function timedPull(registry: RegistryTarget, reference: string, image: PullImage, into: string) {
  const target = join(dir, into);
  const start = performance.now();
  await skopeoCopy(`docker://${registry.host}/${reference}`, `oci:${target}:${image.tag}`, { src: registry });
  const ms = performance.now() - start;
  for (const [digest, bytes] of image.blobs) {
    const copy = readFileSync(join(target, 'blobs', 'sha256', digest.slice('sha256:'.length)));
    if (Buffer.compare(copy, bytes) !== 0) throw new Error(`${into}: ${digest} differs from the upstream's`);
  }
  rmSync(target, { recursive: true, force: true });
  return ms;
}

const rows: string[][] = [];
const times = {
  direct: [] as number[],
  first: [] as number[],
  second: [] as number[],
  noR2: [] as number[],
};
try {
  const upstream: RegistryTarget = { host: new URL(distribution.endpoint).host };
  const targets: RegistryTarget[] = [];
  for (const each of [stack, noR2]) {
    await ecrClient(each).send(
      new CreatePullThroughCacheRuleCommand({
        ecrRepositoryPrefix: 'upstream',
        upstreamRegistryUrl: distribution.endpoint,
      }),
    );
    const password = await loginPassword(each);
    targets.push({ host: new URL(each.endpoint).host, username: 'AWS', password });
  }
  const [edgecr, discarding] = targets as [RegistryTarget, RegistryTarget];
  for (let round = 0; round < ROUNDS; round++) {
    const layers = Array.from({ length: LAYERS }, () => random(LAYER_BYTES));
    const image = writeImage(join(dir, `image-${round}`), 'v1', layers);
    const repository = `bench/round-${round}`;
    await pushImage(image, upstream, repository);
    const direct = await timedPull(upstream, `${repository}:v1`, image, 'direct');
    const first = await timedPull(edgecr, `upstream/${repository}:v1`, image, 'first');
    const second = await timedPull(edgecr, `upstream/${repository}:v1`, image, 'second');
    // Its layers are stored empty there: pulled once, never again.
    const firstNoR2 = await timedPull(discarding, `upstream/${repository}:v1`, image, 'no-r2');
    rmSync(image.dir, { recursive: true, force: true });
    times.direct.push(direct);
    times.first.push(first);
    times.second.push(second);
    times.noR2.push(firstNoR2);
    rows.push([String(round + 1), seconds(direct), seconds(first), seconds(second), seconds(firstNoR2)]);
  }
} finally {
  await stopStack();
  await distribution.stop();
  await removeDir();
}

const megabytes = (LAYERS * LAYER_BYTES) / MiB;
console.log(`\nskopeo pulls of a ${LAYERS}-layer image (${megabytes} MiB), ${ROUNDS} rounds:`);
printTable(
  [
    'round',
    `distribution ${distribution.version}`,
    'edgecr first',
    'edgecr second',
    'first, R2 writes discarded',
  ],
  rows,
);
const direct = median(times.direct);
const checks: Check[] = [
  {
    figure: 'first pull through edgecr (median)',
    value: seconds(median(times.first)),
    reference: `direct pull ${seconds(direct)}`,
    ratio: median(times.first) / direct,
    target: { op: '<=', ratio: 1.5 },
  },
  {
    figure: 'first pull, local R2 part writes discarded (median)',
    value: seconds(median(times.noR2)),
    reference: `direct pull ${seconds(direct)}`,
    ratio: median(times.noR2) / direct,
    target: { op: '<=', ratio: 1.5 },
  },
  {
    figure: 'second pull from edgecr (median)',
    value: seconds(median(times.second)),
    reference: `direct pull ${seconds(direct)}`,
    ratio: median(times.second) / direct,
    target: { op: '<=', ratio: 1 },
  },
];
console.log('');
const missed = printChecks(checks);
console.log(missed === 0 ? 'Every target met.' : `${missed} of ${checks.length} targets missed.`);
console.log(
  `skopeo, wrangler's proxy, workerd and distribution share ${availableParallelism()} cores (load ${load()} now).`,
);
