// Schedules that broke an invariant before the fix named beside each: replayed on every run, so the fix
// stays. (A change to the schedule generator changes what a seed runs; search again for a seed that breaks
// the same invariant without its fix, as the commit messages tell.)
import { describe, expect, it } from 'vitest';
import { runSchedule } from './run.ts';

const REGRESSIONS: { seed: number; broke: string }[] = [
  {
    seed: 2,
    broke: 'a completion sent again after its registration lost its answer deleted the bytes it registered',
  },
  { seed: 3, broke: 'an upload begun by a host that died before it asked for its wake-up never expired' },
  {
    seed: 10,
    broke: 'an object stored before its completion was recorded leaked, and its upload never completed',
  },
  {
    seed: 73,
    broke: 'aborting a multipart upload already completed or aborted failed (R2 answers it as done)',
  },
  { seed: 227, broke: 'bytes whose blob a deletion released leaked when the host died before deleting them' },
  {
    seed: 2461,
    broke: 'a registration sent again, its repository unlinked, deleted the blob it had created',
  },
  { seed: 3388, broke: 'a registration sent again after its blob was deleted named the deleted bytes' },
  {
    seed: 1000807,
    broke: 'a completion sent again after deleting its duplicate object registered that object',
  },
];

describe('schedules that once broke an invariant', () => {
  it.each(REGRESSIONS)('seed $seed: $broke', async ({ seed }) => {
    expect((await runSchedule(seed)).violations).toEqual([]);
  });
});
