import type { BlobStore, ByteRange, StoredObject, UploadedPart } from '@edgecr/registry';

/** Layers are opaque bytes to every client that downloads them. */
const HTTP_METADATA = { contentType: 'application/octet-stream' };

/** The registry's BlobStore on an R2 bucket. */
export class R2BlobStore implements BlobStore {
  constructor(private readonly bucket: R2Bucket) {}

  async createMultipart(key: string): Promise<string> {
    return (await this.bucket.createMultipartUpload(key, { httpMetadata: HTTP_METADATA })).uploadId;
  }

  async uploadPart(key: string, multipartId: string, partNumber: number, bytes: Uint8Array) {
    const part = await this.bucket.resumeMultipartUpload(key, multipartId).uploadPart(partNumber, bytes);
    return { partNumber: part.partNumber, etag: part.etag };
  }

  async completeMultipart(key: string, multipartId: string, parts: UploadedPart[]): Promise<void> {
    await this.bucket.resumeMultipartUpload(key, multipartId).complete(parts);
  }

  async abortMultipart(key: string, multipartId: string): Promise<void> {
    await this.bucket.resumeMultipartUpload(key, multipartId).abort();
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.bucket.put(key, bytes, { httpMetadata: HTTP_METADATA });
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | null> {
    const object = await this.bucket.get(key, range ? { range } : {});
    return object ? { size: object.size, body: object.body } : null;
  }

  async head(key: string): Promise<{ size: number } | null> {
    const object = await this.bucket.head(key);
    return object ? { size: object.size } : null;
  }

  async delete(keys: string[]): Promise<void> {
    await this.bucket.delete(keys);
  }
}
