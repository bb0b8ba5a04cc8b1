import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { LocalStack } from '@edgecr/testkit/localStack';
import { localAwsEnvironment } from './_layers.ts';

const run = promisify(execFile);

/** What a CLI call gave: its parsed JSON output, or its error text. */
export interface CliResult {
  ok: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary members of the CLI's JSON output.
  json: any;
  stderr: string;
}

/** Runs `aws ecr <args>` against the local stack with the local key, nothing read from `~/.aws`. */
function runCli(stack: LocalStack, args: string[]) {
  return run('aws', ['ecr', ...args, '--endpoint-url', stack.endpoint], {
    env: localAwsEnvironment(),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The AWS CLI (a real client no one here wrote), pointed at the local stack with the local key. */
export async function aws(stack: LocalStack, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await runCli(stack, [...args, '--output', 'json']);
    return { ok: true, json: stdout.trim() ? JSON.parse(stdout) : null, stderr };
  } catch (error) {
    return { ok: false, json: null, stderr: (error as { stderr: string }).stderr };
  }
}

/**
 * CreatePullThroughCacheRule through the AWS CLI, its input given as JSON: given as a parameter, an
 * `http://` upstream URL would be fetched by the AWS CLI v1, which would send what it read instead.
 */
export async function createPullThroughRule(
  stack: LocalStack,
  input: Record<string, string>,
): Promise<CliResult> {
  return await aws(stack, ['create-pull-through-cache-rule', '--cli-input-json', JSON.stringify(input)]);
}

/** What `aws ecr get-login-password` prints: the password docker, skopeo and crane log in with as `AWS`. */
export async function loginPassword(stack: LocalStack): Promise<string> {
  return (await runCli(stack, ['get-login-password'])).stdout.trim();
}
