// What people are told: failures in words, progress figures and the aria-live announcements.

import {
  describeFailure,
  type LayerSnapshot,
  LayerSourceError,
  NetworkError,
  type QueueSnapshot,
  RateMeter,
} from '@edgecr/client';
import { EcrError } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { announce, createAnnouncer } from '../../src/ui/announce.ts';
import { formatBytes, formatDuration, formatSpeed } from '../../src/ui/format.ts';

describe('describeFailure', () => {
  it.each([
    [
      new EcrError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      'credentials',
    ],
    [new EcrError('InvalidSignatureException', 'Signature mismatch'), 'credentials'],
    [
      new EcrError('RepositoryNotFoundException', "The repository with name 'x' does not exist"),
      'repository-missing',
    ],
    [new EcrError('AccessDeniedException', 'not authorized'), 'permission'],
    [new NetworkError('POST http://127.0.0.1:8787/ failed: no response'), 'network'],
    [new EcrError('ThrottlingException', 'Rate exceeded'), 'throttled'],
    [new EcrError('UnknownError', 'HTTP 503', { status: 503 }), 'server'],
    [new EcrError('WeirdError', 'teapot', { status: 418 }), 'other'],
    [new LayerSourceError('empty', 'EmptyFile'), 'file'],
    [new DOMException('The requested file could not be read', 'NotReadableError'), 'file'],
  ])('%s is a %s problem, in words, with the code for detail', (error, kind) => {
    const failure = describeFailure(error);
    expect(failure.kind).toBe(kind);
    expect(failure.message).toMatch(/^[A-Z].+\.$/);
    expect(failure.code).not.toBe('');
    expect(failure.detail).not.toBe('');
  });

  it('keeps the ECR code and message', () => {
    expect(
      describeFailure(new EcrError('RepositoryNotFoundException', "The repository 'x' does not exist")),
    ).toEqual({
      kind: 'repository-missing',
      message: 'The repository does not exist (any more). Choose another one or create it.',
      code: 'RepositoryNotFoundException',
      detail: "The repository 'x' does not exist",
      status: 400,
    });
  });
});

describe('RateMeter', () => {
  it('measures over its window and estimates the time left', () => {
    const meter = new RateMeter(5_000);
    meter.sample(0, 0);
    meter.sample(1_000, 10e6);
    meter.sample(2_000, 20e6);
    expect(meter.rate(100e6)).toEqual({ bytesPerSecond: 10e6, etaSeconds: 8 });
    meter.sample(10_000, 30e6);
    // The samples older than the window are gone but one: 10 MB over 8 s.
    expect(meter.rate(100e6).bytesPerSecond).toBeCloseTo(1.25e6);
  });

  it('knows nothing until samples are far enough apart, and starts again when the count goes back', () => {
    const meter = new RateMeter();
    meter.sample(0, 0);
    expect(meter.rate(10)).toEqual({ bytesPerSecond: 0, etaSeconds: undefined });
    meter.sample(1_000, 100);
    meter.sample(1_500, 50);
    expect(meter.rate(10).bytesPerSecond).toBe(0);
  });
});

describe('format', () => {
  it('says sizes in binary units, speeds in MB/s, durations rounded', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(41_943_040)).toBe('40.0 MiB');
    expect(formatBytes(1_073_741_824)).toBe('1.0 GiB');
    expect(formatSpeed(25_100_000)).toBe('25.1 MB/s');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(7_300)).toBe('2 h 1 min');
  });
});

function layer(overrides: Partial<LayerSnapshot>): LayerSnapshot {
  return {
    id: 'l1',
    name: 'layer.tar',
    size: 100,
    repositoryName: 'app',
    status: 'uploading',
    bytesUploaded: 0,
    bytesAcknowledged: 0,
    bytesHashed: 0,
    bytesPerSecond: 0,
    etaSeconds: undefined,
    resumedFrom: undefined,
    rehashedBytes: 0,
    retry: undefined,
    result: undefined,
    error: undefined,
    note: undefined,
    ...overrides,
  };
}

const queue = (...layers: LayerSnapshot[]): QueueSnapshot => ({
  layers,
  totalBytes: 0,
  bytesUploaded: 0,
  bytesPerSecond: 0,
  etaSeconds: undefined,
  active: 1,
});

describe('announce', () => {
  it('says every change of status at once', () => {
    const state = createAnnouncer();
    expect(announce(state, queue(layer({})), 0)).toEqual(['layer.tar: uploading.']);
    expect(announce(state, queue(layer({ status: 'paused' })), 1)).toEqual(['layer.tar: paused.']);
    const done = layer({
      status: 'done',
      result: { outcome: 'already-present', digest: 'sha256:x', size: 100 },
    });
    expect(announce(state, queue(done), 2)).toEqual([
      'layer.tar: already in the repository; nothing to send.',
    ]);
  });

  it('says progress by tenths, no more often than every few seconds', () => {
    const state = createAnnouncer();
    announce(state, queue(layer({})), 0);
    expect(announce(state, queue(layer({ bytesUploaded: 5 })), 10_000)).toEqual([]);
    expect(announce(state, queue(layer({ bytesUploaded: 25, etaSeconds: 6 })), 10_000)).toEqual([
      'layer.tar: 20% uploaded, about 6 s left.',
    ]);
    expect(announce(state, queue(layer({ bytesUploaded: 35 })), 11_000)).toEqual([]);
    expect(announce(state, queue(layer({ bytesUploaded: 45 })), 14_000)).toEqual([
      'layer.tar: 40% uploaded.',
    ]);
  });

  it('explains a failure in words', () => {
    const state = createAnnouncer();
    const failed = layer({ status: 'failed', error: describeFailure(new NetworkError('x')) });
    expect(announce(state, queue(failed), 0)[0]).toMatch(/^layer\.tar failed: Could not reach the endpoint/);
  });
});
