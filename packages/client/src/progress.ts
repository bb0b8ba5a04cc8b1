/**
 * Throughput and time left, from (time, bytes) samples over a sliding window.
 * @module
 */

/** The speed over the last few seconds, and the time left at that speed. */
export interface Rate {
  /** Bytes per second over the window; 0 until two samples are far enough apart. */
  bytesPerSecond: number;
  /** Seconds left at that speed, or undefined when the speed is unknown. */
  etaSeconds: number | undefined;
}

/**
 * Measures speed over a sliding window of samples of a growing byte count. A count that goes back (a part
 * sent again) resets it.
 * @example
 * const meter = new RateMeter();
 * meter.sample(performance.now(), bytesSent);
 * const { bytesPerSecond, etaSeconds } = meter.rate(totalBytes);
 */
export class RateMeter {
  readonly #windowMs: number;
  #samples: { at: number; bytes: number }[] = [];

  /** @param windowMs How far back the speed looks. */
  constructor(windowMs = 5_000) {
    this.#windowMs = windowMs;
  }

  sample(at: number, bytes: number): void {
    const last = this.#samples.at(-1);
    if (last && bytes < last.bytes) this.#samples = [];
    if (last && last.at === at) last.bytes = bytes;
    else this.#samples.push({ at, bytes });
    // Keep one sample older than the window, so the window is always covered.
    while (this.#samples.length > 2 && (this.#samples[1] as { at: number }).at <= at - this.#windowMs) {
      this.#samples.shift();
    }
  }

  /** Forgets every sample (after a pause: the time paused is not slowness). */
  reset(): void {
    this.#samples = [];
  }

  rate(totalBytes: number): Rate {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < 250) return { bytesPerSecond: 0, etaSeconds: undefined };
    const bytesPerSecond = ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
    const etaSeconds = bytesPerSecond > 0 ? Math.max(0, totalBytes - last.bytes) / bytesPerSecond : undefined;
    return { bytesPerSecond, etaSeconds };
  }
}
