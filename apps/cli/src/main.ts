#!/usr/bin/env node
/**
 * `edgecr`: push whole container images from a docker save or OCI layout archive to an ECR-compatible
 * endpoint, pull them back as an OCI layout tar, list repositories and images, delete images, show and set a
 * repository's lifecycle policy and preview it. Argument parsing is Node's own `util.parseArgs`: part of Node
 * since 18.3, kept with it, no dependency, and enough for five commands with five options.
 * @module
 */
import { parseArgs } from 'node:util';
import { BlobPushError, describeFailure } from '@edgecr/client';
import { type Connection, ecrClient, resolveConnection } from './config.ts';
import { CliFailure, EXIT, UsageError } from './exitCodes.ts';
import { count } from './format.ts';
import { checkLifecycleLine, runLifecycle } from './lifecycle.ts';
import { listImages, listRepositories } from './list.ts';
import { runPull } from './pull.ts';
import { runPush } from './push.ts';
import { removeImage } from './remove.ts';

const USAGE = `Usage:
  edgecr push <archive.tar | layout-dir> <repository>[:<tag>] [options]
  edgecr pull <repository>:<tag> <file.tar> [options]
  edgecr ls [<repository>] [options]
  edgecr rm <repository>:<tag> | <repository>@<digest> [options]
  edgecr lifecycle get | delete <repository> [options]
  edgecr lifecycle put <repository> <policy.json | -> [options]
  edgecr lifecycle preview <repository> [<policy.json | ->] [options]

push  pushes one image of a docker save tarball or an OCI image layout (tar or folder): the layers and
      configs the repository lacks, then its manifests, the top one with the tag (default: the archive's).
      Interrupted (Ctrl-C), the same command goes on from the last acknowledged part of each layer.
pull  writes the image as an OCI image layout tar, every blob's digest checked.
ls    lists the repositories (name, images, URI), or a repository's images, the last pushed first (tags,
      digest, size, pushed).
rm    deletes, as ECR's BatchDeleteImage does: a tag removes the tag (the image goes with its last tag), a
      digest removes the image and all its tags. There is no confirmation: the command is the decision.
lifecycle  shows (get), sets (put, from a file or - for standard input) or deletes a repository's lifecycle
      policy; preview asks the registry what the policy (or the file given) would expire, waits for the
      answer and prints it: digest, tags, pushed, the rule's priority.

Paths are relative to the folder the command runs from; absolute paths work from anywhere.

Options:
  --endpoint-url URL  the endpoint (default: $AWS_ENDPOINT_URL_ECR, then $AWS_ENDPOINT_URL)
  --profile NAME      the profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)
  --region REGION     the SigV4 region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, us-east-1)
  --json              lifecycle only: print the registry's answer as JSON
  -h, --help          this text

Credentials follow the AWS conventions: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, then
the profile's keys (or SSO, credential_process). Progress goes to stderr (a bar on a terminal), the result to
stdout. Saved uploads are kept in $EDGECR_CACHE_DIR or the user's cache folder.

Exit codes: 0 done, 1 failed, 2 wrong command line, 130 interrupted (run the same command to continue).
`;

/** Each command and how many arguments it takes (at least, at most). */
const ARITY = { push: [2, 2], pull: [2, 2], ls: [0, 1], rm: [1, 1], lifecycle: [1, 3] } as const;
type Command = keyof typeof ARITY;

/** Runs one command line; resolves with the exit code. */
export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usage(error);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const [name, ...args] = positionals;
  try {
    const command = checkCommandLine(name, args);
    if (values.json && command !== 'lifecycle') throw new UsageError('--json is an option of lifecycle');
    const connection = await resolveConnection({
      endpointUrl: values['endpoint-url'],
      profile: values.profile,
      region: values.region,
    });
    process.stdout.write(await run(command, args, connection, { signal, json: values.json === true }));
    return EXIT.ok;
  } catch (error) {
    if (signal.aborted) {
      process.stderr.write(
        name === 'push'
          ? '\nInterrupted. What the endpoint acknowledged is saved: run the same command again to continue.\n'
          : '\nInterrupted.\n',
      );
      return EXIT.interrupted;
    }
    if (error instanceof UsageError) return usage(error);
    if (error instanceof CliFailure) {
      process.stderr.write(`edgecr: ${error.message}\n${error.detail ? `  (${error.detail})\n` : ''}`);
      return EXIT.failure;
    }
    const failure = error instanceof BlobPushError ? error.failure : describeFailure(error);
    process.stderr.write(`edgecr: ${failure.message}\n  (${failure.code}: ${failure.detail})\n`);
    return EXIT.failure;
  }
}

/** The command, once its name and number of arguments are right. */
function checkCommandLine(name: string | undefined, args: readonly string[]): Command {
  if (name === undefined) throw new UsageError('No command');
  if (!Object.hasOwn(ARITY, name)) throw new UsageError(`Unknown command ${JSON.stringify(name)}`);
  const command = name as Command;
  // Its subcommands take different arguments, and say which.
  if (command === 'lifecycle') checkLifecycleLine(args);
  const [least, most] = ARITY[command];
  if (args.length < least || args.length > most) {
    throw new UsageError(
      least === most
        ? `${command} takes exactly ${count(least, 'argument')}`
        : `${command} takes at most ${count(most, 'argument')}`,
    );
  }
  return command;
}

/** Runs a checked command; resolves with what goes to stdout. */
async function run(
  command: Command,
  args: readonly string[],
  connection: Connection,
  { signal, json }: { signal: AbortSignal; json: boolean },
): Promise<string> {
  const [first = '', second = ''] = args;
  switch (command) {
    case 'push': {
      const result = await runPush({
        archive: first,
        target: second,
        connection,
        signal,
        progress: process.stderr,
      });
      const present = result.blobs.filter((b) => b.status === 'present').length;
      return (
        `pushed ${result.repositoryName}:${result.tag} ${result.imageDigest}\n` +
        `${count(result.blobs.length, 'blob')} (${present} already there), ${count(result.manifests.length, 'manifest')}; ` +
        `sent ${count(result.bytesSent, 'byte')}, ${result.bytesResumed} resumed from an earlier run\n`
      );
    }
    case 'pull': {
      const image = await runPull({ target: first, file: second, connection, signal });
      return (
        `pulled ${first} ${image.manifest.digest} to ${second}: ` +
        `${count(image.children.length + 1, 'manifest')}, ${count(image.blobs.length, 'blob')}\n`
      );
    }
    case 'ls': {
      const api = ecrClient(connection);
      const text =
        args.length === 0 ? await listRepositories(api, signal) : await listImages(api, first, signal);
      if (text === '') {
        // Nothing on stdout, so a script sees an empty list; the person at the terminal sees what to do next.
        process.stderr.write(
          args.length === 0
            ? `No repositories at ${api.endpoint} yet: create one (aws ecr create-repository --repository-name NAME).\n`
            : `${first} holds no images yet: push one (edgecr push <archive> ${first}:<tag>).\n`,
        );
      }
      return text;
    }
    case 'rm':
      return removeImage(ecrClient(connection), first, signal);
    case 'lifecycle':
      return runLifecycle(ecrClient(connection), args, {
        json,
        signal,
        cwd: process.cwd(),
        stdin: process.stdin,
        stderr: process.stderr,
      });
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'endpoint-url': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function usage(error: unknown): number {
  process.stderr.write(`edgecr: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  return EXIT.usage;
}

const controller = new AbortController();
const interrupt = () => {
  // A second Ctrl-C does not wait for the part in flight.
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  controller.abort(new Error('interrupted'));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
// Exit at once: an interrupted push leaves nothing to wait for, and keep-alive sockets would hold the process.
process.exit(await main(process.argv.slice(2), controller.signal));
