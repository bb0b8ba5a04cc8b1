/**
 * What a push shows while it runs: a progress bar (`cli-progress`) when stderr is a terminal, and otherwise
 * one plain line per event (a blob started, a part acknowledged, a blob done), for logs and scripts.
 * @module
 */
import type { BlobProgress, ImagePushProgress } from '@edgecr/client';
import { MiB } from '@edgecr/protocol';
import { Presets, SingleBar } from 'cli-progress';
import { count } from './format.ts';

/** Receives every progress event of a push; `stop` ends the bar before the summary is printed. */
export interface PushReporter {
  update(progress: ImagePushProgress): void;
  stop(): void;
}

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function short(digest: string): string {
  return digest.slice(0, 19);
}

/**
 * A reporter writing to `stream`: a bar if it is a TTY, lines otherwise.
 * @example
 * const reporter = pushReporter(process.stderr);
 */
export function pushReporter(stream: NodeJS.WriteStream): PushReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): PushReporter {
  const bar = new SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {done} of {total_h} | {speed} | {what}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = {
        done: mib(p.bytesDone),
        total_h: mib(p.totalBytes),
        speed: `${mib(p.bytesPerSecond)}/s`,
        what: p.phase === 'uploading' ? current(p.blobs) : p.phase,
      };
      if (!started) {
        bar.start(Math.max(1, p.totalBytes), p.bytesDone, payload);
        started = true;
      } else bar.update(p.bytesDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function current(blobs: readonly BlobProgress[]): string {
  const active = blobs.find((b) => b.status !== 'pending' && b.status !== 'present' && b.status !== 'done');
  return active ? `${active.kind} ${short(active.digest)}` : 'uploading';
}

function lineReporter(stream: NodeJS.WriteStream): PushReporter {
  const seen = new Map<string, string>();
  let phase = '';
  return {
    update(p) {
      if (p.phase !== phase) {
        phase = p.phase;
        if (phase === 'manifests') stream.write('putting manifests\n');
      }
      for (const b of p.blobs) {
        const line =
          b.status === 'present'
            ? `${b.kind} ${b.digest} already in the repository`
            : b.status === 'done'
              ? `${b.kind} ${b.digest} pushed (${count(b.size, 'byte')})`
              : b.bytesAcknowledged > 0 || b.resumedFrom !== undefined
                ? `${b.kind} ${b.digest} ${b.bytesAcknowledged}/${count(b.size, 'byte')} acknowledged${
                    b.resumedFrom ? ` (resumed at ${b.resumedFrom})` : ''
                  }`
                : undefined;
        if (line && seen.get(b.digest) !== line) {
          seen.set(b.digest, line);
          stream.write(`${line}\n`);
        }
      }
    },
    stop() {},
  };
}
