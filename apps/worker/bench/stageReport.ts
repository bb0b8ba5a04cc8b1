// Section 2 of the benchmark: the stage breakdown as shares of each door's measured server time.
import { printTable, seconds } from './report.ts';
import type { Door, StageTime } from './stages.ts';

/** Each door's server time in section 1 (the door's push minus its client's push to a discard server). */
export interface ServerTimes {
  ECR: number;
  OCI: number;
}

const percent = (ms: number, of: number) => `${((100 * ms) / of).toFixed(0)}%`;

/** Prints the stages, each door's sum of today's stages, and the same run's was / now ratios. */
export function printStages(
  stages: StageTime[],
  nodeReadMs: number,
  server: ServerTimes,
  layer: string,
): void {
  const share = (door: Door, ms: number) =>
    door === 'both'
      ? `ECR ${percent(ms, server.ECR)}, OCI ${percent(ms, server.OCI)}`
      : percent(ms, server[door]);
  const sum = (door: 'ECR' | 'OCI') =>
    stages
      .filter((s) => !s.replaced && (s.door === door || s.door === 'both'))
      .reduce((total, s) => total + s.layerMs, 0);
  printTable(
    ['stage', 'door', 'per 20 MiB', `per ${layer}`, "of the door's server time", 'primitive timed'],
    [
      ...stages.map((s) => [
        s.stage,
        s.door,
        `${s.partMs.toFixed(0)} ms`,
        seconds(s.layerMs),
        share(s.door, s.layerMs),
        s.primitive,
      ]),
      ...(['ECR', 'OCI'] as const).map((door) => [
        '(sum of the stages, not "was")',
        door,
        '',
        seconds(sum(door)),
        percent(sum(door), server[door]),
        'stages overlap in the real pipeline',
      ]),
      [
        '(the JSON body, Node http)',
        'ECR',
        '',
        seconds(nodeReadMs),
        '',
        'reference for the body read: a Node server reading and discarding it',
      ],
      ...(['ECR', 'OCI'] as const).map((door) => [
        'measured server time',
        door,
        '',
        seconds(server[door]),
        '100%',
        'section 1',
      ]),
    ],
  );
  const ms = (path: string) => stages.find((s) => s.path === path)?.layerMs ?? Number.NaN;
  // A stage measured over another can come out at zero (clamped): its cost is within the noise.
  const faster = (was: string, now: string) =>
    ms(now) > 0 ? `${(ms(was) / ms(now)).toFixed(1)}x` : 'now within the noise';
  console.log(
    `   same run, was / now: body read 4 KiB pieces / 1 MiB reads: ECR ${faster('read-4k', 'read')}, OCI ` +
      `${faster('raw-4k', 'raw')}; layer SHA-256 noble / wasm ${faster('noble', 'wasm')}; SigV4 payload hash ` +
      `TransformStream / read loop ${faster('read-hash', 'read-loop')} (tee ${faster('read-hash', 'read-tee')}); ` +
      `R2 part writes awaited / overlapped ${faster('rpc-r2', 'rpc-r2-overlap')}, 20 MiB / 10 MiB parts ` +
      `${faster('rpc-r2-overlap-20', 'rpc-r2-overlap')} (alone ${faster('r2-20', 'r2')})`,
  );
}
