// Pull benchmark (issue 18): local R2's multipart reads against single objects in the same stack, then pulls
// from edgecr (`wrangler dev`) next to CNCF distribution 2.8 on loopback, same clients, same run: a 256 MiB
// blob GET, manifest GETs by tag and by digest and a small blob GET under 16 and 64 connections (wrk), each
// beside a bare Worker answering a constant under `wrangler dev` (the stack's own ceiling, same window), and a
// storm of 32 concurrent skopeo pulls, every byte checked.
// Run: pnpm --filter @edgecr/worker bench (or `pnpm run bench` at the root). BENCH_ROUNDS rounds (medians; at
// least 5 for local R2); BENCH_QUICK=1 runs each wrk load 4 s instead of 8. The machine is shared: compare
// ratios, not absolutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { loginPassword } from '../test/e2e/_aws.ts';
import { deferCleanup } from './cleanup.ts';
import { QUICK, ROUNDS } from './constants.ts';
import { startDistribution } from './distribution.ts';
import { localR2Checks } from './localR2.ts';
import { bigBlobCheck, loadChecks, type PullTarget, stormChecks } from './pullChecks.ts';
import { pushImage, writePullImages } from './pullImages.ts';
import { ecrClient } from './pushes.ts';
import { type Check, printChecks, printTable } from './report.ts';

const load = () => loadavg()[0]?.toFixed(1);
console.log(`edgecr pull benchmark (${availableParallelism()} cores, load ${load()} at the start)`);
const checks: Check[] = [];
console.log(`\n1. Local R2: a multipart object against a single object of the same bytes`);
const seconds = QUICK ? 4 : 8;
const localStack = await localR2Checks(Math.max(ROUNDS, 5), seconds);
checks.push(...localStack.checks);
const { ceiling } = localStack;
console.log(
  `The stack's ceiling, a bare Worker answering a constant (wrk, 16 connections): ${ceiling.rps.toFixed(0)} req/s, ` +
    `p50 ${ceiling.p50.toFixed(1)} ms, p99 ${ceiling.p99.toFixed(1)} ms`,
);

const dir = mkdtempSync(join(tmpdir(), 'edgecr-bench-pull-'));
const removeDir = deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
const distribution = await startDistribution();
const stack = await startLocalStack();
// The same bare Worker as the ceiling above, running beside edgecr: each load figure is measured against it too.
const bare = await startLocalStack({ script: 'bench/workerd/r2Objects.ts' });
const stopStack = deferCleanup(async () => {
  await stack.stop();
  await bare.stop();
  removeState(stack);
  removeState(bare);
});
try {
  const repository = 'bench/pull';
  for (const repositoryName of [repository, `${repository}-big`]) {
    await ecrClient(stack).send(new CreateRepositoryCommand({ repositoryName }));
  }
  const password = await loginPassword(stack);
  const edgecr: PullTarget = {
    name: 'edgecr',
    origin: stack.endpoint,
    headers: { authorization: `Basic ${btoa(`AWS:${password}`)}` },
    registry: { host: new URL(stack.endpoint).host, username: 'AWS', password },
    repository,
  };
  const reference: PullTarget = {
    name: `distribution ${distribution.version}`,
    origin: distribution.endpoint,
    headers: {},
    registry: { host: new URL(distribution.endpoint).host },
    repository,
  };
  const targets: [PullTarget, PullTarget] = [edgecr, reference];
  console.log('\n2. Pulls against distribution: pushing the images with skopeo…');
  const images = writePullImages(dir);
  for (const target of targets) {
    await pushImage(images.big, target.registry, `${repository}-big`);
    await pushImage(images.small, target.registry, repository);
  }
  const bigTargets = targets.map((target) => ({
    ...target,
    repository: `${repository}-big`,
  })) as typeof targets;
  checks.push(await bigBlobCheck(bigTargets, images.big, ROUNDS));
  const load16and64 = await loadChecks(targets, images.small, seconds, `${bare.endpoint}/ping`);
  printTable(
    ['load (wrk, 2 threads)', 'registry', 'req/s', 'p50', 'p99', 'errors', 'edgecr / ceiling'],
    load16and64.rows,
  );
  checks.push(...load16and64.checks);
  const stormResult = await stormChecks(targets, images.small, 32);
  console.log('');
  printTable(['pull storm', 'edgecr', reference.name, 'ratio'], [stormResult.row]);
  checks.push(stormResult.check);
} finally {
  await stopStack();
  await distribution.stop();
  await removeDir();
}
console.log('');
const missed = printChecks(checks);
console.log(missed === 0 ? 'Every target met.' : `${missed} of ${checks.length} targets missed.`);
console.log(
  `Client, wrangler's proxy, workerd and distribution share ${availableParallelism()} cores (load ${load()} now).`,
);
