// The soak, short: 8 clients for 75 s against a local stack (`pnpm soak` runs the full ten minutes).
import { expect, it } from 'vitest';
import { describeSoak, runSoak } from '../../bench/soak.ts';

it('8 clients of pushes, pulls, deletes and listings: no error, every image whole, no orphan', async () => {
  const report = await runSoak({
    durationMs: 75_000,
    clients: 8,
    maxOpsPerClient: 400,
    bigLayerEvery: 0,
    windowMs: 15_000,
    sampleEveryMs: 3_000,
  });
  console.log(describeSoak(report));
  expect(report.tally.errors).toEqual([]);
  expect(report.tally.pushes).toBeGreaterThan(8);
  expect(report.imagesReadBack).toBe(report.tally.images.length);
  // Memory is sampled all along, but its flatness is the full soak's claim: over 75 s the least reading of
  // a 15 s window swings with the working set (three runs: +30%, -41%, +53%).
  for (const isolate of report.memory) expect(isolate.samples.length).toBeGreaterThanOrEqual(5);
  expect(report.orphans).toEqual([]);
  expect(report.missing).toEqual([]);
  expect(report.bucket.bytes).toBe(report.catalog.bytes + report.bucket.openUploadBytes);
}, 300_000);
