/**
 * Image pushes a reload (or a closed tab) interrupted: one row each, saying which archive was going where and
 * asking for the same file again, which then continues from the parts the registry acknowledged.
 * @module
 */

import { useRef } from 'preact/hooks';
import type { UnfinishedImagePush } from './imageResume.ts';

function UnfinishedRow({
  push,
  onFiles,
  onForget,
}: {
  push: UnfinishedImagePush;
  onFiles: (files: File[]) => void;
  onForget: (push: UnfinishedImagePush) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const target = `${push.repositoryName}:${push.tag}`;
  return (
    <li data-testid="unfinished-image" data-name={push.fileName}>
      <span>
        Resume pushing <strong>{push.fileName}</strong> to <code>{target}</code>: choose the same file again.
      </span>{' '}
      <button type="button" class="small" onClick={() => input.current?.click()}>
        Choose {push.fileName}
      </button>{' '}
      <button
        type="button"
        class="small"
        aria-label={`Forget the push of ${push.fileName}`}
        onClick={() => onForget(push)}
      >
        Forget
      </button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label={`The file ${push.fileName}`}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </li>
  );
}

/** The unfinished image pushes of this endpoint and registry that no row on the page is working on. */
export function UnfinishedImagePushes({
  pushes,
  onFiles,
  onForget,
}: {
  pushes: readonly UnfinishedImagePush[];
  /** Files chosen from a row: the same path as a drop, which recognises the archive and continues it. */
  onFiles: (files: File[]) => void;
  /** Drops the push and its saved layer uploads. */
  onForget: (push: UnfinishedImagePush) => void;
}) {
  if (pushes.length === 0) return null;
  return (
    <section class="saved" aria-labelledby="unfinished-images-heading">
      <h3 id="unfinished-images-heading">Unfinished image pushes</h3>
      <p class="hint">
        The page was reloaded or closed during these pushes. Choose the same archive again (here, or in the
        drop zone) and it continues with the same repository and tag, without sending again what the registry
        has.
      </p>
      <ul>
        {pushes.map((push) => (
          <UnfinishedRow key={push.key} push={push} onFiles={onFiles} onForget={onForget} />
        ))}
      </ul>
    </section>
  );
}
