// The loopback discard server in a process of its own: in the benchmark's process it would share one thread
// with the Node client it measures (reading each body on the client's event loop), and with the page's proxy.
// Run as a script it prints its endpoint and serves until stdin closes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Discard, ecrDiscardServer } from '@edgecr/testkit/discard';

/** Starts this file as a child process running the ECR discard server; `close` ends the child. */
export async function ecrDiscardProcess(): Promise<Discard> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const [endpoint] = (await once(lines, 'line')) as [string];
  return {
    endpoint,
    close: async () => {
      const exited = once(child, 'exit');
      child.stdin?.end();
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const discard = await ecrDiscardServer();
  console.log(discard.endpoint);
  process.stdin.resume();
  process.stdin.on('end', () => {
    discard.close().then(() => process.exit(0));
  });
}
