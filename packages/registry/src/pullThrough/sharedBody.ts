/**
 * One body read once and handed to several readers: the upload that stores a blob brought in from upstream,
 * and each client pulling it meanwhile.
 * @module
 */

/** What the store made of the bytes: checked against the digest, refused as not matching it, or unknown (it failed). */
export type StoreVerdict = 'verified' | 'refused' | 'unknown';

/** The bytes every shared body of an isolate may keep for late joiners, together. */
export class ReplayBudget {
  constructor(private left: number) {}

  /** Takes `bytes` if they are left. */
  take(bytes: number): boolean {
    if (bytes > this.left) return false;
    this.left -= bytes;
    return true;
  }

  give(bytes: number): void {
    this.left += bytes;
  }
}

/** How a shared body paces and bounds what it holds. */
export interface SharedBodyLimits {
  /** The bytes a reader's queue may hold before the source waits for it. */
  queueBytes: number;
  /**
   * The first bytes kept for a client that joins late, taken from `budget`; past them (or past what the
   * budget has left) nobody joins.
   */
  replayBytes: number;
  budget: ReplayBudget;
  /** How long a client may leave its full queue unread before it is cut off and the others go on. */
  stallMs: number;
}

interface Outlet {
  controller: ReadableStreamDefaultController<Uint8Array>;
  client: boolean;
  /** Wakes the pump waiting for this reader to make room. */
  room: (() => void) | undefined;
}

/**
 * A body read once, at the pace of its slowest reader, for the store (every byte at once) and for clients.
 *
 * Written here because `ReadableStream.tee()` does not fit: its two branches are fixed at the start, so a
 * second puller of the same blob could not join, and it buffers without bound for the slower branch, so a
 * client on a slow link would make an isolate of 128 MB hold a whole layer. Here the memory is bounded by
 * `queueBytes` per reader and `replayBytes`: a client joins while the first bytes are still kept, the source
 * is read only as fast as every reader takes the bytes, and a client that stops reading for `stallMs` is
 * cut off so the store goes on. Clients get the last chunk only once the store's verdict says the bytes
 * match their digest: a client is never handed a whole blob that does not.
 * @example
 * const shared = new SharedBody(upstream.body, limits);
 * const verdict = store(shared.store).then(() => 'verified' as const, () => 'unknown' as const);
 * const client = shared.join();
 * await shared.run(verdict);
 */
export class SharedBody {
  /** The stream the store reads. */
  readonly store: ReadableStream<Uint8Array>;
  private readonly outlets = new Set<Outlet>();
  /** The chunks clients got so far, while they are within `replayBytes`; null once past them or ended. */
  private released: Uint8Array[] | null = [];
  private releasedBytes = 0;
  /** The newest chunk, not yet given to clients (the last one waits for the verdict). */
  private held: Uint8Array | null = null;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(
    source: ReadableStream<Uint8Array>,
    private readonly limits: SharedBodyLimits,
  ) {
    this.reader = source.getReader();
    this.store = this.outlet(false).stream;
  }

  /**
   * A client's stream of the whole body from its first byte, or null when it can no longer be joined (its
   * first bytes are no longer kept, or it has ended): the caller waits for the store and reads it there.
   */
  join(): ReadableStream<Uint8Array> | null {
    const released = this.released;
    if (!released) return null;
    const { stream, outlet } = this.outlet(true);
    for (const chunk of released) outlet.controller.enqueue(chunk);
    return stream;
  }

  /** Stops handing bytes to the store (it failed): the clients go on. */
  dropStore(): void {
    for (const outlet of this.outlets) if (!outlet.client) this.remove(outlet);
  }

  /**
   * Reads the source to its end, handing every chunk on; then closes the store's stream, waits for its
   * verdict and ends the clients' streams: whole, or errored when the store refused the bytes. A failing
   * source errors every reader. Stops early, cancelling the source, when nobody reads any more.
   */
  async run(verdict: Promise<StoreVerdict>): Promise<void> {
    try {
      for (;;) {
        await this.roomForAll();
        if (this.outlets.size === 0) {
          this.forget();
          await this.reader.cancel('nobody reads the body any more');
          return;
        }
        const { done, value } = await this.reader.read();
        if (done) break;
        this.deliver(value);
      }
    } catch (error) {
      this.forget();
      for (const outlet of this.outlets) outlet.controller.error(error);
      this.outlets.clear();
      return;
    }
    for (const outlet of this.outlets) if (!outlet.client) outlet.controller.close();
    const said = await verdict;
    const clients = [...this.outlets].filter((outlet) => outlet.client);
    this.forget();
    this.outlets.clear();
    const last = this.held;
    this.held = null;
    for (const outlet of clients) {
      if (said === 'refused') {
        outlet.controller.error(new Error('the bytes do not match their digest'));
        continue;
      }
      if (last) outlet.controller.enqueue(last);
      outlet.controller.close();
    }
  }

  /** A new reader's stream (its start runs at once, so the outlet is there on return). */
  private outlet(client: boolean): { stream: ReadableStream<Uint8Array>; outlet: Outlet } {
    let made: Outlet | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          made = { controller, client, room: undefined };
          this.outlets.add(made);
        },
        pull: () => made?.room?.(),
        cancel: () => {
          if (made) this.remove(made);
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: this.limits.queueBytes }),
    );
    return { stream, outlet: made as Outlet };
  }

  private remove(outlet: Outlet): void {
    this.outlets.delete(outlet);
    outlet.room?.();
  }

  /** Waits until every reader has room; a client that takes nothing for `stallMs` is cut off. */
  private async roomForAll(): Promise<void> {
    for (const outlet of [...this.outlets]) {
      while (this.outlets.has(outlet) && (outlet.controller.desiredSize ?? 1) <= 0) {
        const stalled = await new Promise<boolean>((resolve) => {
          const timer = outlet.client ? setTimeout(() => resolve(true), this.limits.stallMs) : undefined;
          outlet.room = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        outlet.room = undefined;
        if (stalled) {
          this.remove(outlet);
          outlet.controller.error(new Error(`the client read nothing for ${this.limits.stallMs} ms`));
        }
      }
    }
  }

  /** The store gets a chunk at once; clients get the one before it. */
  private deliver(chunk: Uint8Array): void {
    for (const outlet of this.outlets) if (!outlet.client) outlet.controller.enqueue(chunk);
    const previous = this.held;
    this.held = chunk;
    if (!previous) return;
    for (const outlet of this.outlets) if (outlet.client) outlet.controller.enqueue(previous);
    if (!this.released) return;
    const within = this.releasedBytes + previous.byteLength <= this.limits.replayBytes;
    if (within && this.limits.budget.take(previous.byteLength)) {
      this.released.push(previous);
      this.releasedBytes += previous.byteLength;
    } else {
      this.forget();
    }
  }

  /** Keeps nothing more for joiners (nobody joins any more), giving the kept bytes back to the budget. */
  private forget(): void {
    if (this.released) this.limits.budget.give(this.releasedBytes);
    this.released = null;
    this.releasedBytes = 0;
  }
}
