// A Chrome DevTools Protocol session with one of workerd's isolates, through workerd's own inspector port (not
// wrangler's inspector proxy, which drops HeapProfiler.collectGarbage).

/** `Runtime.getHeapUsage`: the JS heap, and the ArrayBuffer backing stores kept outside it. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** What counts against an isolate's 128 MB: JS objects plus the bytes behind ArrayBuffers. */
export const liveBytes = (usage: HeapUsage) =>
  usage.usedSize + (usage.embedderHeapUsedSize ?? 0) + (usage.backingStorageSize ?? 0);

/** One inspector target (an isolate: a Worker and the Durable Objects it hosts). */
export interface InspectorTarget {
  id: string;
  title: string;
  webSocketDebuggerUrl: string;
}

/** The isolates workerd lists on its inspector port. */
export async function listTargets(inspectorPort: number): Promise<InspectorTarget[]> {
  const response = await fetch(`http://127.0.0.1:${inspectorPort}/json`);
  if (!response.ok) throw new Error(`inspector /json: HTTP ${response.status}`);
  return (await response.json()) as InspectorTarget[];
}

/** An open session; every command fails loudly on a protocol error. */
export interface InspectorSession {
  command<T>(method: string, params?: object): Promise<T>;
  close(): void;
}

const COMMAND_TIMEOUT_MS = 60_000;

/** Opens a session with `target`. */
export async function openSession(target: InspectorTarget): Promise<InspectorSession> {
  // `wrangler dev`'s inspector proxy accepts only local origins; Node's WebSocket sends none unless told.
  const socket = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { origin: 'http://localhost' },
  } as unknown as string[]);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot open the inspector session of ${target.title}`));
  });
  let id = 0;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return; // an event
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`inspector: ${message.error.message}`));
    else waiter?.resolve(message.result);
  };
  socket.onclose = () => {
    for (const waiter of pending.values()) waiter.reject(new Error('inspector session closed'));
    pending.clear();
  };
  return {
    command: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve, reject) => {
        const key = ++id;
        // A command workerd never answers must fail the benchmark, not hang it.
        const timer = setTimeout(() => {
          pending.delete(key);
          reject(new Error(`inspector: no answer to ${method} within ${COMMAND_TIMEOUT_MS} ms`));
        }, COMMAND_TIMEOUT_MS);
        const settle =
          <V>(then: (value: V) => void) =>
          (value: V) => {
            clearTimeout(timer);
            then(value);
          };
        pending.set(key, { resolve: settle(resolve as (result: unknown) => void), reject: settle(reject) });
        socket.send(JSON.stringify({ id: key, method, params }));
      }),
    close: () => socket.close(),
  };
}

/**
 * Live memory of an isolate: a full collection first, so only what is reachable is counted. The collection is
 * forced by taking a heap snapshot (V8 collects all garbage before it walks the heap; the snapshot's chunks
 * arrive as events and are dropped). `HeapProfiler.collectGarbage` never answers in workerd, on its own
 * inspector port too (checked: no answer within 5 s on an idle isolate, while getHeapUsage answers at once);
 * recent V8 runs that collection from a task posted to the isolate's foreground task runner, which workerd
 * apparently does not run for inspector commands.
 */
export async function liveHeap(session: InspectorSession): Promise<HeapUsage> {
  await session.command('HeapProfiler.takeHeapSnapshot', {
    reportProgress: false,
    captureNumericValue: false,
  });
  return session.command<HeapUsage>('Runtime.getHeapUsage');
}
