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
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
