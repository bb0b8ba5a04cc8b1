/// <reference types="node" />
// Base64 throughput on one 20 MiB layer part, as ratios to Node's native codec (Buffer) in the same run: the
// package's codec as this runtime gets it (encodeBase64/decodeBase64) and the table codec every runtime
// without `Uint8Array.fromBase64` uses. Measured here, not in a timed test: on a shared machine only same-run
// ratios mean anything. `pnpm bench` (Node 24 runs this file directly, stripping the types); BENCH_ROUNDS.
import { decodeWithTable, encodeWithTable } from '../src/base64-table.ts';
import { base64DecodedLength, decodeBase64, encodeBase64, MAX_LAYER_PART_BYTES } from '../src/index.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/**
 * The table codec must keep at least this share of the native codec's speed each way: within two orders of
 * magnitude, about a second for a 20 MiB part where the native codec takes ~12 ms.
 */
const TARGET_RATIO = 0.01;

const bytes = new Uint8Array(MAX_LAYER_PART_BYTES);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
const text = Buffer.from(bytes).toString('base64');

type Codec = { name: string; encode: (b: Uint8Array) => string; decode: (t: string) => Uint8Array };
const native: Codec = {
  name: 'Node Buffer (native)',
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64'),
  decode: (t) => Buffer.from(t, 'base64'),
};
const codecs: Codec[] = [
  native,
  { name: 'encodeBase64 / decodeBase64', encode: encodeBase64, decode: decodeBase64 },
  {
    name: 'table codec',
    encode: encodeWithTable,
    decode: (t) => decodeWithTable(t, base64DecodedLength(t)),
  },
];

function time(run: () => Uint8Array | string): number {
  const started = performance.now();
  const out = run();
  const ms = performance.now() - started;
  if (typeof out === 'string' ? out !== text : Buffer.compare(out, bytes) !== 0)
    throw new Error('codec differs');
  return ms;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
};

const times = new Map(codecs.map((c) => [c, { encode: [] as number[], decode: [] as number[] }]));
// One warm-up round, then rounds in rotating order so a neighbour's burst spreads over every codec.
for (let round = -1; round < ROUNDS; round++) {
  for (let i = 0; i < codecs.length; i++) {
    const codec = codecs[(i + Math.max(round, 0)) % codecs.length] as Codec;
    const encode = time(() => codec.encode(bytes));
    const decode = time(() => codec.decode(text));
    if (round >= 0) {
      times.get(codec)?.encode.push(encode);
      times.get(codec)?.decode.push(decode);
    }
  }
}
const of = (c: Codec) => times.get(c) as { encode: number[]; decode: number[] };
// Ratios are medians of per-round ratios (native's time / the codec's), which cancel most of the machine's drift.
const ratio = (c: Codec, way: 'encode' | 'decode') =>
  median(of(c)[way].map((ms, round) => (of(native)[way][round] as number) / ms));
const mbs = (ms: number) => (bytes.length / 1e6 / (ms / 1000)).toFixed(0);

console.log(
  `base64 of one ${MAX_LAYER_PART_BYTES / 2 ** 20} MiB part, ${ROUNDS} rounds, Node ${process.version}`,
);
console.log(
  `  ${'codec'.padEnd(30)} ${'encode MB/s'.padStart(12)} ${'decode MB/s'.padStart(12)}   ratio to native (enc, dec)`,
);
for (const codec of codecs) {
  console.log(
    `  ${codec.name.padEnd(30)} ${mbs(median(of(codec).encode)).padStart(12)} ${mbs(median(of(codec).decode)).padStart(12)}   ` +
      `${ratio(codec, 'encode').toFixed(3)}x  ${ratio(codec, 'decode').toFixed(3)}x`,
  );
}
const table = codecs[2] as Codec;
const worst = Math.min(ratio(table, 'encode'), ratio(table, 'decode'));
console.log(
  `table codec / native, worst way = ${worst.toFixed(3)} (target >= ${TARGET_RATIO}): ` +
    (worst >= TARGET_RATIO ? 'meets the target' : 'BELOW THE TARGET'),
);
