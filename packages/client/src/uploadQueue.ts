/**
 * Several layers at once: a queue that runs a few {@link LayerPush}s at a time, acts on all of them, and
 * adds up their progress.
 * @module
 */

import { LayerPush, type LayerPushOptions } from './layerPush.ts';
import { ACTIVE_STATUSES, type LayerSnapshot } from './layerSnapshot.ts';
import type { LayerSource } from './layerSource.ts';
import { RateMeter } from './progress.ts';

/** What every layer of a queue shares; `api` and `scope` may instead be given to each `add`. */
export type UploadQueueOptions = Omit<
  LayerPushOptions,
  'source' | 'repositoryName' | 'precheck' | 'id' | 'api' | 'scope'
> &
  Partial<Pick<LayerPushOptions, 'api' | 'scope'>> & {
    /** Layers uploaded at the same time; 2 by default (memory: about three parts each). */
    concurrency?: number;
  };

/** Options of {@link UploadQueue.add}. */
export type AddOptions = Pick<LayerPushOptions, 'repositoryName' | 'precheck'> &
  Partial<Pick<LayerPushOptions, 'api' | 'scope'>>;

/** All layers, and their sum. */
export interface QueueSnapshot {
  readonly layers: readonly LayerSnapshot[];
  /** Bytes of every layer not cancelled. */
  readonly totalBytes: number;
  /** Bytes uploaded (or found already present) of those layers. */
  readonly bytesUploaded: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | undefined;
  /** Layers doing something now. */
  readonly active: number;
}

/**
 * Runs layer uploads, `concurrency` at a time, in the order they were added.
 * @example
 * const queue = new UploadQueue({ api: ecr, scope, store: new IndexedDbStateStore() });
 * queue.subscribe(render);
 * queue.add([...input.files].map((file) => blobSource(file)), { repositoryName: 'app', precheck: true });
 */
export class UploadQueue {
  readonly #options: UploadQueueOptions;
  readonly #concurrency: number;
  readonly #layers: LayerPush[] = [];
  readonly #listeners = new Set<(snapshot: QueueSnapshot) => void>();
  readonly #meter = new RateMeter();
  readonly #now: () => number;
  #snapshot: QueueSnapshot | undefined;

  constructor(options: UploadQueueOptions) {
    this.#options = options;
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
    this.#now = options.now ?? (() => Date.now());
  }

  /**
   * Adds one upload per source and starts as many as the concurrency allows. A file already in the queue
   * (same repository, name, size and modification time) and not finished is not added twice (a paused one is
   * put back in line); a failed one is replaced by the new upload, which continues from the saved progress.
   */
  add(sources: readonly LayerSource[], options: AddOptions): LayerPush[] {
    const api = options.api ?? this.#options.api;
    const scope = options.scope ?? this.#options.scope;
    if (!api || !scope) throw new TypeError('"api" and "scope" expected in the queue options or in add()');
    const added: LayerPush[] = [];
    for (const source of sources) {
      const upload = new LayerPush({ ...this.#options, ...options, api, scope, source });
      const twin = this.#layers.find(
        (layer) =>
          layer.recordKey === upload.recordKey && !['done', 'cancelled'].includes(layer.snapshot.status),
      );
      if (twin && twin.snapshot.status !== 'failed') {
        // The same file again: one upload per file. A paused one takes its place in line.
        twin.requeue();
        added.push(twin);
        continue;
      }
      // A failed upload of the file gives way to the new one, which continues from its saved progress.
      if (twin) this.#layers.splice(this.#layers.indexOf(twin), 1);
      upload.subscribe(() => this.#changed());
      this.#layers.push(upload);
      added.push(upload);
    }
    this.#changed();
    return added;
  }

  /** The upload with this id. */
  get(id: string): LayerPush | undefined {
    return this.#layers.find((layer) => layer.id === id);
  }

  pause(id: string): void {
    this.get(id)?.pause();
  }

  /** Puts a paused or failed layer back in line; it runs when a place is free. */
  resume(id: string): void {
    this.get(id)?.requeue();
    this.#changed();
  }

  async cancel(id: string): Promise<void> {
    await this.get(id)?.cancel();
  }

  /** Takes a finished, failed or cancelled layer off the list. */
  remove(id: string): void {
    const index = this.#layers.findIndex((layer) => layer.id === id);
    const layer = this.#layers[index];
    if (!layer || ACTIVE_STATUSES.has(layer.snapshot.status)) return;
    this.#layers.splice(index, 1);
    this.#changed();
  }

  pauseAll(): void {
    for (const layer of this.#layers) layer.pause();
  }

  resumeAll(): void {
    for (const layer of this.#layers) layer.requeue();
    this.#changed();
  }

  async cancelAll(): Promise<void> {
    await Promise.all(this.#layers.map((layer) => layer.cancel()));
  }

  /** Resolves when no layer is active or queued. */
  idle(): Promise<QueueSnapshot> {
    return new Promise((resolve) => {
      const check = () => {
        const busy = this.#layers.some((layer) => {
          const { status } = layer.snapshot;
          return status === 'queued' || ACTIVE_STATUSES.has(status);
        });
        if (busy) return;
        stop();
        resolve(this.snapshot);
      };
      const stop = this.subscribe(check);
      check();
    });
  }

  subscribe(listener: (snapshot: QueueSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get snapshot(): QueueSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const layers = this.#layers.map((layer) => layer.snapshot);
    let totalBytes = 0;
    let bytesUploaded = 0;
    let active = 0;
    for (const layer of layers) {
      if (layer.status === 'cancelled') continue;
      totalBytes += layer.size;
      bytesUploaded += layer.bytesUploaded;
      if (ACTIVE_STATUSES.has(layer.status)) active++;
    }
    this.#meter.sample(this.#now(), bytesUploaded);
    const { bytesPerSecond, etaSeconds } =
      active > 0 ? this.#meter.rate(totalBytes) : { bytesPerSecond: 0, etaSeconds: undefined };
    if (active === 0) this.#meter.reset();
    this.#snapshot = Object.freeze({ layers, totalBytes, bytesUploaded, bytesPerSecond, etaSeconds, active });
    return this.#snapshot;
  }

  #changed(): void {
    this.#pump();
    this.#snapshot = undefined;
    const snapshot = this.snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  /** Starts queued layers, oldest first, while there is room. */
  #pump(): void {
    let active = this.#layers.filter((layer) => ACTIVE_STATUSES.has(layer.snapshot.status)).length;
    for (const layer of this.#layers) {
      if (active >= this.#concurrency) return;
      if (layer.snapshot.status !== 'queued') continue;
      active++;
      void layer.start();
    }
  }
}
