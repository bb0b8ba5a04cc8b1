import { DurableObject } from 'cloudflare:workers';
import { ResumableSha256, type Sha256State } from '@edgecr/chunker';
import { EcrError, MAX_LAYER_BYTES, MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import { bytesToHex } from '@noble/hashes/utils.js';
import { layerAlreadyExists, uploadNotFound } from './ecrErrors.ts';
import { capture, type Outcome, unwrap } from './outcome.ts';
import { PartLayout } from './partLayout.ts';

/** Durable Object storage refuses values over 2 MB; staged bytes are kept in rows of this size. */
const STAGED_ROW_BYTES = 1024 * 1024;

/** Who an upload belongs to; every call names it, and a mismatch is an unknown upload. */
export interface UploadRef {
  registryId: string;
  repositoryName: string;
  uploadId: string;
}

export interface BeginUpload extends UploadRef {
  partSize: number;
  ttlSeconds: number;
}

export interface PartInput extends UploadRef {
  partFirstByte: number;
  partLastByte: number;
  /** The part's bytes, as the Worker decodes them from the request. */
  body: ReadableStream<Uint8Array>;
}

interface UploadState extends UploadRef {
  objectKey: string;
  partSize: number;
  ttlSeconds: number;
  expiresAt: number;
  /** The R2 multipart upload, created when the first full part is ready. */
  multipartId: string | null;
  /** Bytes accepted so far; the next part must start here. */
  received: number;
  /** Bytes at the end of the layer not yet in an R2 part (always < partSize). */
  staged: number;
  hash: Sha256State;
  lastPart: { first: number; last: number; sha256: string } | null;
  /** A part other than the last was under the minimum: CompleteLayerUpload must refuse. */
  partTooSmall: boolean;
  /** 'stored': the R2 object is complete; only the catalog entry is left to write. */
  phase: 'uploading' | 'stored';
}

/**
 * What CompleteLayerUpload checks of `layerDigests`: every `sha256:` entry must equal the computed digest (hex
 * in either case), however many there are. ECR treats the digest as an optional check it can only make for
 * sha256, and its own reference example passes an entry of another form; such entries are not checked, and
 * the answer always carries the computed digest.
 */
function checkDigests(layerDigests: string[], computed: string): void {
  for (const given of layerDigests) {
    if (given.slice(0, given.indexOf(':')).toLowerCase() !== 'sha256') continue;
    if (given.toLowerCase() !== computed) {
      throw new EcrError(
        'InvalidLayerException',
        `The layer digest '${given}' does not match the computed digest '${computed}'`,
      );
    }
  }
}

/** The chunks of a stream, read so that its reader's `closed` promise never goes unhandled when it errors. */
async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  reader.closed.catch(() => undefined);
  let done = false;
  try {
    while (!done) {
      const next = await reader.read();
      done = next.done;
      if (next.value) yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * One layer upload: strongly consistent state that outlives any isolate. Parts are handled one at a time, in
 * order; their bytes are laid out into equal R2 parts (R2 refuses unequal ones), the remainder below one part
 * is staged in this object's SQLite storage, and the layer's SHA-256 midstate is saved with every part so
 * completion never reads the layer back.
 */
export class LayerUpload extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Serialises calls: an object's input gate opens while it awaits R2, so two parts could interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  private schemaReady = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  begin(input: BeginUpload): Promise<Outcome<void>> {
    return this.exclusive(async () => {
      if (this.load())
        throw new EcrError('ServerException', `Upload id '${input.uploadId}' is already in use`);
      const { partSize, ttlSeconds, ...ref } = input;
      this.save({
        ...ref,
        objectKey: `layers/${input.uploadId}`,
        partSize,
        ttlSeconds,
        expiresAt: Date.now() + ttlSeconds * 1000,
        multipartId: null,
        received: 0,
        staged: 0,
        hash: new ResumableSha256().save(),
        lastPart: null,
        partTooSmall: false,
        phase: 'uploading',
      });
      await this.ctx.storage.setAlarm(Date.now() + ttlSeconds * 1000);
    });
  }

  /**
   * Accepts the next part, streamed: its bytes are hashed and laid out into R2 parts as they arrive, so the
   * object holds one R2 part at most, never the whole client part. Nothing is committed unless the stream
   * ends normally with exactly `partLastByte - partFirstByte + 1` bytes: the Worker errors the stream when
   * the request turns out bad, and R2 parts written by then are overwritten by the next attempt.
   * @returns The new `lastByteReceived`.
   */
  uploadPart(input: PartInput): Promise<Outcome<number>> {
    return this.exclusive(async () => {
      try {
        return await this.acceptPart(input);
      } finally {
        // Whatever happened, release the Worker's side of the stream.
        await input.body.cancel().catch(() => undefined);
      }
    });
  }

  private async acceptPart(input: PartInput): Promise<number> {
    const state = this.loadFor(input);
    if (state.phase !== 'uploading')
      throw uploadNotFound(input.registryId, input.repositoryName, input.uploadId);
    const { partFirstByte: first, partLastByte: last, body } = input;
    const length = last - first + 1;
    const invalidPart = (message: string) =>
      new EcrError('InvalidLayerPartException', message, {
        fields: {
          registryId: state.registryId,
          repositoryName: state.repositoryName,
          uploadId: state.uploadId,
          lastValidByteReceived: state.received - 1,
        },
      });
    const lengthMismatch = (received: number) =>
      invalidPart(
        `The layer part blob has ${received} bytes but bytes ${first} to ${last} are ${length} bytes`,
      );
    if (last < first) throw invalidPart(`The part's last byte ${last} is before its first byte ${first}`);

    const partDigest = new crypto.DigestStream('SHA-256');
    // Read only on success; a part refused midway must not leave its rejection unhandled.
    partDigest.digest.catch(() => undefined);
    const digestWriter = partDigest.getWriter();
    if (state.lastPart && first === state.lastPart.first && last === state.lastPart.last) {
      // A client that lost the response to its last part sends it again: accept it once more, change nothing.
      let received = 0;
      for await (const chunk of readChunks(body)) {
        received += chunk.length;
        await digestWriter.write(chunk);
      }
      await digestWriter.close();
      if (received !== length) throw lengthMismatch(received);
      if (bytesToHex(new Uint8Array(await partDigest.digest)) === state.lastPart.sha256)
        return state.received - 1;
      throw invalidPart(`Bytes ${first} to ${last} were already received with different content`);
    }
    if (first !== state.received) {
      throw invalidPart(
        `The part must start at byte ${state.received}, the one after the last valid byte received`,
      );
    }
    if (state.received + length > MAX_LAYER_BYTES) {
      throw new EcrError('LimitExceededException', `A layer can be at most ${MAX_LAYER_BYTES} bytes`);
    }

    const { partSize } = state;
    const layout = new PartLayout(
      partSize,
      Math.floor((state.received - state.staged) / partSize) + 1,
      state.staged > 0 ? this.readStaged(state, new Uint8Array(partSize)) : null,
      state.staged,
      async (partNumber, bytes) => (await this.multipart(state)).uploadPart(partNumber, bytes),
    );
    const hasher = ResumableSha256.restore(state.hash);
    let received = 0;
    for await (const chunk of readChunks(body)) {
      received += chunk.length;
      if (received > length) throw lengthMismatch(received);
      hasher.update(chunk);
      await digestWriter.write(chunk);
      await layout.write(chunk);
    }
    await digestWriter.close();
    if (received !== length) throw lengthMismatch(received);
    const partHash = bytesToHex(new Uint8Array(await partDigest.digest));

    const remainder = layout.remainder();
    const previousWasSmall =
      state.lastPart !== null && state.lastPart.last - state.lastPart.first + 1 < MIN_LAYER_PART_BYTES;
    this.ctx.storage.transactionSync(() => {
      for (const part of layout.parts) {
        this.sql.exec('INSERT OR REPLACE INTO r2_part VALUES (?, ?)', part.partNumber, part.etag);
      }
      this.sql.exec('DELETE FROM staged');
      this.stage(remainder);
      this.save({
        ...state,
        received: state.received + length,
        staged: remainder.length,
        hash: hasher.save(),
        lastPart: { first, last, sha256: partHash },
        partTooSmall: state.partTooSmall || previousWasSmall,
        expiresAt: Date.now() + state.ttlSeconds * 1000,
      });
    });
    await this.ctx.storage.setAlarm(Date.now() + state.ttlSeconds * 1000);
    return last;
  }

  /**
   * CompleteLayerUpload: checks the upload and the digests, writes the last R2 part and puts the layer in the
   * catalog. The digest comes from the saved midstate: nothing is read back, so the cost is one staged
   * remainder (under one part) whatever the layer's size.
   */
  complete(ref: UploadRef, layerDigests: string[]): Promise<Outcome<string>> {
    return this.exclusive(async () => {
      const state = this.loadFor(ref);
      if (state.received === 0) {
        throw new EcrError(
          'EmptyUploadException',
          `The upload with id '${ref.uploadId}' in the repository with name '${ref.repositoryName}' in registry with id '${ref.registryId}' cannot be completed because it does not have any parts`,
        );
      }
      if (state.partTooSmall) {
        throw new EcrError(
          'LayerPartTooSmallException',
          'All layer parts except the last part should be at least 5MB',
        );
      }
      const digest = `sha256:${ResumableSha256.restore(state.hash).digestHex()}`;
      checkDigests(layerDigests, digest);
      const registry = this.env.REGISTRY.get(this.env.REGISTRY.idFromName(state.registryId));
      if (state.phase === 'uploading') {
        if (await registry.hasLayer(ref.repositoryName, digest)) {
          await this.release(state, false);
          throw layerAlreadyExists(ref.registryId, ref.repositoryName, digest);
        }
        await this.storeObject(state);
        state.phase = 'stored';
        this.save(state);
      }
      const registration = await registry.registerLayer(ref.repositoryName, {
        digest,
        size: state.received,
        objectKey: state.objectKey,
      });
      // A layer another repository already holds keeps that one copy: this upload's bytes go.
      await this.release(state, !registration.ok || registration.value === 'linked');
      unwrap(registration);
      return digest;
    });
  }

  override async alarm(): Promise<void> {
    await this.exclusive(async () => {
      const state = this.load();
      if (!state) return;
      if (Date.now() < state.expiresAt) {
        await this.ctx.storage.setAlarm(state.expiresAt);
        return;
      }
      // A stored object may already be in the catalog if the Worker died between the two steps.
      const registry = this.env.REGISTRY.get(this.env.REGISTRY.idFromName(state.registryId));
      await this.release(state, !(state.phase === 'stored' && (await registry.objectInUse(state.objectKey))));
    });
  }

  /** Test and operator view: the upload's progress, or null once it is gone. */
  async inspect(): Promise<{ received: number; staged: number; r2Parts: number; phase: string } | null> {
    const state = this.load();
    if (!state) return null;
    const r2Parts = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM r2_part').one().n;
    return { received: state.received, staged: state.staged, r2Parts, phase: state.phase };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
    const run = this.queue.then(() => capture(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private load(): UploadState | null {
    this.createSchema();
    const row = this.sql.exec<{ state: string }>('SELECT state FROM upload').toArray()[0];
    return row ? (JSON.parse(row.state) as UploadState) : null;
  }

  private loadFor(ref: UploadRef): UploadState {
    const state = this.load();
    if (
      !state ||
      state.uploadId !== ref.uploadId ||
      state.repositoryName !== ref.repositoryName ||
      state.registryId !== ref.registryId
    ) {
      throw uploadNotFound(ref.registryId, ref.repositoryName, ref.uploadId);
    }
    return state;
  }

  private save(state: UploadState): void {
    this.sql.exec('INSERT OR REPLACE INTO upload VALUES (1, ?)', JSON.stringify(state));
  }

  private stage(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length; offset += STAGED_ROW_BYTES) {
      const row = bytes.slice(offset, offset + STAGED_ROW_BYTES);
      this.sql.exec('INSERT INTO staged (bytes) VALUES (?)', row.buffer);
    }
  }

  private readStaged(state: UploadState, out = new Uint8Array(state.staged)): Uint8Array {
    let offset = 0;
    for (const row of this.sql.exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM staged ORDER BY seq')) {
      out.set(new Uint8Array(row.bytes), offset);
      offset += row.bytes.byteLength;
    }
    if (offset !== state.staged) throw new Error(`Staged ${offset} bytes, expected ${state.staged}`);
    return out;
  }

  private async multipart(state: UploadState): Promise<R2MultipartUpload> {
    if (state.multipartId) return this.env.LAYERS.resumeMultipartUpload(state.objectKey, state.multipartId);
    const upload = await this.env.LAYERS.createMultipartUpload(state.objectKey, {
      httpMetadata: { contentType: 'application/octet-stream' },
    });
    state.multipartId = upload.uploadId;
    this.save(state);
    return upload;
  }

  private async storeObject(state: UploadState): Promise<void> {
    const remainder = this.readStaged(state);
    if (!state.multipartId) {
      await this.env.LAYERS.put(state.objectKey, remainder, {
        httpMetadata: { contentType: 'application/octet-stream' },
      });
      return;
    }
    const multipart = this.env.LAYERS.resumeMultipartUpload(state.objectKey, state.multipartId);
    const parts = this.sql
      .exec<{ partNumber: number; etag: string }>(
        'SELECT part_number AS partNumber, etag FROM r2_part ORDER BY part_number',
      )
      .toArray();
    if (remainder.length > 0) parts.push(await multipart.uploadPart(parts.length + 1, remainder));
    await multipart.complete(parts);
  }

  private async release(state: UploadState, deleteObject: boolean): Promise<void> {
    if (state.phase === 'uploading' && state.multipartId) {
      await this.env.LAYERS.resumeMultipartUpload(state.objectKey, state.multipartId).abort();
    } else if (state.phase === 'stored' && deleteObject) {
      await this.env.LAYERS.delete(state.objectKey);
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // deleteAll drops the tables too: a later call on this instance recreates them before reading.
    this.schemaReady = false;
  }

  private createSchema(): void {
    if (this.schemaReady) return;
    this.schemaReady = true;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS upload (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS r2_part (part_number INTEGER PRIMARY KEY, etag TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS staged (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
    `);
  }
}
