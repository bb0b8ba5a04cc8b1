/**
 * Whole images from archive files (`docker save`, OCI layout tar): a tag to push under, progress, pause,
 * resume and cancel, and the pushed image with its pull command. The pushing is @edgecr/client's
 * {@link pushImage}; this file keeps only what the page shows about each push.
 * @module
 */

import {
  BlobPushError,
  describeFailure,
  type EcrClient,
  type ImagePushProgress,
  type ImagePushResult,
  pushImage,
  type StateStore,
  type UploadFailure,
} from '@edgecr/client';
import type { ArchiveImage } from '@edgecr/image-archive';
import { formatBytes, formatSpeed, percent } from './format.ts';
import type { ArchiveIdentity } from './imageResume.ts';
import { FailureBox } from './LayerList.tsx';
import { PullCommand } from './PullCommand.tsx';

/** One image of an archive (file or folder) dropped on the page, and where its push stands. */
export interface ImageEntry {
  readonly id: number;
  /** The archive: a file, or a folder holding an OCI layout. */
  readonly file: ArchiveIdentity;
  /** Undefined when the archive could not be read (then `failure` says why). */
  readonly image: ArchiveImage | undefined;
  readonly repositoryName: string;
  readonly tag: string;
  readonly status: 'ready' | 'pushing' | 'paused' | 'done' | 'failed' | 'cancelled';
  readonly progress?: ImagePushProgress;
  readonly result?: ImagePushResult;
  readonly failure?: UploadFailure;
}

/** What a push needs from the page. */
export interface ImagePushContext {
  client: EcrClient;
  scope: { endpoint: string; registryId: string };
  store: StateStore;
  /** Applies a change to the entry with this id. */
  update: (id: number, change: Partial<ImageEntry>) => void;
  /** Called after a push that succeeded, so views of the repository load again. */
  onPushed: () => void;
  /** Called when a push starts or continues: until it ends, a reload must not lose which push it was. */
  onStarted: (entry: ImageEntry) => void;
  /** Called when a push is done or cancelled: nothing is left to continue. */
  onEnded: (entry: ImageEntry) => void;
}

/** The push running for each entry, so pause and cancel can stop it. */
const running = new Map<number, AbortController>();

/** Reasons a push is stopped for; anything else the push rejects with is a failure. */
const PAUSED = 'paused';
const CANCELLED = 'cancelled';

/**
 * Starts (or continues, from the saved parts) the push of `entry`'s image.
 * @example
 * void startPush(entry, { client, scope, store, update, onPushed, onStarted, onEnded });
 */
export async function startPush(entry: ImageEntry, context: ImagePushContext): Promise<void> {
  if (!entry.image || running.has(entry.id)) return;
  const controller = new AbortController();
  running.set(entry.id, controller);
  const { update } = context;
  update(entry.id, { status: 'pushing', failure: undefined });
  context.onStarted(entry);
  try {
    const result = await pushImage(entry.image, {
      api: context.client,
      repositoryName: entry.repositoryName,
      ...(entry.tag !== '' && { tag: entry.tag }),
      scope: context.scope,
      store: context.store,
      lastModified: entry.file.lastModified,
      signal: controller.signal,
      onProgress: (progress) => update(entry.id, { progress }),
    });
    update(entry.id, { status: 'done', result });
    context.onEnded(entry);
    context.onPushed();
  } catch (failure) {
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason === CANCELLED) context.onEnded(entry);
    if (reason === PAUSED || reason === CANCELLED) update(entry.id, { status: reason });
    else update(entry.id, { status: 'failed', failure: imageFailure(failure, entry.repositoryName) });
  } finally {
    running.delete(entry.id);
  }
}

/** A push's failure in words: a layer's as the engine worded it, and a key that may not push told so plainly. */
function imageFailure(failure: unknown, repositoryName: string): UploadFailure {
  const described = failure instanceof BlobPushError ? failure.failure : describeFailure(failure);
  if (described.code !== 'AccessDeniedException') return described;
  return {
    ...described,
    message: `This key may not push to ${repositoryName}: pushing needs push (or admin) permission on this registry and repository. Enter a key that may push in Settings.`,
  };
}

function stop(id: number, reason: typeof PAUSED | typeof CANCELLED): void {
  running.get(id)?.abort(reason);
}

/** The words a screen reader hears when an entry's status changes. */
export function imageAnnouncement(entry: ImageEntry): string {
  const name = entry.file.name;
  switch (entry.status) {
    case 'ready':
      return `${name}: image archive, ready to push.`;
    case 'pushing':
      return `${name}: pushing the image.`;
    case 'paused':
      return `${name}: paused.`;
    case 'cancelled':
      return `${name}: cancelled.`;
    case 'done':
      return `${name}: image pushed.`;
    case 'failed':
      return `${name}: failed. ${entry.failure?.message ?? ''}`;
  }
}

function ImageRow({ entry, context, host }: { entry: ImageEntry; context: ImagePushContext; host: string }) {
  const { id, file, progress, result, status } = entry;
  const label = `${file.name}`;
  const done = progress?.bytesDone ?? 0;
  const total = progress?.totalBytes ?? 0;
  const pct = status === 'done' ? 100 : percent(done, total);
  const reference = `${host}/${entry.repositoryName}:${result?.tag ?? entry.tag}`;
  return (
    <li class="layer" data-testid="image" data-name={file.name} data-status={status} data-bytes-done={done}>
      <div class="layer-head">
        <strong>{file.name}</strong> <span class="status">{status}</span>
      </div>
      {entry.image && (
        <div class="row">
          <label for={`image-tag-${id}`}>Tag</label>
          <input
            id={`image-tag-${id}`}
            value={entry.tag}
            disabled={status !== 'ready' && status !== 'failed' && status !== 'cancelled'}
            spellcheck={false}
            autocomplete="off"
            onInput={(event) => context.update(id, { tag: event.currentTarget.value.trim() })}
          />
        </div>
      )}
      {progress && (
        <>
          <progress max={100} value={pct} aria-label={`${label} progress`} />
          <p class="hint" data-testid="image-stats">
            {formatBytes(done)} of {formatBytes(total)} ({pct}%)
            {status === 'pushing' &&
              progress.bytesPerSecond > 0 &&
              ` · ${formatSpeed(progress.bytesPerSecond)}`}
          </p>
        </>
      )}
      <div class="row">
        {(status === 'ready' || status === 'paused' || status === 'failed' || status === 'cancelled') &&
          entry.image && (
            <button type="button" onClick={() => void startPush(entry, context)}>
              {status === 'ready' ? 'Push' : 'Resume'} {label}
            </button>
          )}
        {status === 'pushing' && (
          <>
            <button type="button" onClick={() => stop(id, PAUSED)}>
              Pause {label}
            </button>
            <button type="button" onClick={() => stop(id, CANCELLED)}>
              Cancel {label}
            </button>
          </>
        )}
      </div>
      {result && (
        <dl class="image-result" data-testid="image-result">
          <dt>Image digest</dt>
          <dd>
            <code data-testid="image-digest">{result.imageDigest}</code>
          </dd>
          <dt>Pull</dt>
          <dd>
            <PullCommand command={`docker pull ${reference}`} label={`Pull command for ${label}`} />
          </dd>
        </dl>
      )}
      {entry.failure && <FailureBox failure={entry.failure} />}
    </li>
  );
}

/** The image archives dropped on the page, newest last. */
export function ImagePushList({
  entries,
  context,
}: {
  entries: readonly ImageEntry[];
  context: ImagePushContext;
}) {
  if (entries.length === 0) return null;
  const host = new URL(context.client.endpoint).host;
  return (
    <section aria-labelledby="images-heading">
      <h4 id="images-heading">Image pushes</h4>
      <ul class="layers">
        {entries.map((entry) => (
          <ImageRow key={entry.id} entry={entry} context={context} host={host} />
        ))}
      </ul>
    </section>
  );
}
