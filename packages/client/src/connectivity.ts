/**
 * Whether the network is there, so that uploads wait for it instead of spending their retries.
 * @module
 */

/** The network's state, as the engine asks it. */
export interface Connectivity {
  /** False only when the runtime knows it is offline (`navigator.onLine`); true when it cannot tell. */
  isOnline(): boolean;
  /** Resolves once online; rejects with the signal's reason if it aborts first. */
  waitUntilOnline(signal: AbortSignal): Promise<void>;
}

/** A runtime that cannot tell (Node): always online, and failures are retried by the policy alone. */
export const ALWAYS_ONLINE: Connectivity = Object.freeze({
  isOnline: () => true,
  waitUntilOnline: async () => {},
});

/**
 * `navigator.onLine` and the `online` event, where they exist; {@link ALWAYS_ONLINE} elsewhere.
 * @example
 * const connectivity = browserConnectivity();
 */
export function browserConnectivity(target: EventTarget = globalThis): Connectivity {
  if (typeof navigator === 'undefined' || typeof navigator.onLine !== 'boolean') return ALWAYS_ONLINE;
  return {
    isOnline: () => navigator.onLine,
    waitUntilOnline: (signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        if (navigator.onLine) return resolve();
        const finish = () => {
          target.removeEventListener('online', onOnline);
          signal.removeEventListener('abort', onAbort);
        };
        const onOnline = () => {
          finish();
          resolve();
        };
        const onAbort = () => {
          finish();
          reject(signal.reason);
        };
        target.addEventListener('online', onOnline);
        signal.addEventListener('abort', onAbort);
      }),
  };
}
