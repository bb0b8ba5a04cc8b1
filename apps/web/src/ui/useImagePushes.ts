/**
 * The page's image pushes: the rows of the archives dropped (or chosen), what the image live region says, and
 * the pushes a reload interrupted ({@link UnfinishedImagePush}), continued when their archive comes again.
 * @module
 */

import { describeFailure, type EcrClient, type StateStore } from '@edgecr/client';
import { type ArchiveSource, ImageArchiveError, readImageArchive } from '@edgecr/image-archive';
import { useRef, useState } from 'preact/hooks';
import { type ImageEntry, type ImagePushContext, imageAnnouncement, startPush } from './ImagePushList.tsx';
import {
  type ArchiveIdentity,
  forgetPush,
  layerRecordKeys,
  loadUnfinishedPushes,
  type PushScope,
  rememberPush,
  type UnfinishedImagePush,
  unfinishedPushOf,
} from './imageResume.ts';

/** The rows one archive became, and those of them that continue an interrupted push (they start at once). */
export interface ImagesRead {
  readonly entries: ImageEntry[];
  readonly resumed: ImageEntry[];
}

/** What {@link useImagePushes} gives the page. */
export interface ImagePushes {
  readonly entries: readonly ImageEntry[];
  /** What the image live region says. */
  readonly message: string;
  /** How many pushes succeeded: views of the repository load again when it changes. */
  readonly pushed: number;
  /** What a row's push needs; undefined until the endpoint is valid. */
  readonly context: ImagePushContext | undefined;
  /** This endpoint's and registry's interrupted pushes that no row is continuing. */
  readonly waiting: readonly UnfinishedImagePush[];
  /** The saved layer uploads of interrupted pushes: not offered as loose uploads. */
  readonly layerKeys: ReadonlySet<string>;
  /**
   * Reads an archive into rows (a failed row for a damaged archive or a folder that is none); undefined for a
   * file that is no archive at all, which is then a loose layer.
   */
  read(file: ArchiveIdentity, source: ArchiveSource, repositoryName: string): Promise<ImagesRead | undefined>;
  /** Adds the rows read, announces them, and starts those that continue an interrupted push. */
  show(read: readonly ImagesRead[]): void;
  /** Drops an interrupted push and its saved layer uploads. */
  forget(push: UnfinishedImagePush): Promise<void>;
}

/** The image pushes of the page, for `client` and `scope`, saving layer uploads in `store`. */
export function useImagePushes({
  client,
  scope,
  store,
  onStoreChanged,
}: {
  client: EcrClient | undefined;
  scope: PushScope | undefined;
  store: StateStore;
  /** Called after saved layer uploads were deleted, so the list of saved uploads is read again. */
  onStoreChanged: () => void;
}): ImagePushes {
  const [entries, setEntries] = useState<readonly ImageEntry[]>([]);
  const [message, setMessage] = useState('');
  const [pushed, setPushed] = useState(0);
  const [unfinished, setUnfinished] = useState<UnfinishedImagePush[]>(loadUnfinishedPushes);
  const nextId = useRef(1);

  const update = (id: number, change: Partial<ImageEntry>) => {
    setEntries((list) =>
      list.map((entry) => {
        if (entry.id !== id) return entry;
        const next = { ...entry, ...change };
        if (change.status && change.status !== entry.status) setMessage(imageAnnouncement(next));
        return next;
      }),
    );
  };
  const context: ImagePushContext | undefined = client &&
    scope && {
      client,
      scope,
      store,
      update,
      onPushed: () => setPushed((n) => n + 1),
      onStarted: ({ file, image, repositoryName, tag }) => {
        if (image) setUnfinished(rememberPush(scope, { file, image, repositoryName, tag }));
      },
      onEnded: ({ file, image, repositoryName }) => {
        const same = loadUnfinishedPushes().filter((p) => p.repositoryName === repositoryName);
        const push = image && unfinishedPushOf(same, scope, file, image);
        if (push) setUnfinished(forgetPush(push.key));
      },
    };

  const read = async (
    file: ArchiveIdentity,
    source: ArchiveSource,
    repositoryName: string,
  ): Promise<ImagesRead | undefined> => {
    const entry = { file, repositoryName, tag: '', status: 'ready' as const };
    try {
      const archive = await readImageArchive(source);
      const found: ImageEntry[] = [];
      const resumed: ImageEntry[] = [];
      for (const image of archive.images) {
        // A reload's unfinished push of this image continues with the repository and tag it had.
        const push = scope && unfinishedPushOf(unfinished, scope, file, image);
        const next = push
          ? { ...entry, id: nextId.current++, image, repositoryName: push.repositoryName, tag: push.tag }
          : { ...entry, id: nextId.current++, image, tag: image.tags[0] ?? 'latest' };
        found.push(next);
        if (push) resumed.push(next);
      }
      return { entries: found, resumed };
    } catch (failure) {
      // Only a file that is no image archive at all is a loose layer; a broken archive says what is wrong.
      const notAnArchive =
        failure instanceof ImageArchiveError &&
        (failure.code === 'NotATar' || failure.code === 'NotAnImageArchive');
      if (notAnArchive && source instanceof Blob) return undefined;
      const failed = {
        ...entry,
        id: nextId.current++,
        image: undefined,
        status: 'failed' as const,
        failure: describeFailure(failure),
      };
      return { entries: [failed], resumed: [] };
    }
  };

  const show = (reads: readonly ImagesRead[]) => {
    const found = reads.flatMap((r) => r.entries);
    if (found.length === 0 || !context) return;
    setEntries((list) => [...list, ...found]);
    setMessage(found.map(imageAnnouncement).join(' '));
    for (const entry of reads.flatMap((r) => r.resumed)) void startPush(entry, context);
  };

  const forget = async (push: UnfinishedImagePush) => {
    setUnfinished(forgetPush(push.key));
    await Promise.all(layerRecordKeys(push).map((key) => store.delete(key).catch(() => {})));
    onStoreChanged();
  };

  const waiting = unfinished.filter(
    (push) =>
      push.endpoint === scope?.endpoint &&
      push.registryId === scope.registryId &&
      !entries.some(
        (entry) =>
          entry.image &&
          entry.repositoryName === push.repositoryName &&
          unfinishedPushOf([push], scope, entry.file, entry.image),
      ),
  );
  const layerKeys = new Set(unfinished.flatMap(layerRecordKeys));
  return { entries, message, pushed, context, waiting, layerKeys, read, show, forget };
}
