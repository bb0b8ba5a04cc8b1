// Everything the benchmark starts (processes, temporary folders) is stopped on the way out, also when the run
// is interrupted (Ctrl-C, SIGTERM from a CI timeout): `finally` blocks do not run when a signal ends Node.

const pending = new Set<() => Promise<void> | void>();

/**
 * Registers `undo` to run if the process is interrupted; returns a function that runs it now (once) and
 * unregisters it, for the normal path.
 */
export function deferCleanup(undo: () => Promise<void> | void): () => Promise<void> {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    pending.delete(run);
    await undo();
  };
  pending.add(run);
  return run;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping what the benchmark started…`);
    await Promise.allSettled([...pending].map((run) => run()));
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
