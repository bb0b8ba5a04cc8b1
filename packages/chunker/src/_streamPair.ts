/**
 * A writable/readable pair wired like a TransformStream, built from hooks every runtime has had for years.
 * @module
 */

/** What a {@link streamPair} does with what is written to it. */
export interface PairHandlers<I, O> {
  /** Handles one written chunk, enqueueing its outputs. What it throws errors both sides. */
  write(chunk: I, enqueue: (output: O) => void): void;
  /** The writer closed: enqueue what is left. What it throws errors both sides. */
  close(enqueue: (output: O) => void): void;
  /** Both sides closed normally. */
  closed(): void;
  /** Called once, when the pair stops before closing: an error, an abort or a cancel, with its reason. */
  stopped(reason: unknown): void;
}

/**
 * A `{ readable, writable }` pair wired as the Streams spec wires a TransformStream (§6: one backpressure flag,
 * set when the output queue is full and cleared by the consumer's pull), so that a chunk is handled only once
 * the consumer wants output. Hand-built because workerd reports a spurious unhandled rejection when a
 * TransformStream with a `cancel` transformer is cancelled mid-pipe, and a cancel must reach `stopped`.
 */
export function streamPair<I, O>(
  handlers: PairHandlers<I, O>,
): { readable: ReadableStream<O>; writable: WritableStream<I> } {
  let readableController!: ReadableStreamDefaultController<O>;
  let writableController!: WritableStreamDefaultController;
  let backpressure = true;
  let wakeWriter: (() => void) | undefined;
  let stopped = false;
  let stopReason: unknown;

  const stop = (reason: unknown): void => {
    if (stopped) return;
    stopped = true;
    stopReason = reason;
    handlers.stopped(reason);
    wakeWriter?.();
  };

  const enqueue = (output: O): void => {
    readableController.enqueue(output);
    if ((readableController.desiredSize ?? 0) <= 0) backpressure = true;
  };

  // Runs `step`; on failure errors the output stream and `stopped` with the same reason and rethrows, which
  // errors the writable side too.
  const guarded = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      stop(error);
      readableController.error(error);
      throw error;
    }
  };

  const readable = new ReadableStream<O>(
    {
      start(controller) {
        readableController = controller;
      },
      pull() {
        backpressure = false;
        wakeWriter?.();
      },
      cancel(reason) {
        stop(reason);
        writableController.error(reason);
      },
    },
    { highWaterMark: 0 },
  );

  const writable = new WritableStream<I>(
    {
      start(controller) {
        writableController = controller;
      },
      async write(chunk) {
        while (backpressure && !stopped) {
          await new Promise<void>((resolve) => {
            wakeWriter = resolve;
          });
          wakeWriter = undefined;
        }
        if (stopped) throw stopReason;
        guarded(() => handlers.write(chunk, enqueue));
      },
      close() {
        if (stopped) throw stopReason;
        guarded(() => handlers.close(enqueue));
        readableController.close();
        handlers.closed();
      },
      abort(reason) {
        stop(reason);
        readableController.error(reason);
      },
    },
    { highWaterMark: 1 },
  );

  return { readable, writable };
}
