/**
 * How a {@link LayerPush} ends: the pre-check that finds a layer already there, CompleteLayerUpload with the
 * digest computed on the way, and the download URL once the layer is in the repository (when asked for).
 * @module
 */
import { formatSha256Digest, ResumableSha256 } from '@edgecr/chunker';
import { describeFailure, isEcrError, LayerSourceError } from './errors.ts';
import type { LayerResult } from './layerSnapshot.ts';
import { forEachChunk } from './layerSource.ts';
import type { PushContext } from './partSender.ts';

/** The end of one push, and what it must remember across runs (pauses) to get there. */
export class PushOutcome {
  readonly #push: PushContext;
  /** Whether to ask for a download URL once done. */
  readonly #wantsUrl: boolean;
  /** The pre-check's digest, and its hash while it is being computed (resumable across pauses). */
  #digest: string | undefined;
  #hasher: ResumableSha256 | undefined;
  #prechecked = false;
  /** Whether a CompleteLayerUpload was ever sent for the current upload id. */
  #completionSent = false;
  /** The upload is complete; only the download URL is missing (a pause came in between). */
  #completed: LayerResult | undefined;

  constructor(push: PushContext, wantsUrl: boolean) {
    this.#push = push;
    this.#wantsUrl = wantsUrl;
  }

  /** Bytes the pre-check has hashed. */
  get bytesHashed(): number {
    return this.#hasher?.length ?? 0;
  }

  /** Whether the pre-check has been made (it is made once per push). */
  get prechecked(): boolean {
    return this.#prechecked;
  }

  /** The result of a push that is complete but for its download URL. */
  get completed(): LayerResult | undefined {
    return this.#completed;
  }

  /** A new upload id: no CompleteLayerUpload was sent for it. */
  startOver(): void {
    this.#completionSent = false;
  }

  /** The pre-check: hashes the file (resumably across pauses) and asks whether the repository has it. */
  async alreadyPresent(signal: AbortSignal): Promise<boolean> {
    const status = this.#push.status;
    if (this.#digest === undefined) {
      status.enter('hashing', signal);
      status.resetSpeed();
      this.#hasher ??= new ResumableSha256();
      const hasher = this.#hasher;
      await forEachChunk(this.#push.source, hasher.length, this.#push.source.size, signal, (chunk) => {
        hasher.update(chunk);
        status.progress();
      });
      this.#digest = formatSha256Digest(hasher.digest());
      status.resetSpeed();
    }
    const digest = this.#digest;
    status.enter('checking', signal);
    const available = await this.#push.requests.isAvailable(digest, signal);
    this.#prechecked = true;
    if (!available) return false;
    await this.finish({ outcome: 'already-present', digest, size: this.#push.source.size }, signal);
    return true;
  }

  async complete(signal: AbortSignal): Promise<void> {
    const requests = this.#push.requests;
    const { uploadId } = this.#push.progress.upload as { uploadId: string };
    const digest = formatSha256Digest(
      ResumableSha256.restore(this.#push.progress.committed.hashState).digest(),
    );
    if (this.#digest !== undefined && this.#digest !== digest) {
      throw new LayerSourceError('The file changed between the pre-check and the upload', 'FileChanged');
    }
    const size = this.#push.source.size;
    this.#push.status.enter('completing', signal);
    const sentBefore = this.#completionSent;
    let attempts = 0;
    try {
      const completed = await requests.withRetry((options) => {
        attempts++;
        this.#completionSent = true;
        return requests.api.completeLayerUpload(
          { repositoryName: requests.repositoryName, uploadId, layerDigests: [digest] },
          options,
        );
      }, signal);
      if (completed.layerDigest !== undefined && completed.layerDigest !== digest) {
        throw new Error(`The endpoint computed ${completed.layerDigest}, the file is ${digest}`);
      }
      await this.finish({ outcome: 'uploaded', digest, size }, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (isEcrError(error, 'LayerAlreadyExistsException')) {
        await this.finish({ outcome: 'already-present', digest, size }, signal);
        return;
      }
      // The upload is gone, but the layer may be there: an earlier attempt (in this run, or one paused or
      // reloaded) completed it and lost the answer. Sending every byte again would be the wrong fix.
      if (isEcrError(error, 'UploadNotFoundException') && (await requests.isAvailable(digest, signal))) {
        const outcome = sentBefore || attempts > 1 ? 'uploaded' : 'already-present';
        await this.finish({ outcome, digest, size }, signal);
        return;
      }
      throw error;
    }
  }

  /**
   * Done: forgets the saved progress and, when wanted, asks for a download URL (its failure is no failure of
   * the upload).
   */
  async finish(result: LayerResult, signal: AbortSignal): Promise<void> {
    this.#completed = result;
    await this.#push.progress.forget();
    this.#push.progress.finish(result.size);
    if (this.#wantsUrl) await this.#askDownloadUrl(result, signal);
    this.#push.status.result = result;
    this.#push.status.set('done');
  }

  /** Records GetDownloadUrlForLayer's answer, or why there is none, on the result. */
  async #askDownloadUrl(result: LayerResult, signal: AbortSignal): Promise<void> {
    const requests = this.#push.requests;
    try {
      const { downloadUrl } = await requests.withRetry(
        (options) =>
          requests.api.getDownloadUrlForLayer(
            { repositoryName: requests.repositoryName, layerDigest: result.digest },
            options,
          ),
        signal,
      );
      if (downloadUrl) result.downloadUrl = downloadUrl;
    } catch (error) {
      if (signal.aborted) throw error;
      result.downloadUrlError = describeFailure(error);
    }
  }
}
