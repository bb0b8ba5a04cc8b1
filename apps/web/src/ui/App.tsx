/**
 * The console: the key (a chip once saved), then one view at a time as the address names it (repositories, a
 * repository with its push panel, an image). The upload queue and the image pushes belong to the page, so they
 * go on while the person moves between views. All the uploading is the engine's; this file only wires it to
 * the views and keeps no upload state of its own.
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
import { Breadcrumb, useFocusOnViewChange } from './Breadcrumb.tsx';
import { type ChosenFolder, folderIdentity } from './folderFiles.ts';
import { ImageView } from './ImageView.tsx';
import { PushPanel } from './PushPanel.tsx';
import { RepositoriesView } from './RepositoriesView.tsx';
import { RepositoryView } from './RepositoryView.tsx';
import { href, useRoute } from './router.ts';
import { SettingsPanel } from './SettingsPanel.tsx';
import {
  loadPreferences,
  loadSettings,
  type Preferences,
  type Settings,
  savePreferences,
  saveSettings,
} from './settings.ts';
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
  const route = useRoute();
  useFocusOnViewChange(route);
  const [settings, setSettings] = useState<Settings>(() => loadSettings(location.origin));
  const [preferences, setPreferences] = useState<Preferences>(loadPreferences);
  const [knownRegistry, setKnownRegistry] = useState('');
  const [revision, setRevision] = useState(0);
  const current = useRef(settings);
  current.current = settings;

  const store = useMemo(createStore, []);
  const queue = useMemo(() => new UploadQueue({ store, connectivity: browserConnectivity() }), [store]);
  const snapshot = useQueueSnapshot(queue);

  const { endpoint, region, registryId } = settings;
  const hasCredentials = settings.accessKeyId !== '' && settings.secretAccessKey !== '';
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
    // A new key is a new client too, so every view loads again as the new key sees it.
  }, [endpoint, region, registryId, hasCredentials && `${settings.accessKeyId}|${settings.secretAccessKey}`]);
  const scope = useMemo(() => client && { endpoint: client.endpoint, registryId }, [client, registryId]);
  const saved = useSavedUploads(store, scope, snapshot, revision);
  const images = useImagePushes({ client, scope, store, onStoreChanged: () => setRevision((n) => n + 1) });
  const announcement = useAnnouncement(snapshot);

  const updateSettings = (next: Settings) => {
    saveSettings(next);
    setSettings(next);
  };
  const addFiles = async (files: File[], repositoryName: string) => {
    if (!client || !scope) return;
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
  const addFolder = async (folder: ChosenFolder, repositoryName: string) => {
    const found = await images.read(folderIdentity(folder), { files: folder.files }, repositoryName);
    if (found) images.show([found]);
  };
  const forget = async (key: string) => {
    await store.delete(key).catch(() => {});
    setRevision((n) => n + 1);
  };
  const unsent = saved.filter(
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
  );

  const view = (() => {
    if (!client) return <p class="empty">The endpoint is not a valid URL: correct it in Settings above.</p>;
    if (!hasCredentials)
      return (
        <p class="empty" data-testid="no-key">
          Enter an access key and secret in Settings above (or press “Use the local development key” on the
          local stack) to see the repositories.
        </p>
      );
    if (route.view === 'repositories')
      return <RepositoriesView client={client} onRegistry={setKnownRegistry} />;
    if (route.view === 'image')
      return <ImageView client={client} repositoryName={route.repositoryName} digest={route.digest} />;
    return (
      <RepositoryView
        key={route.repositoryName}
        client={client}
        repositoryName={route.repositoryName}
        // A layer that found its repository gone makes the view look again, and say so.
        reloadSignal={
          images.pushed + snapshot.layers.filter((l) => l.error?.kind === 'repository-missing').length
        }
        push={route.push === true}
      >
        <PushPanel
          repositoryName={route.repositoryName}
          queue={queue}
          snapshot={snapshot}
          saved={unsent}
          images={images}
          precheck={preferences.precheck}
          onPrecheck={(precheck) => {
            const merged = { ...preferences, precheck };
            savePreferences(merged);
            setPreferences(merged);
          }}
          targets={{
            onFiles: (files, repositoryName) => void addFiles(files, repositoryName),
            onFolder: (folder, repositoryName) => void addFolder(folder, repositoryName),
          }}
          onForgetUpload={(key) => void forget(key)}
        />
      </RepositoryView>
    );
  })();
  const elsewhere = [...new Set(images.waiting.map((push) => push.repositoryName))].filter(
    (name) => route.view !== 'repository' || name !== route.repositoryName || !route.push,
  );

  return (
    <>
      <header class="topbar">
        <p class="brand">
          <a href={href({ view: 'repositories' })}>
            <strong>edgecr</strong> registry
          </a>
        </p>
        <SettingsPanel
          settings={settings}
          endpointValid={client !== undefined}
          registry={registryId || knownRegistry || (client ? new URL(client.endpoint).host : endpoint)}
          onSave={updateSettings}
        />
      </header>
      <main>
        <h1 class="visually-hidden">edgecr registry</h1>
        <Breadcrumb route={route} />
        {hasCredentials && elsewhere.length > 0 && (
          <p class="notice" data-testid="unfinished-elsewhere">
            Image pushes a reload interrupted wait in{' '}
            {elsewhere.map((name, at) => (
              <span key={name}>
                {at > 0 && ', '}
                <a href={href({ view: 'repository', repositoryName: name, push: true })}>{name}</a>
              </span>
            ))}
            : open its push panel and choose the same file again.
          </p>
        )}
        {view}
        <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
          {announcement}
        </div>
        <div class="visually-hidden" role="status" aria-live="polite" data-testid="image-announcer">
          {images.message}
        </div>
      </main>
    </>
  );
}
