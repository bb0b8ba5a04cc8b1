import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartLayout } from '../src/uploads/partLayout.ts';

/** Lays `bytes` out in chunks of the given sizes after `staged`, keeping each part written. */
async function layOut(partSize: number, staged: Uint8Array, bytes: Uint8Array, chunkSizes: number[]) {
  const written: { partNumber: number; bytes: Uint8Array }[] = [];
  const buffer = new Uint8Array(partSize);
  buffer.set(staged);
  const layout = new PartLayout(
    partSize,
    4,
    staged.length > 0 ? buffer : null,
    staged.length,
    async (n, part) => {
      written.push({ partNumber: n, bytes: part.slice() });
      return { partNumber: n, etag: `e${n}` };
    },
  );
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length] ?? 1);
    await layout.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  await layout.settle();
  return { written, layout };
}

describe('PartLayout', () => {
  it('cuts any chunking into equal parts, numbered on from the first, with the rest as remainder', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 64 }),
        fc.uint8Array({ maxLength: 63 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 8 }),
        async (partSize, stagedSource, bytes, chunkSizes) => {
          const staged = stagedSource.subarray(0, partSize - 1);
          const { written, layout } = await layOut(partSize, staged, bytes, chunkSizes);
          const all = new Uint8Array([...staged, ...bytes]);
          const whole = Math.floor(all.length / partSize);
          expect(written.map((part) => part.partNumber)).toEqual(
            Array.from({ length: whole }, (_, i) => 4 + i),
          );
          written.forEach((part, i) => {
            expect(part.bytes).toEqual(all.subarray(i * partSize, (i + 1) * partSize));
          });
          expect(layout.parts).toEqual(
            written.map((part) => ({ partNumber: part.partNumber, etag: `e${part.partNumber}` })),
          );
          expect(layout.remainder()).toEqual(all.subarray(whole * partSize));
        },
      ),
    );
  });

  it('writes a part lying inside one chunk as a view of it, without copying', async () => {
    const chunk = new Uint8Array(25);
    const seen: Uint8Array[] = [];
    const layout = new PartLayout(10, 1, null, 0, async (partNumber, bytes) => {
      seen.push(bytes);
      return { partNumber, etag: 'e' };
    });
    await layout.write(chunk);
    await layout.settle();
    expect(seen.map((bytes) => bytes.buffer === chunk.buffer)).toEqual([true, true]);
    expect(layout.remainder().length).toBe(5);
  });

  it('fills the next part while one is written, never two writes at once', async () => {
    const events: string[] = [];
    const release: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const layout = new PartLayout(10, 1, null, 0, async (partNumber) => {
      running++;
      most = Math.max(most, running);
      events.push(`start ${partNumber}`);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      events.push(`end ${partNumber}`);
      return { partNumber, etag: `e${partNumber}` };
    });
    // The first part goes out; writing the bytes that fill the second does not wait for it.
    await layout.write(new Uint8Array(10));
    await layout.write(new Uint8Array(5));
    events.push('filled');
    // Completing the second part waits for the first (one in flight at most).
    const second = layout.write(new Uint8Array(5));
    await Promise.resolve();
    expect(events).toEqual(['start 1', 'filled']);
    release.shift()?.();
    await second;
    const settled = layout.settle();
    await Promise.resolve();
    release.shift()?.();
    await settled;
    expect(events).toEqual(['start 1', 'filled', 'end 1', 'start 2', 'end 2']);
    expect(most).toBe(1);
    expect(layout.parts).toEqual([
      { partNumber: 1, etag: 'e1' },
      { partNumber: 2, etag: 'e2' },
    ]);
  });

  it('throws a failed write at the next write or at settle', async () => {
    const failing = new PartLayout(4, 1, null, 0, async () => {
      throw new Error('store down');
    });
    await failing.write(new Uint8Array(4));
    await expect(failing.settle()).rejects.toThrow('store down');
    const again = new PartLayout(4, 1, null, 0, async () => {
      throw new Error('store down');
    });
    await again.write(new Uint8Array(4));
    await expect(again.write(new Uint8Array(4))).rejects.toThrow('store down');
  });
});
