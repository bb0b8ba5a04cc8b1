import { testLayerBytes } from '@edgecr/chunker/testing';
import { EcrError, MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  blobSource,
  type Connectivity,
  LayerPush,
  type LayerPushOptions,
  type LayerSource,
  type LayerStatus,
  MemoryStateStore,
  NetworkError,
  startCheckpoint,
} from '../src/index.ts';
import { InProcessEcr, sha256 } from './_inProcessEcr.ts';

const PART = 5 * MiB;
const SIZE = 2 * PART + 12_345; // three parts, the last one short
const scope = { endpoint: 'http://fake.test/', registryId: '' };

function setup() {
  const ecr = new InProcessEcr();
  const store = new MemoryStateStore();
  const delays: number[] = [];
  const sleep = async (ms: number, signal: AbortSignal) => {
    delays.push(ms);
    signal.throwIfAborted();
  };
  const make = (bytes: Uint8Array, extra: Partial<LayerPushOptions> = {}) =>
    new LayerPush({
      source: blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
        name: 'layer.tar',
        lastModified: 1_000,
      }),
      repositoryName: 'app',
      api: ecr,
      scope,
      store,
      sleep,
      random: () => 0,
      ...extra,
    });
  return { ecr, store, delays, make };
}

/** Every status a layer goes through, in order, without repeats. */
function statuses(upload: LayerPush): LayerStatus[] {
  const seen: LayerStatus[] = [upload.snapshot.status];
  upload.subscribe((s) => {
    if (seen.at(-1) !== s.status) seen.push(s.status);
  });
  return seen;
}

const digestOf = (bytes: Uint8Array) => `sha256:${sha256(bytes)}`;

describe('LayerPush: the happy path', () => {
  it('uploads a layer in parts, completes it with the digest hashed on the way, and links it', async () => {
    const { ecr, store, make } = setup();
    const bytes = testLayerBytes(SIZE);
    const upload = make(bytes);
    const seen = statuses(upload);
    const result = await upload.start();
    expect(result.status).toBe('done');
    expect(result.result).toEqual({
      outcome: 'uploaded',
      digest: digestOf(bytes),
      size: SIZE,
      downloadUrl: expect.stringMatching(
        new RegExp(
          `^http://ecr\\.test/layers/123456789012/app/${digestOf(bytes)}\\?expires=\\d+&signature=[0-9a-f]{64}$`,
        ),
      ),
    });
    expect(result.bytesUploaded).toBe(SIZE);
    expect(ecr.partStarts()).toEqual([0, PART, 2 * PART]);
    // Compared by digest: a deep equality of megabytes is slow in expect.
    expect(sha256((await ecr.layer('app', digestOf(bytes))) ?? new Uint8Array())).toBe(sha256(bytes));
    expect(seen).toEqual(['queued', 'checking', 'uploading', 'completing', 'done']);
    expect(await store.list()).toEqual([]);
  });

  it('asks for no download URL when told not to, one call fewer', async () => {
    const { ecr, make } = setup();
    const bytes = testLayerBytes(SIZE);
    const linked = await make(bytes).start();
    expect(linked.result?.downloadUrl).toBeDefined();
    expect(ecr.count('GetDownloadUrlForLayer')).toBe(1);
    const plain = await make(testLayerBytes(SIZE, 2), { downloadUrl: false }).start();
    expect(plain.status).toBe('done');
    expect(plain.result).not.toHaveProperty('downloadUrl');
    expect(ecr.count('GetDownloadUrlForLayer')).toBe(1);
  });

  it('saves the offset, hash state and fingerprint after every acknowledged part', async () => {
    const { ecr, store, make } = setup();
    const bytes = testLayerBytes(SIZE);
    const saved: { offset: number; length: number; head: string; headBytes: number }[] = [];
    const put = store.put.bind(store);
    store.put = async (record) => {
      saved.push({
        offset: record.offset,
        length: record.hashState.length,
        head: record.fingerprint.headSha256,
        headBytes: record.fingerprint.headBytes,
      });
      await put(record);
    };
    await make(bytes).start();
    const head = sha256(bytes.subarray(0, PART));
    expect(saved).toEqual([
      { offset: PART, length: PART, head, headBytes: PART },
      { offset: 2 * PART, length: 2 * PART, head, headBytes: PART },
      { offset: SIZE, length: SIZE, head, headBytes: PART },
    ]);
    expect(ecr.count('CompleteLayerUpload')).toBe(1);
  });

  it('refuses an empty file before any request', async () => {
    const { ecr, make } = setup();
    const result = await make(new Uint8Array(0)).start();
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'file', code: 'EmptyFile' });
    expect(ecr.calls).toEqual([]);
  });

  it('fails clearly when the file turns out shorter than its size (changed on disk)', async () => {
    const { make } = setup();
    const bytes = testLayerBytes(SIZE);
    const upload = make(bytes, {
      source: {
        name: 'layer.tar',
        size: SIZE,
        lastModified: 1,
        stream: (start) => new Blob([bytes.subarray(start, PART + 10) as Uint8Array<ArrayBuffer>]).stream(),
      } satisfies LayerSource,
    });
    const result = await upload.start();
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'file', code: 'FileChanged' });
  });
});

describe('LayerPush: retries', () => {
  it('retries network failures, 5xx and throttling with the policy delays, then goes on', async () => {
    const { ecr, delays, make } = setup();
    ecr.fail('UploadLayerPart', () => new NetworkError('connection reset'), 1, { at: PART });
    ecr.fail('UploadLayerPart', () => new EcrError('ServerException', 'boom'), 1, { at: PART });
    ecr.fail('UploadLayerPart', () => new EcrError('ThrottlingException', 'slow down'), 1, { at: PART });
    ecr.fail('CompleteLayerUpload', () => new EcrError('UnknownError', 'bad gateway', { status: 502 }));
    const upload = make(testLayerBytes(SIZE));
    const seen = statuses(upload);
    const result = await upload.start();
    expect(result.status).toBe('done');
    // The retry count starts again after each success: the completion's first retry waits 0 ms again.
    expect(delays).toEqual([0, 1_000, 3_000, 0]);
    expect(ecr.partStarts()).toEqual([0, PART, PART, PART, PART, 2 * PART]);
    expect(seen).toContain('retrying');
  });

  it('adds jitter to the delays', async () => {
    const { ecr, delays, make } = setup();
    ecr.fail('InitiateLayerUpload', () => new NetworkError('reset'), 2);
    await make(testLayerBytes(SIZE), { random: () => 0.5 }).start();
    expect(delays).toEqual([0, 1_100]);
  });

  it('does not retry other 4xx: a missing repository fails at once, in words', async () => {
    const { ecr, make } = setup();
    const result = await make(testLayerBytes(SIZE), { repositoryName: 'missing' }).start();
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ kind: 'repository-missing', code: 'RepositoryNotFoundException' });
    expect(ecr.count('InitiateLayerUpload')).toBe(1);
  });

  it('does not retry refused credentials', async () => {
    const { ecr, delays, make } = setup();
    ecr.fail('InitiateLayerUpload', () => new EcrError('InvalidSignatureException', 'signature mismatch'));
    const result = await make(testLayerBytes(SIZE)).start();
    expect(result.error).toMatchObject({
      kind: 'credentials',
      code: 'InvalidSignatureException',
      status: 403,
    });
    expect(delays).toEqual([]);
  });

  it('fails when the retries run out, and resume goes on from the acknowledged parts', async () => {
    const { ecr, delays, make } = setup();
    const bytes = testLayerBytes(SIZE);
    ecr.fail('UploadLayerPart', () => new NetworkError('down'), 7, { at: PART });
    const upload = make(bytes);
    const failed = await upload.start();
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ kind: 'network', code: 'NetworkError' });
    expect(failed.bytesUploaded).toBe(PART);
    expect(delays).toEqual([0, 1_000, 3_000, 5_000, 10_000, 20_000]);
    const done = await upload.resume();
    expect(done.status).toBe('done');
    expect(done.result?.digest).toBe(digestOf(bytes));
    expect(ecr.partStarts().at(-2)).toBe(PART);
  });

  it('waits while offline without spending retries', async () => {
    const { ecr, delays, make } = setup();
    let online = true;
    let wake: () => void = () => {};
    const connectivity: Connectivity = {
      isOnline: () => online,
      waitUntilOnline: () =>
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
    };
    ecr.fail(
      'UploadLayerPart',
      () => {
        online = false;
        setTimeout(() => {
          online = true;
          wake();
        }, 20);
        return new NetworkError('the cable is out');
      },
      1,
      { at: PART },
    );
    const upload = make(testLayerBytes(SIZE), { connectivity });
    const seen = statuses(upload);
    const result = await upload.start();
    expect(result.status).toBe('done');
    expect(seen).toContain('offline');
    expect(seen).not.toContain('retrying');
    expect(delays).toEqual([]);
  });
});

describe('LayerPush: pause, resume, cancel', () => {
  it('pauses in the middle of a part and resumes from the last acknowledged part', async () => {
    const { ecr, store, make } = setup();
    const bytes = testLayerBytes(SIZE);
    const upload = make(bytes);
    let paused = false;
    ecr.onPart = (input) => {
      if (input.partFirstByte === PART && !paused) {
        paused = true;
        upload.pause();
      }
    };
    const first = await upload.start();
    expect(first.status).toBe('paused');
    expect(first.bytesUploaded).toBe(PART);
    expect((await store.list())[0]?.offset).toBe(PART);
    const done = await upload.resume();
    expect(done.status).toBe('done');
    expect(done.result?.digest).toBe(digestOf(bytes));
    expect(ecr.partStarts()).toEqual([0, PART, 2 * PART]);
    expect(done.rehashedBytes).toBe(0);
  });

  it('cancels and forgets the saved progress', async () => {
    const { ecr, store, make } = setup();
    const upload = make(testLayerBytes(SIZE));
    ecr.onPart = (input) => {
      if (input.partFirstByte === PART) void upload.cancel();
    };
    const result = await upload.start();
    expect(result.status).toBe('cancelled');
    await upload.cancel();
    expect(await store.list()).toEqual([]);
    expect(ecr.count('CompleteLayerUpload')).toBe(0);
  });
});

describe('LayerPush: resume after a reload', () => {
  /** Uploads the first two parts, then leaves as a closed tab would. */
  async function interrupted(setupResult: ReturnType<typeof setup>, bytes: Uint8Array) {
    const { ecr, make } = setupResult;
    const first = make(bytes);
    ecr.onPart = (input) => {
      if (input.partFirstByte === 2 * PART) first.pause();
    };
    expect((await first.start()).status).toBe('paused');
    ecr.onPart = undefined;
    ecr.calls.length = 0;
  }

  it('continues at the saved offset without re-reading the bytes before it', async () => {
    const context = setup();
    const bytes = testLayerBytes(SIZE);
    await interrupted(context, bytes);
    const again = context.make(bytes);
    const result = await again.start();
    expect(result).toMatchObject({ status: 'done', resumedFrom: 2 * PART, rehashedBytes: 0 });
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(context.ecr.partStarts()).toEqual([2 * PART]);
    expect(context.ecr.count('InitiateLayerUpload')).toBe(0);
  });

  it('goes back to lastValidByteReceived when the endpoint holds less than was saved', async () => {
    const context = setup();
    const bytes = testLayerBytes(SIZE);
    await interrupted(context, bytes);
    const [uploadId] = await context.ecr.openUploads();
    await context.ecr.truncate(uploadId as string, PART);
    const result = await context.make(bytes).start();
    expect(result.status).toBe('done');
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(context.ecr.partStarts()).toEqual([2 * PART, PART, 2 * PART]);
    // Only the bytes before the endpoint's offset that no saved state covered were hashed again.
    expect(result.rehashedBytes).toBe(PART);
  });

  it('moves forward to lastValidByteReceived when the endpoint holds more than was saved', async () => {
    const context = setup();
    const bytes = testLayerBytes(SIZE);
    await interrupted(context, bytes);
    const record = (await context.store.list())[0];
    if (!record) throw new Error('no record');
    // A record written before the last two acknowledgements, whose answers were lost with the tab.
    await context.store.put({ ...record, offset: 0, hashState: startCheckpoint().hashState });
    const result = await context.make(bytes).start();
    expect(result.status).toBe('done');
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(context.ecr.partStarts()).toEqual([0, 2 * PART]);
    expect(result.rehashedBytes).toBe(2 * PART);
  });

  it('re-hashes the prefix only when the saved hash state does not match the offset', async () => {
    const context = setup();
    const bytes = testLayerBytes(SIZE);
    await interrupted(context, bytes);
    const record = (await context.store.list())[0];
    if (!record) throw new Error('no record');
    await context.store.put({
      ...record,
      hashState: { v: 1, h: [1, 2, 3, 4, 5, 6, 7, 8], length: 3 * PART, tail: '' },
    });
    const result = await context.make(bytes).start();
    expect(result).toMatchObject({ status: 'done', resumedFrom: 2 * PART, rehashedBytes: 2 * PART });
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(context.ecr.partStarts()).toEqual([2 * PART]);
  });

  it('starts afresh when the file chosen again has other content', async () => {
    const context = setup();
    await interrupted(context, testLayerBytes(SIZE, 1));
    const other = testLayerBytes(SIZE, 2);
    const result = await context.make(other).start();
    expect(result.status).toBe('done');
    expect(result.resumedFrom).toBeUndefined();
    expect(result.result?.digest).toBe(digestOf(other));
    expect(context.ecr.partStarts()).toEqual([0, PART, 2 * PART]);
    expect(result.note).toMatch(/other content/);
  });

  it('starts over when the endpoint no longer has the upload', async () => {
    const context = setup();
    const bytes = testLayerBytes(SIZE);
    await interrupted(context, bytes);
    await context.ecr.expireUploads();
    const result = await context.make(bytes).start();
    expect(result.status).toBe('done');
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(context.ecr.partStarts()).toEqual([2 * PART, 0, PART, 2 * PART]);
    expect(result.note).toMatch(/no longer had the upload/);
  });
});

describe('LayerPush: what is there already', () => {
  it('hashes first and skips a layer the repository has, sending no byte', async () => {
    const { ecr, make } = setup();
    const bytes = testLayerBytes(SIZE);
    await make(bytes).start();
    ecr.calls.length = 0;
    const upload = make(bytes, { precheck: true });
    const seen = statuses(upload);
    const result = await upload.start();
    expect(result.result).toMatchObject({ outcome: 'already-present', digest: digestOf(bytes), size: SIZE });
    expect(result.bytesHashed).toBe(SIZE);
    expect(ecr.count('UploadLayerPart')).toBe(0);
    expect(ecr.count('InitiateLayerUpload')).toBe(0);
    expect(seen).toEqual(['queued', 'checking', 'hashing', 'checking', 'done']);
  });

  it('uploads after the pre-check when the repository lacks the layer', async () => {
    const { ecr, make } = setup();
    const bytes = testLayerBytes(SIZE);
    const result = await make(bytes, { precheck: true }).start();
    expect(result.result).toMatchObject({ outcome: 'uploaded', digest: digestOf(bytes) });
    expect(ecr.count('BatchCheckLayerAvailability')).toBe(1);
    expect(ecr.partStarts()).toEqual([0, PART, 2 * PART]);
  });

  it('reports LayerAlreadyExistsException at completion as already present, not a failure', async () => {
    const { make } = setup();
    const bytes = testLayerBytes(SIZE);
    await make(bytes).start();
    const result = await make(bytes).start();
    expect(result.status).toBe('done');
    expect(result.result?.outcome).toBe('already-present');
    expect(result.error).toBeUndefined();
  });

  it('finishes when a completion succeeded but its answer was lost', async () => {
    const { ecr, make } = setup();
    const bytes = testLayerBytes(SIZE);
    ecr.fail('CompleteLayerUpload', () => new NetworkError('reset after send'), 1, { afterEffect: true });
    const result = await make(bytes).start();
    expect(result.status).toBe('done');
    expect(result.result?.outcome).toBe('uploaded');
    expect(ecr.count('CompleteLayerUpload')).toBe(2);
    expect(ecr.count('UploadLayerPart')).toBe(3);
  });

  it('accepts a part sent again after its answer was lost', async () => {
    const { ecr, make } = setup();
    const bytes = testLayerBytes(SIZE);
    ecr.fail('UploadLayerPart', () => new NetworkError('reset after send'), 1, {
      at: PART,
      afterEffect: true,
    });
    const result = await make(bytes).start();
    expect(result.result?.digest).toBe(digestOf(bytes));
    expect(ecr.partStarts()).toEqual([0, PART, PART, 2 * PART]);
  });
});
