// Runs the built CLI as a child process against a local stack, with the local development key and a cache
// folder of its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The local development key (apps/worker/.dev.vars). */
export const LOCAL_KEY = { accessKeyId: 'AKIAEDGECRLOCALDEV01', secretAccessKey: 'edgecr-local-dev-secret' };

/** How a run ended, and what it printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a run: AWS conventions only, and a home and cache folder of the test's own. */
export function cliEnv(endpoint: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    EDGECR_CACHE_DIR: `${home}/cache`,
    AWS_ENDPOINT_URL_ECR: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_KEY.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    // No instance metadata lookups if a test ever runs without keys.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Starts `edgecr …`; `onStderr` sees what it prints as it prints it. */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStderr?: (text: string, child: ChildProcess) => void,
): { child: ChildProcess; done: Promise<CliRun> } {
  return startProgram(process.execPath, [MAIN, ...args], { env }, onStderr);
}

/** Starts any program (the launcher, npx…) the way {@link startCli} starts the CLI. */
export function startProgram(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; input?: string },
  onStderr?: (text: string, child: ChildProcess) => void,
): { child: ChildProcess; done: Promise<CliRun> } {
  const { input, ...spawnOptions } = options;
  const child = spawn(file, args, {
    ...spawnOptions,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr, child);
  });
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `edgecr …` to its end, from `cwd` if given, with `input` on its standard input if given. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
  input?: string,
): Promise<CliRun> {
  return startProgram(process.execPath, [MAIN, ...args], {
    env,
    ...(cwd && { cwd }),
    ...(input !== undefined && { input }),
  }).done;
}
