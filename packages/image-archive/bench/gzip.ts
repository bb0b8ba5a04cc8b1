/// <reference types="node" />
// Should uncompressed `docker save` layers be pushed as they are, or gzip-compressed on the fly with
// CompressionStream? Measures, on a real uncompressed layer (a tar of this machine's /usr, or BENCH_LAYER):
// CompressionStream('gzip') throughput and ratio in Node and in Chromium, whether its output is the same for
// the same input (across chunkings, runs and the two runtimes: a resumed upload needs the same digest), and
// the link speed below which compressing saves time. `pnpm bench` (Node 24 runs this file directly).
//
//   BENCH_MIB=128 BENCH_LAYER=/path/to/layer.tar pnpm bench
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@edgecr/testkit/chromium';
import { chromium } from 'playwright-core';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 128) * MiB;

function layerBytes(): Uint8Array<ArrayBuffer> {
  if (process.env.BENCH_LAYER) return new Uint8Array(readFileSync(process.env.BENCH_LAYER)).subarray(0, SIZE);
  // The first SIZE bytes of a tar of /usr: binaries, libraries and text, like a base image layer.
  const tar = execFileSync('sh', ['-c', `tar -cf - /usr 2>/dev/null | head -c ${SIZE}`], {
    maxBuffer: SIZE + MiB,
  });
  return new Uint8Array(tar);
}

async function gzipInNode(
  input: Uint8Array<ArrayBuffer>,
  chunk: number,
): Promise<{ seconds: number; cpuSeconds: number; out: Buffer }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let at = 0;
  const source = new ReadableStream<BufferSource>({
    pull(controller) {
      if (at >= input.length) return controller.close();
      controller.enqueue(input.subarray(at, at + chunk));
      at += chunk;
    },
  });
  const out = Buffer.from(
    await new Response(source.pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
  );
  const { user, system } = process.cpuUsage(cpu);
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: (user + system) / 1e6, out };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const mbps = (bytes: number, seconds: number) => (bytes / 1e6 / seconds).toFixed(0);

/** Compresses the same bytes in Chromium (fetched from a loopback server), twice; returns time and digest. */
async function gzipInChromium(
  input: Uint8Array,
): Promise<{ seconds: number[]; digests: string[]; size: number }> {
  const server = createServer((req, res) =>
    req.url === '/layer' ? res.end(input) : res.setHeader('content-type', 'text/html').end('<!doctype html>'),
  ).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    return await page.evaluate(async (href) => {
      const blob = await (await fetch(`${href}layer`)).blob();
      const seconds: number[] = [];
      const digests: string[] = [];
      let size = 0;
      for (let round = 0; round < 2; round++) {
        const start = performance.now();
        const out = await new Response(
          blob.stream().pipeThrough(new CompressionStream('gzip')),
        ).arrayBuffer();
        seconds.push((performance.now() - start) / 1000);
        const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', out));
        digests.push(Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''));
        size = out.byteLength;
      }
      return { seconds, digests, size };
    }, url);
  } finally {
    await browser.close();
    server.close();
  }
}

const input = layerBytes();
console.log(`input: ${(input.length / MiB).toFixed(0)} MiB of ${process.env.BENCH_LAYER ?? 'tar -c /usr'}`);

const a = await gzipInNode(input, MiB);
const b = await gzipInNode(input, 64 * 1024 + 7);
const ratio = a.out.length / input.length;
console.log(
  `Node ${process.version}: ${mbps(input.length, a.seconds)} MB/s (1 MiB chunks), ${mbps(input.length, b.seconds)} MB/s (64 KiB+7 chunks); output ${(ratio * 100).toFixed(1)}% of input`,
);
// The machine is shared: CPU time (zlib runs on libuv's pool, counted in process.cpuUsage) shows what one free
// core would do.
console.log(`Node: ${mbps(input.length, a.cpuSeconds)} MB/s of CPU time (what one idle core would give)`);
console.log(`Node: same output for both chunkings: ${sha256(a.out) === sha256(b.out)}`);

const c = await gzipInChromium(input);
console.log(
  `Chromium: ${c.seconds.map((s) => `${mbps(input.length, s)} MB/s`).join(', ')}; output ${c.size} bytes`,
);
console.log(
  `Chromium: same output in both runs: ${c.digests[0] === c.digests[1]}; equals Node's: ${c.digests[0] === sha256(a.out)}`,
);

const speed = Math.min(input.length / a.seconds, ...c.seconds.map((s) => input.length / s));
// Pipelined (compress while the previous part uploads), gzip wins only while the link is slower than the
// compressor; it then takes ratio x the upload time. Sequential, it wins below speed x (1 - ratio).
console.log(
  `gzip saves time on links slower than ${mbps(speed, 1)} MB/s pipelined, ${mbps(speed * (1 - ratio), 1)} MB/s if not`,
);
for (const link of [2.5, 12.5, 125]) {
  const plain = input.length / 1e6 / link;
  const zipped = Math.max(input.length / speed, (input.length * ratio) / 1e6 / link);
  console.log(
    `  at ${link} MB/s: ${plain.toFixed(1)} s as is, ${zipped.toFixed(1)} s gzip-compressed (pipelined)`,
  );
}
