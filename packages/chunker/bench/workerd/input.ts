// The input both sides of the workerd bench agree on: a deterministic pool, fed again and again in 1 MiB steps.
import { testLayerBytes } from '../../src/testing.ts';

const MiB = 1024 * 1024;
const POOL_BYTES = 16 * MiB;

let pool: Uint8Array | undefined;

/** `mib` chunks of 1 MiB, views of the pool (made on first use). */
export function* benchChunks(mib: number): Generator<Uint8Array> {
  pool ??= testLayerBytes(POOL_BYTES, 42);
  for (let i = 0; i < mib; i++) {
    const start = (i * MiB) % POOL_BYTES;
    yield pool.subarray(start, start + MiB);
  }
}
