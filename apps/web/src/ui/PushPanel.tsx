/**
 * Push, an action of a repository: drop (or choose) a `docker save` or OCI layout archive, a folder holding an
 * OCI layout, or loose layer files, and follow the engine's progress. The queue and the image pushes belong to
 * the page (they go on while the person looks at other views); this panel shows those of its repository.
 * @module
 */

import type { QueueSnapshot, UploadQueue, UploadRecord } from '@edgecr/client';
import { DropZone } from './DropZone.tsx';
import type { ChosenFolder } from './folderFiles.ts';
import { ImagePushList } from './ImagePushList.tsx';
import { LayerList, SavedUploads } from './LayerList.tsx';
import { UnfinishedImagePushes } from './UnfinishedImagePushes.tsx';
import type { ImagePushes } from './useImagePushes.ts';

/** Where what the panel receives goes: the page's own handlers, told the repository. */
export interface PushTargets {
  onFiles: (files: File[], repositoryName: string) => void;
  onFolder: (folder: ChosenFolder, repositoryName: string) => void;
}

export function PushPanel({
  repositoryName,
  queue,
  snapshot,
  saved,
  images,
  precheck,
  onPrecheck,
  targets,
  onForgetUpload,
}: {
  repositoryName: string;
  queue: UploadQueue;
  snapshot: QueueSnapshot;
  /** Saved loose-layer uploads no row is working on. */
  saved: readonly UploadRecord[];
  images: ImagePushes;
  precheck: boolean;
  onPrecheck: (on: boolean) => void;
  targets: PushTargets;
  onForgetUpload: (key: string) => void;
}) {
  const choices = {
    onFiles: (files: File[]) => targets.onFiles(files, repositoryName),
    onFolder: (folder: ChosenFolder) => targets.onFolder(folder, repositoryName),
  };
  const entries = images.entries.filter((entry) => entry.repositoryName === repositoryName);
  return (
    <section aria-labelledby="push-heading" class="push-panel" data-testid="push-panel">
      <h3 id="push-heading">Push to {repositoryName}</h3>
      <DropZone blockedReason={undefined} onFiles={choices.onFiles} onFolder={choices.onFolder} />
      <label class="option">
        <input
          type="checkbox"
          checked={precheck}
          onChange={(event) => onPrecheck(event.currentTarget.checked)}
        />{' '}
        Skip layers the repository already has (reads each file once first, to compute its digest)
      </label>
      <UnfinishedImagePushes
        pushes={images.waiting.filter((push) => push.repositoryName === repositoryName)}
        choices={choices}
        onForget={(push) => void images.forget(push)}
      />
      <SavedUploads
        records={saved.filter((record) => record.repositoryName === repositoryName)}
        onForget={onForgetUpload}
      />
      {images.context && entries.length > 0 && <ImagePushList entries={entries} context={images.context} />}
      <LayerList snapshot={snapshot} queue={queue} />
    </section>
  );
}
