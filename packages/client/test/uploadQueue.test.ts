import { testLayerBytes } from '@edgecr/chunker/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { blobSource, MemoryStateStore, UploadQueue } from '../src/index.ts';
import { InProcessEcr } from './_inProcessEcr.ts';

const scope = { endpoint: 'http://fake.test/', registryId: '' };
const source = (name: string, size: number, seed: number) =>
  blobSource(new Blob([testLayerBytes(size, seed) as Uint8Array<ArrayBuffer>]), { name, lastModified: 1 });

describe('UploadQueue', () => {
  it('runs `concurrency` layers at a time, in order, and adds up their bytes', async () => {
    const ecr = new InProcessEcr();
    const queue = new UploadQueue({ api: ecr, scope, store: new MemoryStateStore(), concurrency: 1 });
    let most = 0;
    queue.subscribe((snapshot) => {
      most = Math.max(most, snapshot.active);
    });
    const [a, b] = queue.add([source('a.tar', 6 * MiB, 1), source('b.tar', 3 * MiB, 2)], {
      repositoryName: 'app',
    });
    expect(queue.snapshot.layers.map((l) => l.status)).toEqual(['checking', 'queued']);
    const done = await queue.idle();
    expect(most).toBe(1);
    expect(done.layers.map((l) => l.status)).toEqual(['done', 'done']);
    expect(done).toMatchObject({ totalBytes: 9 * MiB, bytesUploaded: 9 * MiB, active: 0 });
    expect(a?.snapshot.result?.outcome).toBe('uploaded');
    expect(b?.snapshot.result?.outcome).toBe('uploaded');
  });

  it('pauses and resumes all, and a paused layer leaves its place to the next', async () => {
    const ecr = new InProcessEcr();
    const queue = new UploadQueue({ api: ecr, scope, concurrency: 1 });
    let paused = false;
    ecr.onPart = (input) => {
      if (input.partFirstByte === 5 * MiB && !paused) {
        paused = true;
        queue.pauseAll();
      }
    };
    const [first, second] = queue.add([source('a.tar', 11 * MiB, 1), source('b.tar', 1 * MiB, 2)], {
      repositoryName: 'app',
    });
    await first?.start();
    expect(queue.snapshot.layers.map((l) => l.status)).toEqual(['paused', 'paused']);
    queue.resume(second?.id as string);
    await queue.idle();
    expect(queue.snapshot.layers.map((l) => l.status)).toEqual(['paused', 'done']);
    queue.resumeAll();
    const done = await queue.idle();
    expect(done.layers.map((l) => l.status)).toEqual(['done', 'done']);
    expect(ecr.partStarts().filter((start) => start === 0)).toHaveLength(2);
  });

  it('does not add the same file twice while it is unfinished, and removes finished layers', async () => {
    const queue = new UploadQueue({ api: new InProcessEcr(), scope });
    const [first] = queue.add([source('a.tar', MiB, 1)], { repositoryName: 'app' });
    const [again] = queue.add([source('a.tar', MiB, 1)], { repositoryName: 'app' });
    expect(again).toBe(first);
    await queue.idle();
    queue.remove(first?.id as string);
    expect(queue.snapshot.layers).toEqual([]);
  });

  it('puts a paused layer back in line when its file is added again, and replaces a failed one', async () => {
    const ecr = new InProcessEcr();
    const store = new MemoryStateStore();
    const queue = new UploadQueue({ api: ecr, scope, store, sleep: async () => {} });
    const [first] = queue.add([source('a.tar', MiB, 1)], { repositoryName: 'app' });
    first?.pause();
    const [again] = queue.add([source('a.tar', MiB, 1)], { repositoryName: 'app' });
    expect(again).toBe(first);
    expect((await queue.idle()).layers.map((l) => l.status)).toEqual(['done']);

    await ecr.registry.catalog.deleteRepository('app');
    const [failing] = queue.add([source('b.tar', MiB, 2)], { repositoryName: 'app' });
    await queue.idle();
    expect(failing?.snapshot.status).toBe('failed');
    await ecr.registry.catalog.createRepository({ repositoryName: 'app' });
    const [replacement] = queue.add([source('b.tar', MiB, 2)], { repositoryName: 'app' });
    expect(replacement).not.toBe(failing);
    const done = await queue.idle();
    expect(done.layers.map((l) => [l.name, l.status])).toEqual([
      ['a.tar', 'done'],
      ['b.tar', 'done'],
    ]);
  });

  it('cancels all', async () => {
    const ecr = new InProcessEcr();
    const queue = new UploadQueue({ api: ecr, scope, concurrency: 1 });
    queue.add([source('a.tar', 6 * MiB, 1), source('b.tar', MiB, 2)], { repositoryName: 'app' });
    await queue.cancelAll();
    expect(queue.snapshot.layers.map((l) => l.status)).toEqual(['cancelled', 'cancelled']);
    expect(queue.snapshot.totalBytes).toBe(0);
    expect(ecr.count('CompleteLayerUpload')).toBe(0);
  });
});
