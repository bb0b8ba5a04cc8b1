/**
 * `edgecr lifecycle get | put | delete | preview <repository>`: a repository's lifecycle policy through ECR's
 * own operations, and a preview of what it would expire, as text for people or `--json` for scripts.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type EcrClient, previewLifecyclePolicy } from '@edgecr/client';
import { EcrError } from '@edgecr/protocol';
import { CliFailure, UsageError } from './exitCodes.ts';
import { count, formatTime, table } from './format.ts';
import { callOptions, repositoryMissing } from './list.ts';

/** Each subcommand and how many arguments it takes after its name (at least, at most). */
const ARITY = { get: [1, 1], put: [2, 2], delete: [1, 1], preview: [1, 2] } as const;
type Subcommand = keyof typeof ARITY;

/** How a lifecycle command runs. */
export interface LifecycleOptions {
  /** Print ECR's answer as JSON instead of text. */
  json: boolean;
  signal: AbortSignal;
  /** The folder relative paths are read from. */
  cwd: string;
  /** Where `-` reads the policy from. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Where the preview says that it is waiting, and what it found. */
  stderr: { write(text: string): unknown };
}

/**
 * Checks a `lifecycle` command line before anything is sent.
 * @throws UsageError naming what is wrong.
 */
export function checkLifecycleLine(args: readonly string[]): Subcommand {
  const [name, ...rest] = args;
  if (name === undefined || !Object.hasOwn(ARITY, name)) {
    throw new UsageError(
      `lifecycle takes get, put, delete or preview${name === undefined ? '' : `, not ${JSON.stringify(name)}`}`,
    );
  }
  const sub = name as Subcommand;
  const [least, most] = ARITY[sub];
  if (rest.length < least || rest.length > most) {
    throw new UsageError(
      sub === 'put'
        ? 'lifecycle put takes a repository and a policy file (or - for standard input)'
        : `lifecycle ${sub} takes a repository${most > least ? ' and, optionally, a policy file' : ''}`,
    );
  }
  return sub;
}

/**
 * Runs a checked `lifecycle` command; resolves with what goes to stdout.
 * @throws CliFailure in words (no such repository, no policy, a policy the registry refuses, a key that may
 *   not), ECR's code and message kept for the detail line.
 * @example
 * process.stdout.write(await runLifecycle(api, ['get', 'team/app'], options));
 */
export async function runLifecycle(
  api: EcrClient,
  args: readonly string[],
  options: LifecycleOptions,
): Promise<string> {
  const sub = checkLifecycleLine(args);
  const [, repositoryName = '', file] = args;
  const call = callOptions(options.signal);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  try {
    switch (sub) {
      case 'get': {
        const answer = await api.send('GetLifecyclePolicy', { repositoryName }, call);
        if (options.json) return json(answer);
        const ran = answer.lastEvaluatedAt ? `last run ${formatTime(answer.lastEvaluatedAt)}` : 'not run yet';
        options.stderr.write(`${repositoryName}: ${ran}\n`);
        return `${pretty(answer.lifecyclePolicyText ?? '')}\n`;
      }
      case 'put': {
        const lifecyclePolicyText = await readPolicy(file ?? '', options);
        const answer = await api.send('PutLifecyclePolicy', { repositoryName, lifecyclePolicyText }, call);
        return options.json ? json(answer) : `set the lifecycle policy of ${repositoryName}\n`;
      }
      case 'delete': {
        const answer = await api.send('DeleteLifecyclePolicy', { repositoryName }, call);
        return options.json ? json(answer) : `deleted the lifecycle policy of ${repositoryName}\n`;
      }
      case 'preview':
        return await preview(api, repositoryName, file, options);
    }
  } catch (error) {
    throw lifecycleFailure(error, sub, repositoryName, api.endpoint) ?? error;
  }
}

async function preview(
  api: EcrClient,
  repositoryName: string,
  file: string | undefined,
  options: LifecycleOptions,
): Promise<string> {
  const text = file === undefined ? undefined : await readPolicy(file, options);
  let said = false;
  const result = await previewLifecyclePolicy(api, repositoryName, {
    ...callOptions(options.signal),
    ...(text !== undefined && { lifecyclePolicyText: text }),
    onStatus: (status) => {
      if (status !== 'IN_PROGRESS' || said) return;
      said = true;
      options.stderr.write(`previewing the lifecycle policy of ${repositoryName}…\n`);
    },
  });
  if (options.json) {
    return `${JSON.stringify(
      {
        repositoryName,
        lifecyclePolicyText: result.lifecyclePolicyText,
        status: result.status,
        previewResults: result.results,
        summary: { expiringImageTotalCount: result.expiringImageTotalCount },
      },
      null,
      2,
    )}\n`;
  }
  if (result.status !== 'COMPLETE') {
    throw new CliFailure(`The preview of ${repositoryName}'s lifecycle policy ended ${result.status}.`);
  }
  const total = result.expiringImageTotalCount;
  options.stderr.write(total === 0 ? 'No image would expire.\n' : `${count(total, 'image')} would expire.\n`);
  if (result.results.length === 0) return '';
  return table(
    ['DIGEST', 'TAGS', 'PUSHED', 'RULE'],
    result.results.map((r) => [
      r.imageDigest ?? '',
      r.imageTags?.length ? r.imageTags.join(',') : '<untagged>',
      formatTime(r.imagePushedAt),
      String(r.appliedRulePriority ?? '-'),
    ]),
  );
}

/** The policy text of `file`, or of standard input for `-`, as given (ECR keeps the text it is sent). */
async function readPolicy(file: string, options: LifecycleOptions): Promise<string> {
  if (file === '-') {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of options.stdin)
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }
  try {
    return await readFile(resolve(options.cwd, file), 'utf8');
  } catch (cause) {
    throw new UsageError(`Cannot read the policy file ${JSON.stringify(file)}`, { cause });
  }
}

/** A policy text indented for reading; a text that is not JSON (no endpoint stores one) as it is. */
function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The endpoint's refusals of a lifecycle command in words; `undefined` for errors the CLI words elsewhere. */
function lifecycleFailure(
  error: unknown,
  sub: Subcommand,
  repositoryName: string,
  endpoint: string,
): CliFailure | undefined {
  const missing = repositoryMissing(error, repositoryName, endpoint);
  if (missing || !(error instanceof EcrError)) return missing;
  const detail = `${error.code}: ${error.message}`;
  const words = (() => {
    switch (error.code) {
      case 'LifecyclePolicyNotFoundException':
        return `${repositoryName} has no lifecycle policy: \`edgecr lifecycle put ${repositoryName} <file>\` sets one.`;
      case 'InvalidParameterException':
        return `The registry refused the lifecycle policy; nothing changed.`;
      case 'LifecyclePolicyPreviewInProgressException':
        return `A preview of ${repositoryName}'s lifecycle policy is already running: try again in a moment.`;
      case 'AccessDeniedException':
        return `This key may not ${sub === 'preview' ? 'preview' : sub} the lifecycle policy of ${repositoryName}: that needs admin permission on the registry.`;
      default:
        return undefined;
    }
  })();
  return words === undefined ? undefined : new CliFailure(words, { cause: error, detail });
}
