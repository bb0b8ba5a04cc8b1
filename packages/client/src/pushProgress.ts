/**
 * How far a {@link LayerPush} has got, and what it saves so that a reload goes on from there: the upload id,
 * the acknowledged offset with its hash state, recent checkpoints, and the file's fingerprint.
 * @module
 */
import { type LayerPart, ResumableSha256 } from '@edgecr/chunker';
import { MiB } from '@edgecr/protocol';
import { sha256Hex } from './_sha256Hex.ts';
import { forEachChunk, type LayerSource, readRange, sourceError } from './layerSource.ts';
import { type Checkpoint, planResume, startCheckpoint } from './resume.ts';
import type { FileFingerprint, StateStore } from './stateStore.ts';

/** Known hash states kept besides the start of the layer, to resync without reading from the start. */
const MAX_CHECKPOINTS = 8;

/** The upload the bytes go to. */
export interface UploadTarget {
  uploadId: string;
  partSize: number;
}

/** What {@link PushProgress} needs. */
export interface PushProgressOptions {
  source: LayerSource;
  repositoryName: string;
  /** Endpoint and registry the progress is saved under. */
  scope: { endpoint: string; registryId: string };
  store: StateStore;
  /** The key the progress is saved under. */
  key: string;
  now: () => number;
  /** Bytes moved: show them. */
  onProgress: () => void;
  /** Something else changed (a note, a resumed offset): show it. */
  onChange: () => void;
}

/** Where one push stands with the endpoint, kept in memory and saved in the {@link StateStore}. */
export class PushProgress {
  readonly #options: PushProgressOptions;
  /** The upload the parts go to, once initiated or resumed. */
  upload: UploadTarget | undefined;
  /** The acknowledged offset and the layer's hash state there. */
  committed: Checkpoint = startCheckpoint();
  #checkpoints: Checkpoint[] = [];
  #fingerprint: FileFingerprint | undefined;
  #storeChecked = false;
  /** Bytes of the upload that this push did not send in order itself (resumed or resynced). */
  adopted = false;
  /** Bytes of the part in flight already sent. */
  inflight = 0;
  /** The offset an upload saved by an earlier run went on from. */
  resumedFrom: number | undefined;
  /** Bytes read again only to rebuild the hash state. */
  rehashedBytes = 0;
  /** A remark for people: where the push resumed, or why it started over. */
  note: string | undefined;

  constructor(options: PushProgressOptions) {
    this.#options = options;
  }

  /**
   * Goes on with the upload saved for this file, when there is one and it fits the file; true when it did. The
   * store is asked once per push: a saved upload that did not fit is forgotten.
   */
  async resumeSaved(signal: AbortSignal): Promise<boolean> {
    if (this.#storeChecked) return false;
    this.#storeChecked = true;
    const { source, store, key } = this.#options;
    const record = await store.get(key).catch(() => undefined);
    if (!record) return false;
    const { headBytes } = record.fingerprint;
    const head =
      Number.isSafeInteger(headBytes) && headBytes > 0 && headBytes <= source.size
        ? await sha256Hex(await readRange(source, 0, headBytes))
        : undefined;
    signal.throwIfAborted();
    const plan = planResume(record, source, head);
    if (plan.action === 'resume') {
      this.upload = { uploadId: plan.uploadId, partSize: plan.partSize };
      this.#fingerprint = record.fingerprint;
      this.adopted = true;
      this.resumedFrom = plan.offset;
      this.note = `Resumed at ${mebibytes(plan.offset)}, where an earlier upload of this file stopped.`;
      this.#checkpoints = [plan.from];
      this.committed = plan.from;
      if (plan.from.offset < plan.offset) await this.#rehashTo(plan.from, plan.offset, signal);
      this.#options.onChange();
      return true;
    }
    await this.forget();
    if (plan.reason === 'file-changed') this.note = 'A saved upload was for other content; started anew.';
    return false;
  }

  /** A new upload, from byte 0. */
  begin(upload: UploadTarget): void {
    this.upload = upload;
    this.committed = startCheckpoint();
    this.#checkpoints = [];
  }

  /** Drops the upload id and progress: the next attempt initiates a new upload from byte 0. */
  async startOver(note: string): Promise<void> {
    this.upload = undefined;
    this.committed = startCheckpoint();
    this.#checkpoints = [];
    this.adopted = false;
    this.resumedFrom = undefined;
    this.note = note;
    await this.forget();
    this.#options.onProgress();
  }

  /** Goes on at `offset`, where the endpoint says its bytes end, from the known hash state `from` before it. */
  async resync(offset: number, from: Checkpoint, signal: AbortSignal): Promise<void> {
    this.adopted = true;
    this.note = `The endpoint holds ${mebibytes(offset)} of this layer; went on from there.`;
    this.committed = from;
    if (from.offset < offset) await this.#rehashTo(from, offset, signal);
    this.#options.onProgress();
  }

  /** Every known hash state, the acknowledged one included. */
  checkpoints(): Checkpoint[] {
    return [...this.#checkpoints, this.committed];
  }

  /** Whether `part` is the one the file's fingerprint is taken from: the first, when there is none yet. */
  fingerprintsWith(part: LayerPart): boolean {
    return this.#fingerprint === undefined && part.partFirstByte === 0;
  }

  /** Records an acknowledged part: the new offset and hash state, saved for resume. */
  async commit(part: LayerPart, head: Promise<string> | undefined): Promise<void> {
    this.committed = { offset: part.partLastByte + 1, hashState: part.hashState };
    this.#checkpoints.push(this.committed);
    if (this.#checkpoints.length > MAX_CHECKPOINTS) this.#checkpoints.shift();
    this.#options.onProgress();
    if (head) {
      const { name, size, lastModified } = this.#options.source;
      this.#fingerprint = { name, size, lastModified, headBytes: part.bytes.length, headSha256: await head };
    }
    await this.#save();
  }

  /** The layer is complete: every byte counts as acknowledged. */
  finish(size: number): void {
    this.committed = { offset: size, hashState: this.committed.hashState };
  }

  /** Forgets the saved progress. */
  async forget(): Promise<void> {
    await this.#options.store.delete(this.#options.key).catch(() => {});
  }

  /** Saves progress; a store that fails (private browsing, quota) costs only resume across reloads. */
  async #save(): Promise<void> {
    const upload = this.upload;
    const fingerprint = this.#fingerprint;
    if (!upload || !fingerprint) return;
    const { store, key, scope, repositoryName, now } = this.#options;
    try {
      await store.put({
        key,
        ...scope,
        repositoryName,
        uploadId: upload.uploadId,
        partSize: upload.partSize,
        fingerprint,
        offset: this.committed.offset,
        hashState: this.committed.hashState,
        updatedAt: now(),
      });
    } catch {
      this.note = 'Progress cannot be saved in this browser: a reload will start this layer over.';
    }
  }

  /** Reads `from.offset` to `to` only to hash it: the hash state at `to` was not known. */
  async #rehashTo(from: Checkpoint, to: number, signal: AbortSignal): Promise<void> {
    const hasher = ResumableSha256.restore(from.hashState);
    await forEachChunk(this.#options.source, from.offset, to, signal, (chunk) => hasher.update(chunk)).catch(
      (error: unknown) => {
        throw signal.aborted ? signal.reason : sourceError(error);
      },
    );
    this.rehashedBytes += to - from.offset;
    this.committed = { offset: to, hashState: hasher.save() };
    this.#checkpoints.push(this.committed);
    await this.#save();
  }
}

/** `bytes` in MiB with one decimal, for notes. */
function mebibytes(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
