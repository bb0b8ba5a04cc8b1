import { MiB, streamOf } from '@edgecr/protocol';
import type { BlobStore, ByteRange, StoredObject, UploadedPart } from '../ports/blobStore.ts';
import { MIN_MULTIPART_PART_BYTES } from '../ports/blobStore.ts';

interface Multipart {
  key: string;
  parts: Map<number, { etag: string; bytes: Uint8Array }>;
}

/**
 * A BlobStore in memory, for tests and in-process hosting. It holds multipart uploads to R2's stricter rules
 * (every part but the last of one size, at least 5 MiB; the last no larger), so a layout the Worker's R2
 * would refuse fails here too.
 */
export class MemoryBlobStore implements BlobStore {
  private readonly objects = new Map<string, Uint8Array>();
  private readonly multiparts = new Map<string, Multipart>();
  /** Multipart uploads completed or aborted: aborting one again changes nothing, as on R2. */
  private readonly finished = new Set<string>();
  private nextId = 0;

  /**
   * @param minPartBytes The smallest part but the last: R2's 5 MiB, unless a test that runs thousands of
   *   multipart uploads (the fault simulation) lowers it to keep each one cheap; the other rules stay.
   */
  constructor(private readonly minPartBytes = MIN_MULTIPART_PART_BYTES) {}

  async createMultipart(key: string): Promise<string> {
    const id = `multipart-${++this.nextId}`;
    this.multiparts.set(id, { key, parts: new Map() });
    return id;
  }

  async uploadPart(key: string, multipartId: string, partNumber: number, bytes: Uint8Array) {
    const etag = `etag-${++this.nextId}`;
    this.multipart(key, multipartId).parts.set(partNumber, { etag, bytes: bytes.slice() });
    return { partNumber, etag };
  }

  async completeMultipart(key: string, multipartId: string, parts: UploadedPart[]): Promise<void> {
    const upload = this.multipart(key, multipartId);
    const chosen = [...parts]
      .sort((a, b) => a.partNumber - b.partNumber)
      .map((part) => {
        const stored = upload.parts.get(part.partNumber);
        if (!stored || stored.etag !== part.etag) throw new Error(`Part ${part.partNumber} was not uploaded`);
        return stored.bytes;
      });
    const size = chosen[0]?.length ?? 0;
    chosen.forEach((bytes, i) => {
      const last = i === chosen.length - 1;
      if (!last && (bytes.length < this.minPartBytes || bytes.length !== size)) {
        throw new Error(
          `Every part but the last must be of one size, at least ${this.minPartBytes / MiB} MiB`,
        );
      }
      if (last && bytes.length > size) throw new Error('The last part may not be larger than the others');
    });
    const object = new Uint8Array(chosen.reduce((sum, bytes) => sum + bytes.length, 0));
    let offset = 0;
    for (const bytes of chosen) {
      object.set(bytes, offset);
      offset += bytes.length;
    }
    this.objects.set(key, object);
    this.multiparts.delete(multipartId);
    this.finished.add(multipartId);
  }

  async abortMultipart(key: string, multipartId: string): Promise<void> {
    if (this.finished.has(multipartId)) return;
    this.multipart(key, multipartId);
    this.multiparts.delete(multipartId);
    this.finished.add(multipartId);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.objects.set(key, bytes.slice());
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const object = this.objects.get(key);
    if (!object) return null;
    const bytes = range ? object.subarray(range.offset, range.offset + range.length) : object;
    return { size: object.length, body: streamOf(bytes) };
  }

  async head(key: string): Promise<{ size: number } | null> {
    const object = this.objects.get(key);
    return object ? { size: object.length } : null;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  /** Multipart uploads neither completed nor aborted: what an abandoned upload would leave behind. */
  openMultiparts(): number {
    return this.multiparts.size;
  }

  private multipart(key: string, multipartId: string): Multipart {
    const upload = this.multiparts.get(multipartId);
    if (!upload || upload.key !== key) throw new Error(`No multipart upload ${multipartId} of ${key}`);
    return upload;
  }
}
