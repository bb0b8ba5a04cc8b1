// The README's walkthrough, run as a newcomer runs it: the shell block between its markers, verbatim but for the
// stack's port, in bash from the repository's root against a local stack, every command required to succeed.
// Only what a newcomer's machine would add is isolated: the AWS CLI's and skopeo's files and the temp folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The endpoint the README names: `pnpm start`'s default. */
const README_HOST = '127.0.0.1:8787';

/** The block between `<!-- walkthrough:start -->` and `<!-- walkthrough:end -->`, without its fence. */
function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(
    readme,
  )?.[1];
  if (!block) throw new Error('README.md has no ```sh block between the walkthrough markers');
  return block;
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgecr-readme-'));
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeState(stack);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('runs the README walkthrough top to bottom', { timeout: 600_000 }, async () => {
  const block = walkthrough();
  expect(block).toContain(README_HOST);
  // The block sets every AWS_ variable it needs; none comes from the environment the tests run in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  const { code, output } = await bash(block.replaceAll(README_HOST, `127.0.0.1:${stack.port}`), {
    ...inherited,
    TMPDIR: dir,
    // Nothing from the user's ~/.aws, skopeo's login in the test's folder, the CLI's saved uploads there too.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    REGISTRY_AUTH_FILE: join(dir, 'containers-auth.json'),
    EDGECR_CACHE_DIR: join(dir, 'edgecr-cache'),
  });
  expect(code, output).toBe(0);
  expect(output).toContain('one image, two tags');
  expect(output).toContain('pulled back: identical');
});
