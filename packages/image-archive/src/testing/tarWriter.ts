/**
 * Writes tar archives in memory for tests, with `modern-tar`'s packer (ustar, pax for long names and large
 * sizes), and a `Blob`-like whose long zero runs take no memory, so a test can build a multi-GiB archive and
 * count the bytes a reader takes from it.
 * @module
 */
import { createTarPacker, type TarHeader } from 'modern-tar';
import type { BlobLike } from '../blobLike.ts';

/** Zero bytes written in this chunk's buffer are recorded as a run, not stored. */
const ZERO_CHUNK = new Uint8Array(1024 * 1024);

/** The contents of a fixture entry: bytes, text, or `zeros` bytes of 0 that cost no memory. */
export type FixtureBody = Uint8Array<ArrayBuffer> | string | { readonly zeros: number };

/** One entry of a fixture tar. `type` defaults to a regular file. */
export interface FixtureEntry {
  readonly name: string;
  readonly body?: FixtureBody;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  /** The target of a `symlink` or `link`. */
  readonly linkname?: string;
}

type Segment = Uint8Array | number;

function segmentLength(segment: Segment): number {
  return typeof segment === 'number' ? segment : segment.length;
}

/**
 * A `Blob`-like over byte segments and zero runs. Every slice shares one counter, `bytesRead`, of the bytes
 * handed out through `arrayBuffer()` and `stream()`.
 */
export class SparseBlob implements BlobLike {
  readonly size: number;
  private readonly counter: { bytesRead: number };

  constructor(
    private readonly segments: readonly Segment[],
    private readonly start = 0,
    end?: number,
    counter?: { bytesRead: number },
  ) {
    const total = segments.reduce((sum: number, s) => sum + segmentLength(s), 0);
    this.size = Math.max(0, (end ?? total) - start);
    this.counter = counter ?? { bytesRead: 0 };
  }

  /** Bytes read so far through this blob and every slice of it. */
  get bytesRead(): number {
    return this.counter.bytesRead;
  }

  slice(start = 0, end = this.size): SparseBlob {
    const clamp = (n: number) => Math.min(this.size, Math.max(0, n < 0 ? this.size + n : n));
    const from = this.start + clamp(start);
    return new SparseBlob(this.segments, from, Math.max(from, this.start + clamp(end)), this.counter);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks(this.size)) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.counter.bytesRead += this.size;
    return out.buffer;
  }

  stream(): ReadableStream<Uint8Array> {
    const chunks = this.chunks(ZERO_CHUNK.length);
    const counter = this.counter;
    return new ReadableStream({
      pull(controller) {
        const next = chunks.next();
        if (next.done) return controller.close();
        counter.bytesRead += next.value.length;
        controller.enqueue(next.value.slice());
      },
    });
  }

  /** A real `Blob` of the same bytes (the zero runs written out). */
  toBlob(): Blob {
    return new Blob([...this.chunks(ZERO_CHUNK.length)].map((c) => c.slice()));
  }

  private *chunks(maxChunk: number): Generator<Uint8Array> {
    let skip = this.start;
    let left = this.size;
    for (const segment of this.segments) {
      const length = segmentLength(segment);
      if (skip >= length) {
        skip -= length;
        continue;
      }
      for (let at = skip; at < length && left > 0; ) {
        const n = Math.min(length - at, left, maxChunk);
        yield typeof segment === 'number' ? ZERO_CHUNK.subarray(0, n) : segment.subarray(at, at + n);
        at += n;
        left -= n;
      }
      skip = 0;
      if (left === 0) return;
    }
  }
}

function headerOf(entry: FixtureEntry, size: number): TarHeader {
  const type = entry.type ?? 'file';
  return {
    name: entry.name,
    size: type === 'file' ? size : 0,
    type,
    mtime: new Date(0),
    ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
  };
}

async function writeBody(writable: WritableStream<Uint8Array>, body: FixtureBody | undefined): Promise<void> {
  const writer = writable.getWriter();
  if (body instanceof Uint8Array) await writer.write(body);
  else if (typeof body === 'string') await writer.write(new TextEncoder().encode(body));
  else if (body !== undefined) {
    for (let left = body.zeros; left > 0; left -= ZERO_CHUNK.length) {
      await writer.write(ZERO_CHUNK.subarray(0, Math.min(left, ZERO_CHUNK.length)));
    }
  }
  await writer.close();
}

function bodySize(body: FixtureBody | undefined): number {
  if (body === undefined) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  return body instanceof Uint8Array ? body.length : body.zeros;
}

/** Packs `entries` into a tar whose `{ zeros }` bodies take no memory. */
export async function buildSparseTar(entries: readonly FixtureEntry[]): Promise<SparseBlob> {
  const { readable, controller } = createTarPacker();
  const segments: Segment[] = [];
  const collected = (async () => {
    const reader = readable.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      // The packer passes body chunks through as they were written, so a zero run is recognised by its buffer.
      if (chunk.buffer === ZERO_CHUNK.buffer) {
        const last = segments.at(-1);
        if (typeof last === 'number') segments[segments.length - 1] = last + chunk.length;
        else segments.push(chunk.length);
      } else segments.push(chunk.slice());
    }
  })();
  for (const entry of entries)
    await writeBody(controller.add(headerOf(entry, bodySize(entry.body))), entry.body);
  controller.finalize();
  await collected;
  return new SparseBlob(segments);
}

/** Packs `entries` into a tar archive, as a `Blob`. */
export async function buildTar(entries: readonly FixtureEntry[]): Promise<Blob> {
  return (await buildSparseTar(entries)).toBlob();
}
