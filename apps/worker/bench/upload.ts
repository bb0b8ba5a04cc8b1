// Worker benchmark (issue 12): 256 MiB in 20 MiB parts through both doors of the local stack (`wrangler dev`):
// boto3 through the ECR door, curl PATCHes through the OCI door, next to references measured in the same run:
// CNCF distribution 2.8 pushed by the same curl, the same clients against loopback servers that discard the
// bytes, and both doors of the same Worker with its R2 part writes discarded (what local R2 costs). Then where
// the server's time goes (each stage's primitive timed alone in workerd), the live memory of each isolate with
// two 20 MiB parts in flight (workerd's own inspector), CompleteLayerUpload latency against size, and a 1 GiB
// round trip.
// Run: pnpm --filter @edgecr/worker bench (or `pnpm run bench` at the root). BENCH_ROUNDS=3 rounds (medians);
// BENCH_QUICK=1 skips the 512 MiB and 1 GiB checks. The machine is shared: compare ratios, not absolutes.

import { availableParallelism, loadavg } from 'node:os';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { MiB } from '@edgecr/protocol';
import { ecrDiscardServer, ociDiscardServer } from '@edgecr/testkit/discard';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { deferCleanup } from './cleanup.ts';
import { LAYER_BYTES, PART_SIZE_BYTES, QUICK, ROUNDS } from './constants.ts';
import { startDistribution } from './distribution.ts';
import { completionLatency, gibRoundTrip } from './ecrChecks.ts';
import { liveBytes } from './inspector.ts';
import { measureLiveMemory } from './memory.ts';
import { ecrClient, pushRounds } from './pushes.ts';
import { type Check, MB, mbps, printChecks, printTable, seconds } from './report.ts';
import { printStages } from './stageReport.ts';
import { measureStages } from './stages.ts';

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const ratio = (value: number) => `${value.toFixed(2)}x`;

const load = () => loadavg()[0]?.toFixed(1);
console.log(
  `edgecr upload benchmark: ${mib(LAYER_BYTES)} in ${mib(PART_SIZE_BYTES)} parts, medians of ${ROUNDS} rounds ` +
    `(${availableParallelism()} cores, load ${load()} at the start)`,
);
const ecrDiscard = await ecrDiscardServer();
const ociDiscard = await ociDiscardServer();
const distribution = await startDistribution();
const stack = await startLocalStack();
const stopStack = deferCleanup(async () => {
  await stack.stop();
  removeState(stack);
});
const noR2 = await startLocalStack({ script: 'bench/workerd/discardParts.ts' });
const stopNoR2 = deferCleanup(async () => {
  await noR2.stop();
  removeState(noR2);
});
const checks: Check[] = [];
try {
  const ecr = ecrClient(stack);
  const t = await pushRounds({
    distribution: distribution.endpoint,
    ociDiscard: ociDiscard.endpoint,
    ecrDiscard: ecrDiscard.endpoint,
    worker: stack,
    noR2,
  });
  const serverMs = t.ecrDoor - t.ecrDiscard;
  const ociServerMs = t.ociDoor - t.ociDiscard;

  console.log(`\n1. ${mib(LAYER_BYTES)} in ${mib(PART_SIZE_BYTES)} parts (median of ${ROUNDS})`);
  const row = (door: string, client: string, ms: number, server?: number) => [
    door,
    client,
    seconds(ms),
    mbps(LAYER_BYTES, ms),
    server === undefined ? '' : seconds(server),
  ];
  const curlClient = 'curl: PATCH + Content-Range, PUT ?digest=';
  printTable(
    ['server', 'client', 'time', 'throughput', 'server time'],
    [
      row(`distribution ${distribution.version} (reference)`, curlClient, t.distribution),
      row('loopback discard server (OCI)', 'curl, the same', t.ociDiscard),
      row('edgecr OCI door (wrangler dev)', 'curl, the same, Basic AWS:<token>', t.ociDoor, ociServerMs),
      row(
        '  the same, R2 part writes discarded',
        'curl, the same',
        t.ociDoorNoR2,
        t.ociDoorNoR2 - t.ociDiscard,
      ),
      row('loopback discard server (ECR JSON)', 'boto3: UploadLayerPart', t.ecrDiscard),
      row('edgecr ECR door (wrangler dev)', 'boto3: UploadLayerPart', t.ecrDoor, serverMs),
      row(
        '  the same, R2 part writes discarded',
        'boto3, the same',
        t.ecrDoorNoR2,
        t.ecrDoorNoR2 - t.ecrDiscard,
      ),
    ],
  );
  const r2Share = (door: number, noR2Door: number, server: number) =>
    `${seconds(door - noR2Door)} (${((100 * (door - noR2Door)) / server).toFixed(0)}% of its server time)`;
  console.log(
    `   server time = door - the same client against its discard server; local R2 part writes cost the OCI door ${r2Share(t.ociDoor, t.ociDoorNoR2, ociServerMs)}, the ECR door ${r2Share(t.ecrDoor, t.ecrDoorNoR2, serverMs)}`,
  );
  checks.push(
    {
      figure: 'OCI door, curl, vs distribution + curl',
      value: seconds(t.ociDoor),
      reference: seconds(t.distribution),
      ratio: t.distribution / t.ociDoor,
      target: { op: '>=', ratio: 0.5 },
    },
    {
      figure: 'ECR door, boto3, vs distribution + curl',
      value: seconds(t.ecrDoor),
      reference: seconds(t.distribution),
      ratio: t.distribution / t.ecrDoor,
      target: { op: '>=', ratio: 0.25 },
    },
    {
      figure: "ECR door: server time / boto3's own time",
      value: seconds(serverMs),
      reference: seconds(t.ecrDiscard),
      ratio: serverMs / t.ecrDiscard,
      target: { op: '<=', ratio: 2 },
    },
  );

  console.log(`\n2. Where the server time goes: each stage's primitive alone in workerd (Miniflare), on one`);
  console.log(
    `   20 MiB part's bytes, scaled to ${mib(LAYER_BYTES)}; median of ${ROUNDS}, empty request's time taken off`,
  );
  const { stages, nodeReadMs } = await measureStages(ecrDiscard);
  printStages(stages, nodeReadMs, { ECR: serverMs, OCI: ociServerMs }, mib(LAYER_BYTES));

  console.log(
    '\n3. Live memory per isolate, two 20 MiB UploadLayerPart requests in flight (Miniflare, workerd inspector;',
  );
  console.log('   each sample after a full collection, forced by a heap snapshot)');
  const isolates = await measureLiveMemory();
  printTable(
    ['isolate', 'idle', 'peak JS heap', 'peak ArrayBuffers', 'peak live', 'samples'],
    isolates.map((i) => [
      i.isolate,
      mb(liveBytes(i.idle)),
      mb(i.peak.usedSize),
      mb(i.peak.backingStorageSize ?? 0),
      mb(liveBytes(i.peak)),
      String(i.samples),
    ]),
  );
  for (const i of isolates)
    checks.push({
      figure: `live peak, ${i.isolate}`,
      value: mb(liveBytes(i.peak)),
      reference: '64 MB',
      ratio: liveBytes(i.peak) / 64e6,
      target: { op: '<=', ratio: 1 },
    });

  if (QUICK)
    console.log('\n4. CompleteLayerUpload latency and the 1 GiB round trip: skipped (BENCH_QUICK=1)');
  else {
    console.log(
      '\n4. ECR door, AWS SDK for JavaScript: CompleteLayerUpload latency, and 1 GiB pushed and downloaded',
    );
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/checks' }));
    const latency = await completionLatency(ecr, 'bench/checks');
    console.log(
      `   CompleteLayerUpload: 16 MiB layer ${latency.smallMs.toFixed(1)} ms (median of 3), 512 MiB layer ${latency.largeMs.toFixed(1)} ms`,
    );
    checks.push({
      figure: 'CompleteLayerUpload, 512 MiB / 16 MiB',
      value: `${latency.largeMs.toFixed(1)} ms`,
      reference: `${latency.smallMs.toFixed(1)} ms`,
      ratio: latency.largeMs / latency.smallMs,
      target: { op: '<=', ratio: 1.5 },
    });
    const gib = await gibRoundTrip(ecr, 'bench/checks');
    console.log(
      `   1 GiB: push ${mbps(gib.size, gib.pushMs)}, complete ${gib.completeMs.toFixed(1)} ms, download ${mbps(gib.size, gib.downloadMs)}, digest matches`,
    );
  }

  console.log('\nTargets (ratios in one run; the machine is shared, so absolutes vary)');
  const missed = printChecks(checks);
  console.log(missed === 0 ? 'Every target met.' : `${missed} of ${checks.length} targets missed.`);
  console.log(
    `The same Worker with its R2 part writes discarded, same run: OCI door ${ratio(t.distribution / t.ociDoorNoR2)} ` +
      `distribution (target 0.5x), ECR door ${ratio(t.distribution / t.ecrDoorNoR2)} (target 0.25x), ECR server ` +
      `time ${ratio((t.ecrDoorNoR2 - t.ecrDiscard) / t.ecrDiscard)} boto3's own (target 2x). Local R2 is Miniflare's ` +
      'simulation inside workerd (each part sent to a JavaScript R2 object that MD5-digests it into a file; ' +
      'patches/miniflare-r2-streams.patch moves it in 1 MiB batches through native streams), not R2; ' +
      `client, wrangler's proxy and workerd share ${availableParallelism()} cores (load ${load()} now).`,
  );
} finally {
  await stopNoR2();
  await stopStack();
  await distribution.stop();
  await Promise.all([ecrDiscard.close(), ociDiscard.close()]);
}
