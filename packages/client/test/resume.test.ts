import { ResumableSha256 } from '@edgecr/chunker';
import { describe, expect, it } from 'vitest';
import { planResume, planResync, startCheckpoint, type UploadRecord } from '../src/index.ts';

const file = { name: 'layer.tar', size: 30_000, lastModified: 1_700_000_000_000 };
const stateAt = (length: number) => new ResumableSha256().update(new Uint8Array(length)).save();

function record(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    key: 'k',
    endpoint: 'http://127.0.0.1:8787/',
    registryId: '',
    repositoryName: 'app',
    uploadId: 'u-1',
    partSize: 10_000,
    fingerprint: { ...file, headBytes: 10_000, headSha256: 'aa' },
    offset: 20_000,
    hashState: stateAt(20_000),
    updatedAt: 1,
    ...overrides,
  };
}

describe('planResume', () => {
  it('starts fresh without a record', () => {
    expect(planResume(undefined, file, undefined)).toEqual({ action: 'fresh', reason: 'no-record' });
  });

  it('resumes at the saved offset from the saved state when everything matches', () => {
    const saved = record();
    expect(planResume(saved, file, 'aa')).toEqual({
      action: 'resume',
      uploadId: 'u-1',
      partSize: 10_000,
      offset: 20_000,
      from: { offset: 20_000, hashState: saved.hashState },
    });
  });

  it('treats a file with other head bytes, name, size or time as another file', () => {
    expect(planResume(record(), file, 'bb')).toMatchObject({ action: 'fresh', reason: 'file-changed' });
    expect(planResume(record(), file, undefined)).toMatchObject({ reason: 'file-changed' });
    expect(planResume(record(), { ...file, lastModified: 2 }, 'aa')).toMatchObject({
      reason: 'file-changed',
    });
    expect(planResume(record(), { ...file, size: 31_000 }, 'aa')).toMatchObject({ reason: 'file-changed' });
    expect(planResume(record(), { ...file, name: 'other.tar' }, 'aa')).toMatchObject({
      reason: 'file-changed',
    });
  });

  it('refuses a record it cannot trust', () => {
    expect(planResume(record({ offset: 40_000 }), file, 'aa')).toMatchObject({ reason: 'bad-record' });
    expect(planResume(record({ offset: -1 }), file, 'aa')).toMatchObject({ reason: 'bad-record' });
    expect(planResume(record({ partSize: 0 }), file, 'aa')).toMatchObject({ reason: 'bad-record' });
  });

  it('re-hashes from the saved state when it is behind the offset, from the start when it is invalid or ahead', () => {
    const behind = stateAt(10_000);
    expect(planResume(record({ hashState: behind }), file, 'aa')).toMatchObject({
      action: 'resume',
      offset: 20_000,
      from: { offset: 10_000, hashState: behind },
    });
    expect(planResume(record({ hashState: stateAt(25_000) }), file, 'aa')).toMatchObject({
      from: startCheckpoint(),
    });
    const broken = { v: 1, h: [1], length: 20_000, tail: '' } as unknown as UploadRecord['hashState'];
    expect(planResume(record({ hashState: broken }), file, 'aa')).toMatchObject({ from: startCheckpoint() });
  });
});

describe('planResync', () => {
  const checkpoints = [10, 20, 30].map((offset) => ({ offset, hashState: stateAt(offset) }));

  it('goes on at lastValidByteReceived + 1 from the nearest checkpoint at or before it', () => {
    expect(planResync(19, 100, checkpoints)).toEqual({ action: 'resync', offset: 20, from: checkpoints[1] });
    expect(planResync(24, 100, checkpoints)).toEqual({ action: 'resync', offset: 25, from: checkpoints[1] });
    expect(planResync(99, 100, checkpoints)).toEqual({ action: 'resync', offset: 100, from: checkpoints[2] });
  });

  it('starts from byte 0 when the endpoint has nothing (-1)', () => {
    expect(planResync(-1, 100, checkpoints)).toEqual({
      action: 'resync',
      offset: 0,
      from: startCheckpoint(),
    });
    expect(planResync(5, 100, checkpoints)).toEqual({ action: 'resync', offset: 6, from: startCheckpoint() });
  });

  it('gives up on an answer that makes no sense', () => {
    expect(planResync(undefined, 100, checkpoints)).toMatchObject({ action: 'fail' });
    expect(planResync('12', 100, checkpoints)).toMatchObject({ action: 'fail' });
    expect(planResync(100, 100, checkpoints)).toMatchObject({ action: 'fail' });
    expect(planResync(-2, 100, checkpoints)).toMatchObject({ action: 'fail' });
  });
});
