/// <reference types="node" />
// SHA-256 throughput measured in the same run, as ratios to raw @noble/hashes: ResumableSha256 on WebAssembly and
// on noble, the layer chunker (which hashes with ResumableSha256, so wasm here), node:crypto; then ResumableSha512
// against noble's sha512 and the wasm SHA-256 on the same bytes, and both in one pass (what an OCI upload does);
// then the same implementations inside workerd (bench/workerd.ts). `pnpm bench` (Node 24 runs this file directly, stripping the
// types). Not a test: it prints figures and verdicts.
//
//   BENCH_MIB=256 BENCH_ROUNDS=7 BENCH_WORKERD_MIB=256 BENCH_WORKERD_ROUNDS=5 pnpm bench
import { createHash, getRandomValues } from 'node:crypto';
import { MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { SHA256_ENGINES } from '../src/_engines.ts';
import type { HashEngine } from '../src/_hashCore.ts';
import { NOBLE_SHA256 } from '../src/_nobleSha2.ts';
import { createLayerChunker, ResumableSha256, ResumableSha512 } from '../src/index.ts';
import { benchWorkerd } from './workerd.ts';

const MiB = 1024 * 1024;
const TOTAL_BYTES = Number(process.env.BENCH_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// The chunker's own cost: it must keep at least this share of its hasher's speed.
const TARGET_RATIO = 0.9;
// Node compiles the package's wasm by itself; the noble engine is what runs where WebAssembly cannot.
const WASM_SHA256 = SHA256_ENGINES.current;
if (WASM_SHA256.implementation !== 'wasm') throw new Error('Node did not load the wasm SHA-256');

// 16 MiB of random bytes, fed again and again: enough to defeat caches, small enough to hold beside the parts.
const POOL = new Uint8Array(16 * MiB);
for (let i = 0; i < POOL.length; i += 65_536) getRandomValues(POOL.subarray(i, i + 65_536));

/** The input as `chunkSize` views, `TOTAL_BYTES` in all. */
function chunks(chunkSize: number): Uint8Array[] {
  const list: Uint8Array[] = [];
  for (let done = 0; done < TOTAL_BYTES; done += chunkSize) {
    const start = done % POOL.length;
    list.push(POOL.subarray(start, Math.min(start + chunkSize, POOL.length, start + TOTAL_BYTES - done)));
  }
  return list;
}

function sourceOf(list: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = list[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
}

type Contestant = { name: string; run: (list: Uint8Array[]) => Promise<string> | string };

const nobleRaw: Contestant = {
  name: 'noble sha256.create().update()',
  run(list) {
    const hash = sha256.create();
    for (const chunk of list) hash.update(chunk);
    return Buffer.from(hash.digest()).toString('hex');
  },
};

function resumable(engine: HashEngine): Contestant {
  return {
    name: `ResumableSha256 (${engine.implementation})`,
    run(list) {
      SHA256_ENGINES.set(engine);
      const hash = new ResumableSha256();
      SHA256_ENGINES.set(WASM_SHA256);
      for (const chunk of list) hash.update(chunk);
      return hash.digestHex();
    },
  };
}

const wasmResumable = resumable(WASM_SHA256);

const contestants = (partSize: number): Contestant[] => [
  nobleRaw,
  wasmResumable,
  resumable(NOBLE_SHA256),
  {
    name: `createLayerChunker (partSize ${(partSize / MiB).toFixed(2)} MiB)`,
    async run(list) {
      const chunker = createLayerChunker({ partSize });
      const reader = sourceOf(list).pipeThrough(chunker).getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.bytes.length;
      }
      const { digest, size } = await chunker.summary;
      const total = list.reduce((sum, chunk) => sum + chunk.length, 0);
      if (size !== total || bytes !== total)
        throw new Error(`chunker saw ${bytes}/${size} of ${total} bytes`);
      return digest.slice('sha256:'.length);
    },
  },
  {
    name: 'node:crypto createHash',
    run(list) {
      const hash = createHash('sha256');
      for (const chunk of list) hash.update(chunk);
      return hash.digest('hex');
    },
  },
];

type Timing = { wall: number; cpu: number; hex: string };

/** Wall-clock and CPU seconds (this process, all threads, so GC helpers count) of one run. */
async function time(contestant: Contestant, list: Uint8Array[]): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const hex = await contestant.run(list);
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, hex };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function scenario(chunkSize: number, partSize: number): Promise<number> {
  const list = chunks(chunkSize);
  const field = contestants(partSize);
  const chunker = field[3] as Contestant;
  console.log(
    `\n${TOTAL_BYTES / MiB} MiB in ${chunkSize >= MiB ? `${chunkSize / MiB} MiB` : `${chunkSize / 1024} KiB`} chunks, ` +
      `${ROUNDS} rounds, Node ${process.version}`,
  );
  // Warm-up: every contestant twice over a slice, so the JIT has settled before anything is timed.
  const warm = list.slice(0, Math.ceil((32 * MiB) / chunkSize));
  for (let i = 0; i < 2; i++) for (const contestant of field) await time(contestant, warm);

  const expected = createHash('sha256');
  for (const chunk of list) expected.update(chunk);
  const expectedHex = expected.digest('hex');

  const timings = new Map<Contestant, Timing[]>(field.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotating the order spreads any drift of the machine over every contestant.
    for (let i = 0; i < field.length; i++) {
      const contestant = field[(i + round) % field.length] as Contestant;
      const timing = await time(contestant, list);
      if (timing.hex !== expectedHex) throw new Error(`${contestant.name}: digest differs from node:crypto`);
      timings.get(contestant)?.push(timing);
      if (process.env.BENCH_VERBOSE) {
        console.log(
          `    round ${round} ${contestant.name}: ${timing.wall.toFixed(3)} s, cpu ${timing.cpu.toFixed(3)} s`,
        );
      }
    }
  }
  const of = (c: Contestant): Timing[] => timings.get(c) ?? [];
  const mbs = (c: Contestant): number => TOTAL_BYTES / 1e6 / median(of(c).map((t) => t.wall));
  // On a shared machine a neighbour's burst slows whole rounds; the ratio of the two runs in the same round
  // cancels most of it, so ratios are medians of per-round ratios (noble's time / the contestant's).
  const ratio = (c: Contestant, key: 'wall' | 'cpu', base = nobleRaw): number =>
    median(of(c).map((t, round) => (of(base)[round]?.[key] ?? Number.NaN) / t[key]));

  console.log(`  ${'contestant'.padEnd(44)} ${'MB/s'.padStart(6)}   ratio to noble (wall, cpu)`);
  for (const contestant of field) {
    console.log(
      `  ${contestant.name.padEnd(44)} ${mbs(contestant).toFixed(0).padStart(6)}   ` +
        `${ratio(contestant, 'wall').toFixed(3)}x  ${ratio(contestant, 'cpu').toFixed(3)}x`,
    );
  }
  const chunkerRatio = ratio(chunker, 'wall', wasmResumable);
  console.log(
    `  chunker / its hasher alone = ${chunkerRatio.toFixed(3)} (target >= ${TARGET_RATIO}): ` +
      (chunkerRatio >= TARGET_RATIO ? 'meets the target' : 'BELOW THE TARGET'),
  );
  return chunkerRatio;
}

/**
 * SHA-512 in 64 KiB chunks: the wasm ResumableSha512 against noble's sha512 (the ratio that matters where wasm
 * runs) and against the wasm SHA-256 on the same bytes, and an OCI upload's work, both digests in one pass,
 * against an ECR upload's, SHA-256 alone.
 */
async function sha512Scenario(): Promise<void> {
  const list = chunks(64 * 1024);
  if (ResumableSha512.implementation !== 'wasm') throw new Error('Node did not load the wasm SHA-512');
  const node = (algorithm: string) => {
    const hash = createHash(algorithm);
    for (const chunk of list) hash.update(chunk);
    return hash.digest('hex');
  };
  const expected: Record<string, string> = { sha256: node('sha256'), sha512: node('sha512') };
  expected.both = `${expected.sha256}:${expected.sha512}`;
  const field: (Contestant & { answers: string })[] = [
    { ...wasmResumable, answers: 'sha256' },
    {
      name: 'ResumableSha512 (wasm)',
      answers: 'sha512',
      run(input) {
        const hash = new ResumableSha512();
        for (const chunk of input) hash.update(chunk);
        return hash.digestHex();
      },
    },
    {
      name: 'noble sha512.create().update()',
      answers: 'sha512',
      run(input) {
        const hash = sha512.create();
        for (const chunk of input) hash.update(chunk);
        return Buffer.from(hash.digest()).toString('hex');
      },
    },
    {
      name: 'SHA-256 + SHA-512 (wasm, one pass)',
      answers: 'both',
      run(input) {
        const [a, b] = [new ResumableSha256(), new ResumableSha512()];
        for (const chunk of input) {
          a.update(chunk);
          b.update(chunk);
        }
        return `${a.digestHex()}:${b.digestHex()}`;
      },
    },
  ];
  console.log(`
SHA-512: ${TOTAL_BYTES / MiB} MiB in 64 KiB chunks, ${ROUNDS} rounds, Node ${process.version}`);
  const warm = list.slice(0, 512);
  for (let i = 0; i < 2; i++) for (const contestant of field) await time(contestant, warm);
  const walls = new Map<Contestant, number[]>(field.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < field.length; i++) {
      const contestant = field[(i + round) % field.length] as Contestant & { answers: string };
      const timing = await time(contestant, list);
      if (timing.hex !== expected[contestant.answers]) throw new Error(`${contestant.name}: wrong digest`);
      walls.get(contestant)?.push(timing.wall);
    }
  }
  const of = (c: Contestant): number[] => walls.get(c) ?? [];
  const ratio = (c: Contestant, base: Contestant): number =>
    median(of(c).map((wall, round) => (of(base)[round] ?? Number.NaN) / wall));
  const [wasm256, wasm512, noble512, dual] = [0, 1, 2, 3].map((i) => field[i] as Contestant) as [
    Contestant,
    Contestant,
    Contestant,
    Contestant,
  ];
  for (const contestant of field) {
    const mbs = TOTAL_BYTES / 1e6 / median(of(contestant));
    console.log(`  ${contestant.name.padEnd(44)} ${mbs.toFixed(0).padStart(6)} MB/s`);
  }
  console.log(
    `  wasm SHA-512 / noble sha512 = ${ratio(wasm512, noble512).toFixed(2)}x; ` +
      `wasm SHA-512 speed / wasm SHA-256 speed = ${ratio(wasm512, wasm256).toFixed(2)}; ` +
      `both in one pass / SHA-256 alone = ${ratio(dual, wasm256).toFixed(2)}`,
  );
}

const ratios: number[] = [];
// File.stream() and fetch bodies deliver 64 KiB-ish chunks: every part straddles chunks and is copied once.
ratios.push(await scenario(64 * 1024, MIN_LAYER_PART_BYTES));
// Large chunks holding whole parts: parts are views, no copy.
ratios.push(await scenario(8 * MiB, MIN_LAYER_PART_BYTES));
console.log(`\nworst chunker / hasher ratio: ${Math.min(...ratios).toFixed(3)}`);
await sha512Scenario();
await benchWorkerd(
  Number(process.env.BENCH_WORKERD_MIB ?? 256),
  Number(process.env.BENCH_WORKERD_ROUNDS ?? 5),
);
