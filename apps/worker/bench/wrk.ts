// wrk (Debian's package), installed by the benchmark when missing: request rate and latency percentiles of GETs
// under a fixed number of connections. wrk's HEAD waits for a body a HEAD answer never has, so only GETs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const BINARY = '/usr/bin/wrk';

/** Installs Debian's `wrk` when the binary is missing (as root, or through sudo). */
function ensureInstalled(): void {
  if (existsSync(BINARY)) return;
  console.log('Installing wrk (apt package wrk)…');
  const apt = ['apt-get', 'install', '-y', '--no-install-recommends', 'wrk'];
  const [command, ...args] = process.getuid?.() === 0 ? apt : ['sudo', '-n', ...apt];
  execFileSync(command as string, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** What one wrk run measured: requests per second, latency percentiles in ms, and non-2xx/3xx or socket errors. */
export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** `12.5ms`, `1.2s`, `800us` in milliseconds. */
function ms(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value);
  if (!match) throw new Error(`wrk printed an unknown duration ${value}`);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(match[1]) * scale;
}

/** Runs wrk (2 threads, `connections`, `seconds`) against `url` with `headers`; fails if wrk does. */
export function wrk(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<WrkResult> {
  ensureInstalled();
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
    '-H',
    `${name}: ${value}`,
  ]);
  // wrk's default timeout (2 s) would count a slow answer on a busy machine as an error and cap p99 at 2 s.
  const args = ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '--latency'];
  args.push(...headerArgs, url);
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.once('error', reject);
    child.once('close', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
      const p50 = /^\s+50%\s+(\S+)/m.exec(out)?.[1];
      const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1];
      if (code !== 0 || !rps || !p50 || !p99) {
        reject(new Error(`wrk ${args.join(' ')} exited with ${code}:\n${out}`));
        return;
      }
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
      resolve({ rps: Number(rps), p50: ms(p50), p99: ms(p99), errors: non2xx + socketErrors });
    });
  });
}
