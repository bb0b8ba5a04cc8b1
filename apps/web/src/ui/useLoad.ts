/**
 * One hook for "load this, and drop the answer if it is no longer wanted".
 * @module
 */

import { useEffect, useState } from 'preact/hooks';

/** Where a {@link useLoad} stands: neither member while loading (or before), else the value or the error. */
export interface Loaded<T> {
  readonly value?: T;
  readonly error?: unknown;
}

/**
 * The answer of `load`, run when given and again whenever it changes (callers memoise it over what it reads).
 * An answer that arrives after `load` changed, or after the component went away, is dropped: a slow answer
 * about one image never shows under another.
 * @param load Starts the load; `undefined` while nothing is to be loaded yet.
 * @example
 * const { value, error } = useLoad(useCallback(() => client.describeImages({ repositoryName }), [client, repositoryName]));
 */
export function useLoad<T>(load: (() => Promise<T>) | undefined): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({});
  useEffect(() => {
    setLoaded({});
    if (!load) return;
    let live = true;
    load().then(
      (value) => {
        if (live) setLoaded({ value });
      },
      (error: unknown) => {
        if (live) setLoaded({ error });
      },
    );
    return () => {
      live = false;
    };
  }, [load]);
  return loaded;
}

/** How long a load runs before the view says the endpoint is slow. */
export const SLOW_MS = 5_000;

/**
 * Whether `waiting` has been true for `ms` without a break: a view then says the endpoint is slow instead of
 * showing "Loading…" forever.
 */
export function useSlow(waiting: boolean, ms = SLOW_MS): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    setSlow(false);
    if (!waiting) return;
    const timer = setTimeout(() => setSlow(true), ms);
    return () => clearTimeout(timer);
  }, [waiting, ms]);
  return slow;
}

/** What a view says while a slow load goes on. */
export const SLOW_SENTENCE =
  'The endpoint is slow to answer; still waiting. The rest of the page works meanwhile, and Refresh asks again.';
