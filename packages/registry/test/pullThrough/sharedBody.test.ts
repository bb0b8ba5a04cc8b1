import { describe, expect, it } from 'vitest';
import {
  ReplayBudget,
  SharedBody,
  type SharedBodyLimits,
  type StoreVerdict,
} from '../../src/pullThrough/sharedBody.ts';

const limits = (): SharedBodyLimits => ({
  queueBytes: 4,
  replayBytes: 8,
  budget: new ReplayBudget(64),
  stallMs: 200,
});
const LIMITS = limits();

/** A source whose chunks the test pushes, counting how many the body asked for. */
function controlledSource() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const source = {
    pulls: 0,
    cancelled: false,
    push: (...bytes: number[]) => controller.enqueue(new Uint8Array(bytes)),
    end: () => controller.close(),
    fail: (error: Error) => controller.error(error),
    stream: new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          source.pulls += 1;
        },
        cancel: () => {
          source.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    ),
  };
  return source;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  const reader = stream.getReader();
  const bytes: number[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) bytes.push(...read.value);
  return bytes;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SharedBody', () => {
  it('hands every byte to the store and to clients, one joining late from the first byte', async () => {
    const source = controlledSource();
    const shared = new SharedBody(source.stream, LIMITS);
    const stored = readAll(shared.store);
    const first = shared.join() as ReadableStream<Uint8Array>;
    const firstBytes = readAll(first);
    const running = shared.run(stored.then(() => 'verified' as const));
    source.push(1, 2);
    source.push(3);
    await tick();
    const late = shared.join() as ReadableStream<Uint8Array>;
    expect(late).not.toBeNull();
    source.push(4);
    source.end();
    await running;
    expect(await stored).toEqual([1, 2, 3, 4]);
    expect(await firstBytes).toEqual([1, 2, 3, 4]);
    expect(await readAll(late)).toEqual([1, 2, 3, 4]);
    expect(shared.join()).toBeNull();
  });

  it('gives clients the bytes as they come, all but the last chunk before the store has them all', async () => {
    const source = controlledSource();
    const shared = new SharedBody(source.stream, LIMITS);
    const client = (shared.join() as ReadableStream<Uint8Array>).getReader();
    let verdict!: (said: StoreVerdict) => void;
    const running = shared.run(new Promise((resolve) => (verdict = resolve)));
    const stored = readAll(shared.store);
    source.push(1);
    source.push(2);
    expect((await client.read()).value).toEqual(new Uint8Array([1]));
    source.end();
    await stored;
    const last = client.read();
    await tick();
    verdict('verified');
    expect((await last).value).toEqual(new Uint8Array([2]));
    expect((await client.read()).done).toBe(true);
    await running;
  });

  it('errors the clients, withholding the last chunk, when the store refuses the bytes', async () => {
    const source = controlledSource();
    const shared = new SharedBody(source.stream, LIMITS);
    const client = (shared.join() as ReadableStream<Uint8Array>).getReader();
    const stored = readAll(shared.store);
    const running = shared.run(stored.then(() => 'refused' as const));
    source.push(1);
    source.push(2);
    source.end();
    expect((await client.read()).value).toEqual(new Uint8Array([1]));
    await expect(client.read()).rejects.toThrow('do not match their digest');
    await running;
  });

  it('stops letting clients join once past the first bytes it keeps', async () => {
    const source = controlledSource();
    const shared = new SharedBody(source.stream, LIMITS);
    const stored = readAll(shared.store);
    const client = readAll(shared.join() as ReadableStream<Uint8Array>);
    const running = shared.run(stored.then(() => 'verified' as const));
    for (let i = 0; i < 5; i += 1) source.push(i, i, i);
    await tick();
    expect(shared.join()).toBeNull();
    source.end();
    await running;
    expect((await client).length).toBe(15);
  });

  it('keeps first bytes for joiners only within the budget its isolate shares, given back as bodies end', async () => {
    const budget = new ReplayBudget(6);
    const shared = (source: ReturnType<typeof controlledSource>) => {
      const body = new SharedBody(source.stream, { ...limits(), budget });
      const stored = readAll(body.store);
      const client = readAll(body.join() as ReadableStream<Uint8Array>);
      return { body, client, running: body.run(stored.then(() => 'verified' as const)) };
    };
    const one = controlledSource();
    const two = controlledSource();
    const first = shared(one);
    const second = shared(two);
    one.push(1, 1, 1, 1);
    one.push(1);
    await tick();
    two.push(2, 2, 2);
    two.push(2);
    await tick();
    // The first keeps 4 bytes of the budget's 6: the second cannot keep its 3.
    expect(first.body.join()).not.toBeNull();
    expect(second.body.join()).toBeNull();
    one.end();
    await first.running;
    const three = controlledSource();
    const third = shared(three);
    three.push(3, 3, 3, 3, 3);
    three.push(3);
    await tick();
    expect(third.body.join()).not.toBeNull();
    two.end();
    three.end();
    await Promise.all([second.running, third.running, first.client, second.client, third.client]);
  });

  it('reads the source only as fast as its slowest reader, and cuts off a client that stops reading', async () => {
    const source = controlledSource();
    const shared = new SharedBody(source.stream, LIMITS);
    const stalled = (shared.join() as ReadableStream<Uint8Array>).getReader();
    const stored = readAll(shared.store);
    const running = shared.run(stored.then(() => 'verified' as const));
    for (let i = 0; i < 4; i += 1) {
      source.push(i, i, i);
      await tick();
    }
    // The stalled client's queue (4 bytes) is full: the source is not asked for more.
    const asked = source.pulls;
    await tick();
    expect(source.pulls).toBe(asked);
    await new Promise((resolve) => setTimeout(resolve, LIMITS.stallMs + 50));
    source.push(9);
    source.end();
    await running;
    expect(await stored).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 9]);
    await expect(stalled.read()).rejects.toThrow('read nothing');
  });

  it('errors every reader when the source fails, and cancels it when nobody reads any more', async () => {
    const failing = controlledSource();
    const shared = new SharedBody(failing.stream, LIMITS);
    const client = readAll(shared.join() as ReadableStream<Uint8Array>);
    const stored = readAll(shared.store);
    const running = shared.run(
      stored.then(
        () => 'verified' as const,
        () => 'unknown' as const,
      ),
    );
    const failed = Promise.all([
      expect(client).rejects.toThrow('upstream went away'),
      expect(stored).rejects.toThrow('upstream went away'),
    ]);
    failing.push(1);
    failing.fail(new Error('upstream went away'));
    await running;
    await failed;

    const abandoned = controlledSource();
    const quiet = new SharedBody(abandoned.stream, LIMITS);
    const reader = (quiet.join() as ReadableStream<Uint8Array>).getReader();
    const done = quiet.run(Promise.resolve('unknown'));
    quiet.dropStore();
    await reader.cancel();
    await done;
    expect(abandoned.cancelled).toBe(true);
  });
});
