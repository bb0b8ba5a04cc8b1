import { ResumableSha256, ResumableSha512 } from '@edgecr/chunker';
import { EcrError, MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import type { LayerRecord, Registration } from '../catalog/records.ts';
import { emptyUpload, layerPartTooSmall, uploadIdInUse, uploadNotFound } from '../errors.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { PartPolicy, UploadRecord, UploadRef, UploadStore } from '../ports/uploadStore.ts';
import { type ComputedDigests, checkLayerDigests } from './layerDigests.ts';
import { checkResentPart, type OpenPartRange, placePart, receiveNextPart } from './receivePart.ts';

/** What an upload needs of its registry's catalog (CatalogRules, reached however the host reaches it). */
export interface LayerCatalog {
  hasLayer(repositoryName: string, digest: string): Promise<boolean>;
  registerLayer(repositoryName: string, layer: LayerRecord, alias?: string): Promise<Registration>;
  objectInUse(objectKey: string): Promise<boolean>;
}

/**
 * How a completed upload ended: its layer is new to the repository (`created`, stored or linked to another
 * repository's copy), or the repository already held it (`present`: the upload's copy is dropped; ECR's API
 * answers LayerAlreadyExistsException, the OCI door success).
 */
export interface LayerCompletion {
  /** The layer's sha256 digest. */
  layerDigest: string;
  /** The digest the client named it by (its sha512 alias, when it named one). */
  named: string;
  state: 'created' | 'present';
}

/** InitiateLayerUpload's (or an OCI upload POST's) input to a fresh upload. */
export interface BeginUpload extends UploadRef {
  partSize: number;
  ttlSeconds: number;
  policy: PartPolicy;
}

/** An upload's progress, for tests and operators. */
export interface UploadProgress {
  received: number;
  staged: number;
  blobParts: number;
  phase: UploadRecord['phase'];
}

/** ECR's part rules: 5 MiB parts but the last, and the last part may be sent again (see PartPolicy). */
export const ECR_PART_POLICY: PartPolicy = {
  minPartBytes: MIN_LAYER_PART_BYTES,
  acceptResend: true,
  allowEmpty: false,
  sha512: false,
};

/** The OCI door's part rules: chunks of any size, none sent twice, SHA-512 beside SHA-256 (see PartPolicy). */
export const OCI_PART_POLICY: PartPolicy = {
  minPartBytes: 0,
  acceptResend: false,
  allowEmpty: true,
  sha512: true,
};

/** Where the finished layer of an upload is stored. */
export function layerObjectKey(uploadId: string): string {
  return `layers/${uploadId}`;
}

/**
 * The rules of one layer upload, over its durable state (`UploadStore`), the layer bytes (`BlobStore`) and its
 * registry's catalog. Parts must come in order; their bytes are laid out into equal BlobStore parts, the
 * remainder staged in the upload's state, and the SHA-256 midstate (and an OCI upload's SHA-512 one) saved with
 * every part, so completion never reads the layer back. The host serialises calls on one upload.
 * @example
 * const upload = new LayerUploadRules(new MemoryUploadStore(), blobs, (registryId) => catalogOf(registryId));
 * await upload.begin({ registryId, repositoryName: 'app', uploadId, partSize: 10 * MiB, ttlSeconds: 86_400 });
 * const lastByteReceived = await upload.uploadPart(ref, { first: 0, last: size - 1 }, body);
 */
export class LayerUploadRules {
  constructor(
    private readonly store: UploadStore,
    private readonly blobs: BlobStore,
    /** The catalog of a registry (an upload learns its registry at `begin`). */
    private readonly catalogOf: (registryId: string) => LayerCatalog,
    private readonly now: () => number = Date.now,
  ) {}

  async begin(input: BeginUpload): Promise<void> {
    if (await this.store.read()) throw uploadIdInUse(input.uploadId);
    const { partSize, ttlSeconds, policy, ...ref } = input;
    const expiresAt = this.now() + ttlSeconds * 1000;
    // The wake-up first: a host that dies between the two leaves a wake-up that finds no upload, never an
    // upload that nothing expires.
    await this.store.wakeAt(expiresAt);
    await this.store.write({
      ...ref,
      objectKey: layerObjectKey(input.uploadId),
      partSize,
      policy,
      ttlSeconds,
      expiresAt,
      multipartId: null,
      received: 0,
      staged: 0,
      hash: new ResumableSha256().save(),
      ...(policy.sha512 && { hash512: new ResumableSha512().save() }),
      lastPart: null,
      partTooSmall: false,
      phase: 'uploading',
    });
  }

  /**
   * Accepts the next part, streamed: nothing is committed unless the stream ends normally with exactly the
   * range's bytes (a door abandons a bad request by ending the stream short). BlobStore parts written by a
   * refused attempt are overwritten by the next one. A part without a start is appended where the upload
   * stands, one without an end takes the whole body; an empty one changes nothing.
   * @returns The new `lastByteReceived`.
   */
  async uploadPart(ref: UploadRef, open: OpenPartRange, body: ReadableStream<Uint8Array>): Promise<number> {
    try {
      const record = await this.recordFor(ref);
      const range = { first: open.first ?? record.received, last: open.last };
      if (record.phase !== 'uploading')
        throw uploadNotFound(ref.registryId, ref.repositoryName, ref.uploadId);
      if (placePart(record, range) === 'resend' && range.last !== undefined) {
        await checkResentPart(record, { first: range.first, last: range.last }, body);
        return record.received - 1;
      }
      const staged = record.staged > 0 ? await this.store.readStaged() : new Uint8Array(0);
      const commit = await receiveNextPart(
        record,
        range,
        body,
        staged,
        async (partNumber, bytes) =>
          this.blobs.uploadPart(record.objectKey, await this.multipart(record), partNumber, bytes),
        this.now(),
      );
      if (commit.record.received === record.received) return record.received - 1;
      await this.store.commitPart(commit);
      await this.store.wakeAt(commit.record.expiresAt);
      return commit.record.received - 1;
    } finally {
      // Whatever happened, release the sender's side of the stream.
      await body.cancel().catch(() => undefined);
    }
  }

  /**
   * CompleteLayerUpload: checks the upload and the digests, writes the last part and puts the layer in the
   * catalog. The digest comes from the saved midstate: the cost is one staged remainder whatever the size.
   * Entries of `layerDigests` the upload cannot check are passed over, as ECR does.
   */
  complete(ref: UploadRef, layerDigests: string[]): Promise<LayerCompletion> {
    return this.finish(ref, layerDigests, false);
  }

  /**
   * Completes an OCI blob upload named by `digest` (sha256, or sha512 on an upload that computes it): the
   * digest must be one the upload checks. A sha512 name is recorded as an alias of the blob's sha256 digest.
   */
  completeBlob(ref: UploadRef, digest: string): Promise<LayerCompletion> {
    return this.finish(ref, [digest], true);
  }

  private async finish(ref: UploadRef, layerDigests: string[], strict: boolean): Promise<LayerCompletion> {
    const record = await this.recordFor(ref);
    if (record.received === 0 && !record.policy.allowEmpty)
      throw emptyUpload(ref.registryId, ref.repositoryName, ref.uploadId);
    if (record.partTooSmall) throw layerPartTooSmall();
    const computed: ComputedDigests = {
      sha256: `sha256:${ResumableSha256.restore(record.hash).digestHex()}`,
    };
    if (record.hash512) computed.sha512 = `sha512:${ResumableSha512.restore(record.hash512).digestHex()}`;
    checkLayerDigests(layerDigests, computed, strict);
    const digest = computed.sha256;
    // A client that names the blob by its sha512 digest finds it by that name afterwards.
    const alias = layerDigests.some((given) => given.toLowerCase() === computed.sha512)
      ? computed.sha512
      : undefined;
    const named = alias ?? digest;
    if (record.phase === 'uploading') {
      if (await this.catalogOf(ref.registryId).hasLayer(ref.repositoryName, named)) {
        await this.release(record, false);
        return { layerDigest: digest, named, state: 'present' };
      }
      await this.storeObject(record);
      record.phase = 'stored';
      await this.store.write(record);
    }
    let registration: Registration;
    try {
      registration = await this.catalogOf(ref.registryId).registerLayer(
        ref.repositoryName,
        { digest, size: record.received, objectKey: record.objectKey },
        alias,
      );
    } catch (error) {
      // The catalog refused the layer (its repository is gone, or another upload linked it first): its bytes
      // go. Any other failure leaves the stored object for a retried completion.
      if (error instanceof EcrError) await this.release(record, true);
      throw error;
    }
    // A layer another repository already holds keeps that one copy: this upload's bytes go.
    await this.release(record, registration !== 'created');
    // Registered by an attempt whose answer was lost, and released since: the layer is to be pushed again.
    if (registration === 'released') throw uploadNotFound(ref.registryId, ref.repositoryName, ref.uploadId);
    return { layerDigest: digest, named, state: registration === 'present' ? 'present' : 'created' };
  }

  /** How many bytes the upload holds (an OCI upload's status). */
  async received(ref: UploadRef): Promise<number> {
    const record = await this.recordFor(ref);
    if (record.phase !== 'uploading') throw uploadNotFound(ref.registryId, ref.repositoryName, ref.uploadId);
    return record.received;
  }

  /** Abandons the upload (an OCI upload DELETE): its bytes are deleted and its id forgotten. */
  async cancel(ref: UploadRef): Promise<void> {
    const record = await this.recordFor(ref);
    // A stored object is the catalog's once registered; only an unfinished upload's bytes go here.
    await this.release(record, false);
  }

  /** The wake-up the store asked for: an upload past its deadline is aborted and its bytes deleted. */
  async expire(): Promise<void> {
    const record = await this.store.read();
    if (!record) return;
    if (record.phase !== 'released' && this.now() < record.expiresAt) {
      await this.store.wakeAt(record.expiresAt);
      return;
    }
    // A stored object may already be in the catalog if the host died between the two steps.
    const catalogued =
      record.phase === 'stored' && (await this.catalogOf(record.registryId).objectInUse(record.objectKey));
    await this.release(record, !catalogued);
  }

  /** The upload's progress, or null once it is gone. */
  async inspect(): Promise<UploadProgress | null> {
    const record = await this.store.read();
    if (!record) return null;
    const blobParts = (await this.store.parts()).length;
    return { received: record.received, staged: record.staged, blobParts, phase: record.phase };
  }

  private async recordFor(ref: UploadRef): Promise<UploadRecord> {
    const record = await this.store.read();
    if (
      !record ||
      record.phase === 'released' ||
      record.uploadId !== ref.uploadId ||
      record.repositoryName !== ref.repositoryName ||
      record.registryId !== ref.registryId
    ) {
      throw uploadNotFound(ref.registryId, ref.repositoryName, ref.uploadId);
    }
    return record;
  }

  /** The multipart upload, created (and remembered) when the first full part is ready. */
  private async multipart(record: UploadRecord): Promise<string> {
    if (record.multipartId) return record.multipartId;
    record.multipartId = await this.blobs.createMultipart(record.objectKey);
    await this.store.write(record);
    return record.multipartId;
  }

  private async storeObject(record: UploadRecord): Promise<void> {
    // A completion before this one may have stored the object and died before recording so: its multipart
    // upload is gone then, and the object (under this upload's own key) is the whole layer.
    if (record.multipartId && (await this.blobs.head(record.objectKey))?.size === record.received) return;
    const remainder = await this.store.readStaged();
    if (!record.multipartId) {
      await this.blobs.put(record.objectKey, remainder);
      return;
    }
    const parts = await this.store.parts();
    if (remainder.length > 0) {
      parts.push(
        await this.blobs.uploadPart(record.objectKey, record.multipartId, parts.length + 1, remainder),
      );
    }
    await this.blobs.completeMultipart(record.objectKey, record.multipartId, parts);
  }

  private async release(record: UploadRecord, deleteObject: boolean): Promise<void> {
    if (record.phase !== 'stored' || deleteObject) {
      // Released before any byte goes: a host that dies part way leaves an upload that no call resumes or
      // registers again (its bytes may be gone already), and that its wake-up finishes releasing.
      if (record.phase !== 'released') await this.store.write({ ...record, phase: 'released' });
      await this.dropBytes(record);
    }
    await this.store.clear();
  }

  /**
   * The upload's own bytes, never the catalog's: the object at its key (stored, or stored by a completion
   * that died before recording so), else its multipart upload. The key is this upload's alone.
   */
  private async dropBytes(record: UploadRecord): Promise<void> {
    if (await this.blobs.head(record.objectKey)) await this.blobs.delete([record.objectKey]);
    else if (record.multipartId) await this.blobs.abortMultipart(record.objectKey, record.multipartId);
  }
}
