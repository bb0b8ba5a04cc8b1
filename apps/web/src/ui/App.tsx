/**
 * The page: settings, repository, drop zone and the layer list, over one {@link UploadQueue}. All the
 * uploading is the engine's; this file only wires it to the page and keeps no upload state of its own.
 * @module
 */

import {
  blobSource,
  browserConnectivity,
  describeFailure,
  EcrClient,
  IndexedDbStateStore,
  MemoryStateStore,
  type QueueSnapshot,
  type StateStore,
  UploadQueue,
  type UploadRecord,
} from '@edgecr/client';
import { type ArchiveSource, ImageArchiveError, readImageArchive } from '@edgecr/image-archive';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { announce, createAnnouncer } from './announce.ts';
import { DropZone } from './DropZone.tsx';
import { type ChosenFolder, folderIdentity } from './folderFiles.ts';
import {
  type ImageEntry,
  type ImagePushContext,
  ImagePushList,
  imageAnnouncement,
  startPush,
} from './ImagePushList.tsx';
import {
  type ArchiveIdentity,
  forgetPush,
  layerRecordKeys,
  loadUnfinishedPushes,
  rememberPush,
  type UnfinishedImagePush,
  unfinishedPushOf,
} from './imageResume.ts';
import { LayerList, SavedUploads } from './LayerList.tsx';
import { RepositoryPicker } from './RepositoryPicker.tsx';
import { RepositoryView } from './RepositoryView.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import {
  loadPreferences,
  loadSettings,
  type Preferences,
  type Settings,
  savePreferences,
  saveSettings,
} from './settings.ts';
import { UnfinishedImagePushes } from './UnfinishedImagePushes.tsx';

function createStore(): StateStore {
  return typeof indexedDB === 'undefined'
    ? new MemoryStateStore()
    : new IndexedDbStateStore('edgecr-uploads');
}

/** The queue's snapshot, re-rendered at most once a frame however often the engine reports. */
function useQueueSnapshot(queue: UploadQueue): QueueSnapshot {
  const [snapshot, setSnapshot] = useState(queue.snapshot);
  useEffect(() => {
    let frame = 0;
    const stop = queue.subscribe(() => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        setSnapshot(queue.snapshot);
      });
    });
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [queue]);
  return snapshot;
}

/** Saved uploads of this endpoint and registry that no layer on the page is working on. */
function useSavedUploads(
  store: StateStore,
  scope: { endpoint: string; registryId: string } | undefined,
  snapshot: QueueSnapshot,
  revision: number,
): UploadRecord[] {
  const [records, setRecords] = useState<UploadRecord[]>([]);
  // Reload when a layer changes status, not on every progress report.
  const statuses = snapshot.layers.map((layer) => `${layer.id}:${layer.status}`).join();
  useEffect(() => {
    let live = true;
    store
      .list()
      .then((all) => {
        if (live)
          setRecords(all.filter((r) => r.endpoint === scope?.endpoint && r.registryId === scope.registryId));
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [store, scope?.endpoint, scope?.registryId, statuses, revision]);
  return records;
}

/** What the live region says: the sentences of the last change worth announcing. */
function useAnnouncement(snapshot: QueueSnapshot): string {
  const state = useRef(createAnnouncer());
  const [text, setText] = useState('');
  useEffect(() => {
    const sentences = announce(state.current, snapshot, performance.now());
    if (sentences.length > 0) setText(sentences.join(' '));
  }, [snapshot]);
  return text;
}

export function App() {
  const [settings, setSettings] = useState<Settings>(() => loadSettings(location.origin));
  const [preferences, setPreferences] = useState<Preferences>(loadPreferences);
  const [revision, setRevision] = useState(0);
  const current = useRef(settings);
  current.current = settings;

  const store = useMemo(createStore, []);
  const [images, setImages] = useState<readonly ImageEntry[]>([]);
  const [imageMessage, setImageMessage] = useState('');
  const nextImageId = useRef(1);
  const [imagesPushed, setImagesPushed] = useState(0);
  const [unfinished, setUnfinished] = useState<UnfinishedImagePush[]>(loadUnfinishedPushes);
  const queue = useMemo(() => new UploadQueue({ store, connectivity: browserConnectivity() }), [store]);
  const snapshot = useQueueSnapshot(queue);

  const { endpoint, region, registryId } = settings;
  const client = useMemo(() => {
    try {
      return new EcrClient({
        endpoint,
        region: region || 'us-east-1',
        ...(registryId && { registryId }),
        // Read at every request: new credentials apply to uploads already running.
        credentials: () => {
          const { accessKeyId, secretAccessKey, sessionToken } = current.current;
          return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) };
        },
      });
    } catch {
      return undefined;
    }
  }, [endpoint, region, registryId]);
  const scope = useMemo(() => client && { endpoint: client.endpoint, registryId }, [client, registryId]);
  const saved = useSavedUploads(store, scope, snapshot, revision);
  const announcement = useAnnouncement(snapshot);
  const hasCredentials = settings.accessKeyId !== '' && settings.secretAccessKey !== '';

  const updateSettings = (next: Settings) => {
    saveSettings(next);
    setSettings(next);
  };
  const updatePreferences = (next: Partial<Preferences>) => {
    const merged = { ...preferences, ...next };
    savePreferences(merged);
    setPreferences(merged);
  };
  const updateImage = (id: number, change: Partial<ImageEntry>) => {
    setImages((list) =>
      list.map((entry) => {
        if (entry.id !== id) return entry;
        const next = { ...entry, ...change };
        if (change.status && change.status !== entry.status) setImageMessage(imageAnnouncement(next));
        return next;
      }),
    );
  };
  const imageContext: ImagePushContext | undefined = client &&
    scope && {
      client,
      scope,
      store,
      update: updateImage,
      onPushed: () => setImagesPushed((n) => n + 1),
      onStarted: ({ file, image, repositoryName, tag }) => {
        if (image) setUnfinished(rememberPush(scope, { file, image, repositoryName, tag }));
      },
      onEnded: ({ file, image }) => {
        const push = image && unfinishedPushOf(loadUnfinishedPushes(), scope, file, image);
        if (push) setUnfinished(forgetPush(push.key));
      },
    };
  /**
   * The images of an archive, each a row: a reload's unfinished push of it continues at once, with the
   * repository and tag it had. Undefined when `source` is a file that is no archive at all (a loose layer).
   */
  const readImages = async (
    file: ArchiveIdentity,
    source: ArchiveSource,
    repositoryName: string,
  ): Promise<{ entries: ImageEntry[]; resumed: ImageEntry[] } | undefined> => {
    const entry = { file, repositoryName, tag: '', status: 'ready' as const };
    try {
      const archive = await readImageArchive(source);
      const entries: ImageEntry[] = [];
      const resumed: ImageEntry[] = [];
      for (const image of archive.images) {
        const push = scope && unfinishedPushOf(unfinished, scope, file, image);
        const next = push
          ? { ...entry, id: nextImageId.current++, image, repositoryName: push.repositoryName, tag: push.tag }
          : { ...entry, id: nextImageId.current++, image, tag: image.tags[0] ?? 'latest' };
        entries.push(next);
        if (push) resumed.push(next);
      }
      return { entries, resumed };
    } catch (failure) {
      // Only a file that is no image archive at all is a loose layer; a broken archive says what is wrong.
      const notAnArchive =
        failure instanceof ImageArchiveError &&
        (failure.code === 'NotATar' || failure.code === 'NotAnImageArchive');
      if (notAnArchive && source instanceof Blob) return undefined;
      const failed = {
        ...entry,
        id: nextImageId.current++,
        image: undefined,
        status: 'failed' as const,
        failure: describeFailure(failure),
      };
      return { entries: [failed], resumed: [] };
    }
  };
  const showImages = (read: { entries: ImageEntry[]; resumed: ImageEntry[] }[]) => {
    const found = read.flatMap((r) => r.entries);
    if (found.length === 0 || !imageContext) return;
    setImages((list) => [...list, ...found]);
    setImageMessage(found.map(imageAnnouncement).join(' '));
    for (const entry of read.flatMap((r) => r.resumed)) void startPush(entry, imageContext);
  };
  const addFiles = async (files: File[]) => {
    if (!client || !scope || !preferences.repositoryName) return;
    const { repositoryName } = preferences;
    const loose: File[] = [];
    const read: { entries: ImageEntry[]; resumed: ImageEntry[] }[] = [];
    for (const file of files) {
      const images = await readImages(file, file, repositoryName);
      if (images) read.push(images);
      else loose.push(file);
    }
    showImages(read);
    if (loose.length > 0)
      queue.add(
        loose.map((file) => blobSource(file)),
        { repositoryName, precheck: preferences.precheck, api: client, scope },
      );
  };
  const addFolder = async (folder: ChosenFolder) => {
    if (!preferences.repositoryName) return;
    const images = await readImages(
      folderIdentity(folder),
      { files: folder.files },
      preferences.repositoryName,
    );
    if (images) showImages([images]);
  };
  const forget = async (key: string) => {
    await store.delete(key).catch(() => {});
    setRevision((n) => n + 1);
  };
  const forgetImagePush = async (push: UnfinishedImagePush) => {
    setUnfinished(forgetPush(push.key));
    await Promise.all(layerRecordKeys(push).map((key) => store.delete(key).catch(() => {})));
    setRevision((n) => n + 1);
  };
  // This endpoint's and registry's interrupted image pushes that no row is continuing, and their layers' keys.
  const waiting = unfinished.filter(
    (push) =>
      push.endpoint === scope?.endpoint &&
      push.registryId === scope.registryId &&
      !images.some(
        (entry) =>
          entry.image &&
          entry.repositoryName === push.repositoryName &&
          unfinishedPushOf([push], scope, entry.file, entry.image),
      ),
  );
  const imageLayerKeys = new Set(unfinished.flatMap(layerRecordKeys));

  const blocked = !client
    ? 'Set a valid endpoint URL in Settings first.'
    : !hasCredentials
      ? 'Enter an access key and secret in Settings first.'
      : !preferences.repositoryName
        ? 'Choose or create a repository first.'
        : undefined;

  return (
    <main>
      <header>
        <h1>edgecr layer uploader</h1>
        <p class="hint">
          Each file streams from disk to the registry, hashed and uploaded in one pass. Pauses, network cuts
          and reloads lose nothing: choose the same file again and it continues.
        </p>
      </header>
      <SettingsPanel settings={settings} endpointValid={client !== undefined} onSave={updateSettings} />
      <RepositoryPicker
        key={`${endpoint}|${region}|${registryId}|${settings.accessKeyId}|${settings.secretAccessKey}`}
        client={hasCredentials ? client : undefined}
        reloadSignal={snapshot.layers.filter((layer) => layer.error?.kind === 'repository-missing').length}
        value={preferences.repositoryName}
        onChange={(repositoryName) => updatePreferences({ repositoryName })}
      />
      <section aria-labelledby="layers-heading">
        <h2 id="layers-heading">Layers</h2>
        <label class="option">
          <input
            type="checkbox"
            checked={preferences.precheck}
            onChange={(event) => updatePreferences({ precheck: event.currentTarget.checked })}
          />{' '}
          Skip layers the repository already has (reads each file once first, to compute its digest)
        </label>
        <DropZone
          blockedReason={blocked}
          onFiles={(files) => void addFiles(files)}
          onFolder={(folder) => void addFolder(folder)}
        />
        <SavedUploads
          records={saved.filter(
            (record) =>
              !imageLayerKeys.has(record.key) &&
              !snapshot.layers.some(
                (layer) =>
                  layer.status !== 'done' &&
                  layer.status !== 'cancelled' &&
                  layer.status !== 'failed' &&
                  layer.name === record.fingerprint.name &&
                  layer.size === record.fingerprint.size,
              ),
          )}
          onForget={forget}
        />
        <LayerList snapshot={snapshot} queue={queue} />
      </section>
      <UnfinishedImagePushes
        pushes={waiting}
        choices={{ onFiles: (files) => void addFiles(files), onFolder: (folder) => void addFolder(folder) }}
        onForget={(push) => void forgetImagePush(push)}
      />
      {imageContext && <ImagePushList entries={images} context={imageContext} />}
      {client && hasCredentials && preferences.repositoryName && (
        <RepositoryView
          client={client}
          repositoryName={preferences.repositoryName}
          reloadSignal={imagesPushed}
        />
      )}
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="image-announcer">
        {imageMessage}
      </div>
    </main>
  );
}
