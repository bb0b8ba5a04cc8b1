// Deterministic fault injection over the core's ports: FAULT_RUNS schedules from FAULT_SEED on, each a few
// clients at once meeting failed, lost and crashing port calls, checked against the registry's invariants.
// A failing schedule prints its seed: `FAULT_SEED=<seed> FAULT_RUNS=1 pnpm run faults` replays it exactly,
// and with FAULT_TRACE=1 prints every step and port call of it.
import { describe, expect, it } from 'vitest';
import { runSchedule } from './run.ts';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const FIRST_SEED = Number(env.FAULT_SEED ?? 1);
const RUNS = Number(env.FAULT_RUNS ?? 2000);

describe('the registry under faults', () => {
  it(`keeps every invariant over ${RUNS} schedules from seed ${FIRST_SEED}`, {
    timeout: 60_000 + RUNS * 200,
  }, async () => {
    const failures: string[] = [];
    const injected = new Map<string, number>();
    let steps = 0;
    let lifecycleAborts = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS && failures.length < 3; seed++) {
      const report = await runSchedule(seed);
      steps += report.steps;
      lifecycleAborts += report.lifecycleAborts;
      for (const [fault, count] of report.injected) injected.set(fault, (injected.get(fault) ?? 0) + count);
      if (report.violations.length === 0) continue;
      failures.push(`FAULT_SEED=${seed} FAULT_RUNS=1\n  ${report.violations.join('\n  ')}`);
      if (env.FAULT_TRACE) {
        const trace: string[] = [];
        await runSchedule(seed, trace);
        console.log(`the schedule of seed ${seed}:\n${trace.join('\n')}`);
      }
    }
    const faults = Object.entries(Object.fromEntries(injected)).map(([fault, count]) => `${count} ${fault}`);
    console.log(
      `${RUNS} schedules, ${steps} client steps; faults injected: ${faults.join(', ')}; ` +
        `${lifecycleAborts} multipart uploads left to R2's lifecycle`,
    );
    expect(failures.join('\n')).toBe('');
  });
});
