/**
 * `pnpm edgecr …` in the checkout: builds the CLI when `dist/main.js` is missing or older than a source it is
 * built from, quietly, then runs it in this process from the folder the user typed the command in.
 *
 * Quiet: turbo's banner and task summary are captured and shown only if the build fails, and a run with a
 * fresh build does not start turbo at all. The folder: pnpm runs a root script in the repository's root and
 * passes the user's folder as `INIT_CWD`; this launcher (not the CLI) moves there, so the CLI itself only
 * ever resolves paths against `process.cwd()`, which is right wherever it is installed and however it is run.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('..', import.meta.url));
const repository = join(cli, '..', '..');
const main = join(cli, 'dist', 'main.js');

/** The newest modification time of a file or of anything under a folder; 0 if it does not exist. */
function newest(path: string): number {
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), 0);
}

/**
 * What the bundle is made of: the CLI's sources and bundle script, and every workspace package's sources
 * (all of packages/, rather than tracing which the CLI imports: a few ms, and a needless build is cached).
 */
function sourcesTime(): number {
  const packages = join(repository, 'packages');
  return Math.max(
    newest(join(cli, 'src')),
    newest(join(cli, 'scripts')),
    newest(join(cli, 'package.json')),
    ...readdirSync(packages).flatMap((name) => [
      newest(join(packages, name, 'src')),
      newest(join(packages, name, 'package.json')),
    ]),
  );
}

const built = newest(main);
if (built === 0 || built < sourcesTime()) {
  process.stderr.write('edgecr: building the CLI first (dist/ is missing or older than its sources)\n');
  const turbo = createRequire(join(repository, 'package.json')).resolve('turbo/bin/turbo');
  const run = spawnSync(
    process.execPath,
    [turbo, 'run', 'build', '--filter=@edgecr/cli', '--output-logs=errors-only'],
    { cwd: repository, encoding: 'utf8', env: { ...process.env, TURBO_NO_UPDATE_NOTIFIER: '1' } },
  );
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout}${run.stderr}edgecr: the build failed (above)\n`);
    process.exit(run.status ?? 1);
  }
  // Turbo restores a cached build without always rewriting the file: mark it as up to date with its sources.
  const now = new Date();
  utimesSync(main, now, now);
}

process.chdir(process.env.INIT_CWD ?? process.cwd());
await import(pathToFileURL(main).href);
