import type { UploadedPart } from '../ports/blobStore.ts';

/**
 * Lays a stream of bytes out into BlobStore parts of exactly `partSize` bytes, as R2 requires of every part
 * but the last. A part that lies inside one incoming chunk is written as a view of it (no copy); bytes that straddle
 * chunks are gathered in one part-sized buffer. Part numbers follow from layer offsets, so writing the same
 * bytes again after a crash overwrites the same parts.
 *
 * One part is written while the next fills, so receiving does not wait on the store, and at most one: two
 * parts held per upload at most (the one in flight, the one filling). {@link PartLayout.settle} waits for the
 * last write and throws its failure.
 */
export class PartLayout {
  /** The parts written so far (the one in flight joins once settled). */
  readonly parts: UploadedPart[] = [];
  private buffer: Uint8Array | null;
  private fill: number;
  private inFlight: Promise<void> | null = null;

  /**
   * @param partSize Size of every R2 part.
   * @param firstPartNumber Number of the part the first full `partSize` bytes become.
   * @param staged Bytes before this stream that did not fill a part yet (fewer than `partSize`), in a buffer of
   *   `partSize` bytes, or null.
   * @param stagedLength How many bytes of `staged` are filled.
   * @param upload Writes one part.
   */
  constructor(
    private readonly partSize: number,
    private nextPartNumber: number,
    staged: Uint8Array | null,
    stagedLength: number,
    private readonly upload: (partNumber: number, bytes: Uint8Array) => Promise<UploadedPart>,
  ) {
    this.buffer = staged;
    this.fill = stagedLength;
  }

  /** Lays out the next bytes, writing every part they complete. */
  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.fill === 0 && chunk.length - offset >= this.partSize) {
        await this.flush(chunk.subarray(offset, offset + this.partSize));
        offset += this.partSize;
        continue;
      }
      this.buffer ??= new Uint8Array(this.partSize);
      const taken = Math.min(this.partSize - this.fill, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + taken), this.fill);
      this.fill += taken;
      offset += taken;
      if (this.fill === this.partSize) {
        const full = this.buffer;
        this.buffer = null;
        this.fill = 0;
        await this.flush(full);
      }
    }
  }

  /** The bytes after the last full part: the remainder to stage until more bytes complete it. */
  remainder(): Uint8Array {
    return this.buffer ? this.buffer.subarray(0, this.fill) : new Uint8Array(0);
  }

  /** Waits for the part in flight, if any; throws its failure. Every part written is in `parts` after it. */
  async settle(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = null;
    await pending;
  }

  private async flush(bytes: Uint8Array): Promise<void> {
    await this.settle();
    const sent = this.upload(this.nextPartNumber++, bytes).then((part) => {
      this.parts.push(part);
    });
    // Awaited by the next flush or by settle(); until then a failure must not count as unhandled.
    sent.catch(() => undefined);
    this.inFlight = sent;
  }
}
