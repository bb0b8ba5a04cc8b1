/**
 * Runs calls one after another, each starting when the one before it settled. Hosts wrap their rule objects
 * in one: a Durable Object's input gate opens while it awaits storage or another object, so two calls on one
 * upload could otherwise interleave.
 * @example
 * const queue = new SerialQueue();
 * const lastByte = await queue.run(() => rules.uploadPart(ref, range, body));
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every call queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    // Awaited inside, so a refusal is handled at once; returning `fn()`'s promise to `then` would leave it
    // unhandled for a tick, which workerd reports as an unhandled rejection.
    const run = this.tail.then(async () => await fn());
    this.tail = run.catch(() => undefined);
    return run;
  }
}
