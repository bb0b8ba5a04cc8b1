/**
 * The page: settings, repository, drop zone, the layer list over one {@link UploadQueue}, and the image pushes
 * ({@link useImagePushes}) with the repository view. All the
 * uploading is the engine's; this file only wires it to the page and keeps no upload state of its own.
 * @module
 */

import {
  blobSource,
  browserConnectivity,
  EcrClient,
  IndexedDbStateStore,
  MemoryStateStore,
  type QueueSnapshot,
  type StateStore,
  UploadQueue,
  type UploadRecord,
} from '@edgecr/client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { announce, createAnnouncer } from './announce.ts';
import { DropZone } from './DropZone.tsx';
import { type ChosenFolder, folderIdentity } from './folderFiles.ts';
import { ImagePushList } from './ImagePushList.tsx';
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
import { type ImagesRead, useImagePushes } from './useImagePushes.ts';

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
  const images = useImagePushes({ client, scope, store, onStoreChanged: () => setRevision((n) => n + 1) });
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
  const addFiles = async (files: File[]) => {
    if (!client || !scope || !preferences.repositoryName) return;
    const { repositoryName } = preferences;
    const loose: File[] = [];
    const read: ImagesRead[] = [];
    for (const file of files) {
      const found = await images.read(file, file, repositoryName);
      if (found) read.push(found);
      else loose.push(file);
    }
    images.show(read);
    if (loose.length > 0)
      queue.add(
        loose.map((file) => blobSource(file)),
        { repositoryName, precheck: preferences.precheck, api: client, scope },
      );
  };
  const addFolder = async (folder: ChosenFolder) => {
    if (!preferences.repositoryName) return;
    const source = { files: folder.files };
    const found = await images.read(folderIdentity(folder), source, preferences.repositoryName);
    if (found) images.show([found]);
  };
  const forget = async (key: string) => {
    await store.delete(key).catch(() => {});
    setRevision((n) => n + 1);
  };

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
              !images.layerKeys.has(record.key) &&
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
        pushes={images.waiting}
        choices={{ onFiles: (files) => void addFiles(files), onFolder: (folder) => void addFolder(folder) }}
        onForget={(push) => void images.forget(push)}
      />
      {images.context && <ImagePushList entries={images.entries} context={images.context} />}
      {client && hasCredentials && preferences.repositoryName && (
        <RepositoryView
          client={client}
          repositoryName={preferences.repositoryName}
          reloadSignal={images.pushed}
        />
      )}
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="image-announcer">
        {images.message}
      </div>
    </main>
  );
}
