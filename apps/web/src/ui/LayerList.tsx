/**
 * The layers: overall progress and actions, one row per layer, and the uploads saved by an earlier visit.
 * @module
 */

import {
  ACTIVE_STATUSES,
  type LayerResult,
  type LayerSnapshot,
  type QueueSnapshot,
  type UploadFailure,
  type UploadQueue,
  type UploadRecord,
} from '@edgecr/client';
import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatDuration, formatSpeed, percent, STATUS_LABELS } from './format.ts';

/** A failure in words, with the code and the server's message one click away. */
export function FailureBox({ failure, alert = false }: { failure: UploadFailure; alert?: boolean }) {
  return (
    <div class="failure" role={alert ? 'alert' : undefined} data-testid="failure" data-code={failure.code}>
      <p>{failure.message}</p>
      <details>
        <summary>Details</summary>
        <p>
          Code <code>{failure.code}</code>
          {failure.status !== undefined && ` (HTTP ${failure.status})`}: {failure.detail}
        </p>
      </details>
    </div>
  );
}

/** The current time, ticking every second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? Math.max(now, Date.now()) : now;
}

function stats(layer: LayerSnapshot): string {
  const { size, status } = layer;
  if (status === 'done') return formatBytes(size);
  if (status === 'hashing') {
    const speed = layer.bytesPerSecond > 0 ? ` · ${formatSpeed(layer.bytesPerSecond)}` : '';
    return `Reading to compute the digest: ${formatBytes(layer.bytesHashed)} of ${formatBytes(size)} (${percent(layer.bytesHashed, size)}%)${speed}`;
  }
  const parts = [
    `${formatBytes(layer.bytesUploaded)} of ${formatBytes(size)} (${percent(layer.bytesUploaded, size)}%)`,
  ];
  if (ACTIVE_STATUSES.has(status) && layer.bytesPerSecond > 0) parts.push(formatSpeed(layer.bytesPerSecond));
  if (status === 'uploading' && layer.etaSeconds !== undefined)
    parts.push(`${formatDuration(layer.etaSeconds)} left`);
  return parts.join(' · ');
}

function Result({ layer, result }: { layer: LayerSnapshot; result: LayerResult }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="result">
      {result.outcome === 'already-present' && (
        <p class="note" data-testid="already-present">
          Already in the repository: nothing more to send.
        </p>
      )}
      <dl>
        <dt>Digest</dt>
        <dd>
          <code data-testid="digest">{result.digest}</code>{' '}
          <button
            type="button"
            class="small"
            aria-label={`Copy the digest of ${layer.name}`}
            onClick={() =>
              navigator.clipboard?.writeText(result.digest).then(
                () => setCopied(true),
                () => {},
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(result.size)} ({result.size.toLocaleString('en')} bytes)
        </dd>
        <dt>Download</dt>
        <dd>
          {result.downloadUrl ? (
            <a href={result.downloadUrl} download={layer.name} data-testid="download">
              Download {layer.name}
            </a>
          ) : (
            <span class="hint">
              {result.downloadUrlError?.message ?? 'The endpoint gave no download link.'}
            </span>
          )}
        </dd>
      </dl>
    </div>
  );
}

function LayerRow({ layer, queue }: { layer: LayerSnapshot; queue: UploadQueue }) {
  const { id, name, status } = layer;
  const active = ACTIVE_STATUSES.has(status);
  const now = useNow(status === 'retrying');
  const progress =
    status === 'hashing' ? percent(layer.bytesHashed, layer.size) : percent(layer.bytesUploaded, layer.size);
  const finished = status === 'done' || status === 'cancelled';
  return (
    <li
      class={`layer status-${status}`}
      data-testid="layer"
      data-name={name}
      data-status={status}
      data-bytes-uploaded={layer.bytesUploaded}
      data-bytes-acknowledged={layer.bytesAcknowledged}
      data-resumed-from={layer.resumedFrom}
      data-rehashed-bytes={layer.rehashedBytes}
    >
      <div class="layer-head">
        <span class="layer-name">{name}</span>
        <span class="badge">{STATUS_LABELS[status]}</span>
      </div>
      <progress max={100} value={progress} aria-label={`${name}: ${progress}%`} />
      <p class="stats">{stats(layer)}</p>
      {layer.note && <p class="note">{layer.note}</p>}
      {status === 'offline' && (
        <p class="note">The browser is offline. The upload goes on when the network is back.</p>
      )}
      {status === 'retrying' && layer.retry && (
        <p class="note" data-testid="retrying">
          {layer.retry.failure.message} Trying again
          {layer.retry.at > now ? ` in ${formatDuration((layer.retry.at - now) / 1000)}` : ' now'} (retry{' '}
          {layer.retry.attempt}).
        </p>
      )}
      {layer.error && <FailureBox failure={layer.error} />}
      {layer.result && <Result layer={layer} result={layer.result} />}
      {/* biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form fieldset. */}
      <div class="actions" role="group" aria-label={`Actions for ${name}`}>
        {(active || status === 'queued') && (
          <button type="button" aria-label={`Pause ${name}`} onClick={() => queue.pause(id)}>
            Pause
          </button>
        )}
        {(status === 'paused' || status === 'failed') && (
          <button
            type="button"
            aria-label={`${status === 'failed' ? 'Retry' : 'Resume'} ${name}`}
            onClick={() => queue.resume(id)}
          >
            {status === 'failed' ? 'Retry' : 'Resume'}
          </button>
        )}
        {!finished && (
          <button type="button" aria-label={`Cancel ${name}`} onClick={() => void queue.cancel(id)}>
            Cancel
          </button>
        )}
        {(finished || status === 'failed') && (
          <button type="button" aria-label={`Remove ${name} from the list`} onClick={() => queue.remove(id)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

function Overall({ snapshot, queue }: { snapshot: QueueSnapshot; queue: UploadQueue }) {
  const { layers, totalBytes, bytesUploaded } = snapshot;
  const counted = layers.filter((layer) => layer.status !== 'cancelled');
  const done = counted.filter((layer) => layer.status === 'done').length;
  const failed = counted.filter((layer) => layer.status === 'failed').length;
  const pausable = layers.some((layer) => ACTIVE_STATUSES.has(layer.status) || layer.status === 'queued');
  const resumable = layers.some((layer) => layer.status === 'paused' || layer.status === 'failed');
  const cancellable = layers.some((layer) => layer.status !== 'done' && layer.status !== 'cancelled');
  const pct = percent(bytesUploaded, totalBytes);
  const parts = [
    `${done} of ${counted.length} ${counted.length === 1 ? 'layer' : 'layers'} done${failed ? `, ${failed} failed` : ''}`,
    `${formatBytes(bytesUploaded)} of ${formatBytes(totalBytes)} (${pct}%)`,
  ];
  if (snapshot.bytesPerSecond > 0) parts.push(formatSpeed(snapshot.bytesPerSecond));
  if (snapshot.etaSeconds !== undefined && snapshot.active > 0)
    parts.push(`${formatDuration(snapshot.etaSeconds)} left`);
  return (
    <section class="overall" aria-labelledby="overall-heading" data-testid="overall">
      <h4 id="overall-heading">All layers</h4>
      <progress max={100} value={pct} aria-label={`All layers: ${pct}%`} />
      <p class="stats">{parts.join(' · ')}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form fieldset. */}
      <div class="actions" role="group" aria-label="Actions for all layers">
        <button type="button" onClick={() => queue.pauseAll()} disabled={!pausable}>
          Pause all
        </button>
        <button type="button" onClick={() => queue.resumeAll()} disabled={!resumable}>
          Resume all
        </button>
        <button type="button" onClick={() => void queue.cancelAll()} disabled={!cancellable}>
          Cancel all
        </button>
      </div>
    </section>
  );
}

export function LayerList({ snapshot, queue }: { snapshot: QueueSnapshot; queue: UploadQueue }) {
  if (snapshot.layers.length === 0) return null;
  return (
    <>
      <Overall snapshot={snapshot} queue={queue} />
      <ul class="layers">
        {snapshot.layers.map((layer) => (
          <LayerRow key={layer.id} layer={layer} queue={queue} />
        ))}
      </ul>
    </>
  );
}

function ago(ms: number): string {
  const seconds = (Date.now() - ms) / 1000;
  return seconds < 60 ? 'just now' : `${formatDuration(seconds)} ago`;
}

export function SavedUploads({
  records,
  onForget,
}: {
  records: UploadRecord[];
  onForget: (key: string) => void;
}) {
  if (records.length === 0) return null;
  return (
    <section class="saved" aria-labelledby="saved-heading">
      <h4 id="saved-heading">Unfinished uploads</h4>
      <p class="hint">
        Choose the same file again, with the same repository selected, and it continues where it stopped.
      </p>
      <ul>
        {records.map((record) => {
          const { name, size } = record.fingerprint;
          return (
            <li key={record.key} data-testid="saved-upload" data-name={name} data-offset={record.offset}>
              <span>
                <strong>{name}</strong>: {formatBytes(record.offset)} of {formatBytes(size)} (
                {percent(record.offset, size)}%) to <code>{record.repositoryName}</code>, saved{' '}
                {ago(record.updatedAt)}
              </span>{' '}
              <button
                type="button"
                class="small"
                aria-label={`Forget the upload of ${name}`}
                onClick={() => onForget(record.key)}
              >
                Forget
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
