/**
 * Image pushes a reload (or a closed tab) interrupted: one row each, saying which archive was going where and
 * asking for the same file again, which then continues from the parts the registry acknowledged.
 * @module
 */

import { useEffect, useRef } from 'preact/hooks';
import { type ChosenFolder, folderOfInput } from './folderFiles.ts';
import type { UnfinishedImagePush } from './imageResume.ts';

/** Where a chosen file or folder goes: the same paths as a drop, which recognise the archive and continue it. */
interface Choices {
  onFiles: (files: File[]) => void;
  onFolder: (folder: ChosenFolder) => void;
}

function UnfinishedRow({
  push,
  choices,
  onForget,
}: {
  push: UnfinishedImagePush;
  choices: Choices;
  onForget: (push: UnfinishedImagePush) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  // A folder's push asks for the folder again (see DropZone for why the property is set here).
  useEffect(() => {
    if (input.current) input.current.webkitdirectory = push.folder;
  }, [push.folder]);
  const target = `${push.repositoryName}:${push.tag}`;
  return (
    <li data-testid="unfinished-image" data-name={push.fileName}>
      <span>
        Resume pushing <strong>{push.fileName}</strong> to <code>{target}</code>: choose the same{' '}
        {push.folder ? 'folder' : 'file'} again.
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
        aria-label={`The ${push.folder ? 'folder' : 'file'} ${push.fileName}`}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          const folder = push.folder ? folderOfInput(files) : undefined;
          if (folder) choices.onFolder(folder);
          else if (files.length > 0) choices.onFiles(files);
        }}
      />
    </li>
  );
}

/** The unfinished image pushes of this endpoint and registry that no row on the page is working on. */
export function UnfinishedImagePushes({
  pushes,
  choices,
  onForget,
}: {
  pushes: readonly UnfinishedImagePush[];
  choices: Choices;
  /** Drops the push and its saved layer uploads. */
  onForget: (push: UnfinishedImagePush) => void;
}) {
  if (pushes.length === 0) return null;
  return (
    <section class="saved" aria-labelledby="unfinished-images-heading">
      <h4 id="unfinished-images-heading">Unfinished image pushes</h4>
      <p class="hint">
        The page was reloaded or closed during these pushes. Choose the same archive again (here, or in the
        drop zone) and it continues with the same repository and tag, without sending again what the registry
        has.
      </p>
      <ul>
        {pushes.map((push) => (
          <UnfinishedRow key={push.key} push={push} choices={choices} onForget={onForget} />
        ))}
      </ul>
    </section>
  );
}
