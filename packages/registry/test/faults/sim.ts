// The simulation's pieces that know nothing of the registry: one seeded random source, the faults it
// decides, and the life of a hosted object (a Durable Object in production) that a crash ends.

/** A small seeded generator (mulberry32): the same seed gives the same numbers in Node and in workerd. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** A port call the simulation refused (an R2 or storage error), or whose answer it lost (a time-out). */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** The object serving a call died (evicted, reset, redeployed): the caller gets no answer. */
export class Crashed extends Error {
  override readonly name = 'Crashed';
}

/**
 * What happens to one port call: `fail` refuses it unapplied; `lost` applies it and loses the answer (a call
 * over the network that hung past its caller's time-out, then landed: R2's, or an RPC to another object; an
 * object's own SQLite either commits and answers or dies, so its storage calls meet `crash-after` instead);
 * `crash-before`/`crash-after` end the calling object's life before or after the call lands; `restart-all`
 * ends every object's after it (a deploy). A call that hangs until the runtime resets its object is one of
 * the crashes.
 */
export type Fault = 'fail' | 'lost' | 'crash-before' | 'crash-after' | 'restart-all';

const FAULTS: readonly Fault[] = [
  'fail',
  'fail',
  'lost',
  'lost',
  'crash-before',
  'crash-after',
  'restart-all',
];

/** The faults of one schedule: each port call gets one with probability `rate` while enabled. */
export class FaultPlan {
  enabled = true;
  /** When set, every port call and its fault, in order: what a failing seed's replay prints. */
  trace: string[] | null = null;
  /** How many of each fault were injected. */
  readonly injected = new Map<Fault, number>();

  constructor(
    private readonly rng: Rng,
    private readonly rate: number,
  ) {}

  /** The fault of the next port call, named `call`, if any; `local` for an object's own storage. */
  next(call: string, local: boolean): Fault | null {
    let fault = this.enabled && this.rng.chance(this.rate) ? this.rng.pick(FAULTS) : null;
    if (local && fault === 'lost') fault = 'crash-after';
    if (fault) this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
    this.trace?.push(fault ? `${call}: ${fault}` : call);
    return fault;
  }

  /** Lets other clients run first: a few microtask turns, as many as the seed says (never a timer). */
  async interleave(): Promise<void> {
    if (!this.enabled) return;
    for (let turns = this.rng.int(8); turns > 0; turns--) await Promise.resolve();
  }
}

/** One life of a hosted object: calls from it fail once it is over, as a dead isolate makes none. */
export class Life {
  alive = true;

  /** Throws when this life is over. */
  check(): void {
    if (!this.alive) throw new Crashed('the object was restarted');
  }
}
