// `pnpm start`: the local stack (`wrangler dev` with local R2 and Durable Objects), quiet except for what a user
// needs: where it listens, the local key, and how to stop and reset it. Warnings and errors still show.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPOSITORY_ROOT = join(WORKER_DIR, '../..');
const STATE_DIR = join(REPOSITORY_ROOT, '.edgecr/state');
const WRANGLER_BIN = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin/wrangler.js',
);
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;

/** The local key pair from `.dev.vars`, which `wrangler dev` reads and `wrangler deploy` never uploads. */
function localKey(): { id: string; secret: string; registryId: string } | undefined {
  const line = readFileSync(join(WORKER_DIR, '.dev.vars'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('EDGECR_CREDENTIALS='));
  if (!line) return undefined;
  const keys = JSON.parse(line.slice('EDGECR_CREDENTIALS='.length)) as Record<
    string,
    { secretAccessKey: string; registryId: string }
  >;
  const [id, key] = Object.entries(keys)[0] ?? [];
  return id && key ? { id, secret: key.secretAccessKey, registryId: key.registryId } : undefined;
}

const child = spawn(
  process.execPath,
  [
    WRANGLER_BIN,
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    STATE_DIR,
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
  ],
  {
    cwd: WORKER_DIR,
    stdio: 'inherit',
    // No Request.cf fetch from Cloudflare (it fails offline and says so twice), no usage metrics.
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' },
  },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));

async function announceWhenReady(): Promise<void> {
  for (;;) {
    try {
      await (await fetch(url, { method: 'HEAD' })).arrayBuffer();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const key = localKey();
  console.log(
    [
      '',
      `edgecr is running at ${url}/  (the uploader page, the ECR API at POST /, downloads)`,
      key
        ? `Local key (admin on registry ${key.registryId}):\n  export AWS_ACCESS_KEY_ID=${key.id} AWS_SECRET_ACCESS_KEY=${key.secret} AWS_DEFAULT_REGION=us-east-1`
        : 'No local key: apps/worker/.dev.vars has no EDGECR_CREDENTIALS.',
      `State is kept in ${relative(REPOSITORY_ROOT, STATE_DIR)} (at the repository root); Ctrl-C stops the stack, deleting that folder starts it empty.`,
      '',
    ].join('\n'),
  );
}
void announceWhenReady();
