#!/usr/bin/env node
/**
 * `edgecr`: push whole container images from a docker save or OCI layout archive to an ECR-compatible
 * endpoint, and pull them back as an OCI layout tar. Argument parsing is Node's own `util.parseArgs`: part of
 * Node since 18.3, kept with it, no dependency, and enough for two commands with four options.
 * @module
 */
import { parseArgs } from 'node:util';
import { BlobPushError, describeFailure } from '@edgecr/client';
import { resolveConnection } from './config.ts';
import { CliFailure, EXIT, UsageError } from './exitCodes.ts';
import { runPull } from './pull.ts';
import { runPush } from './push.ts';

const USAGE = `Usage:
  edgecr push <archive.tar | layout-dir> <repository>[:<tag>] [options]
  edgecr pull <repository>:<tag> <file.tar> [options]

push  pushes one image of a docker save tarball or an OCI image layout (tar or folder): the layers and
      configs the repository lacks, then its manifests, the top one with the tag (default: the archive's).
      Interrupted (Ctrl-C), the same command goes on from the last acknowledged part of each layer.
pull  writes the image as an OCI image layout tar, every blob's digest checked.

Options:
  --endpoint-url URL  the endpoint (default: $AWS_ENDPOINT_URL_ECR, then $AWS_ENDPOINT_URL)
  --profile NAME      the profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)
  --region REGION     the SigV4 region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, us-east-1)
  -h, --help          this text

Credentials follow the AWS conventions: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, then
the profile's keys (or SSO, credential_process). Progress goes to stderr (a bar on a terminal), the result to
stdout. Saved uploads are kept in $EDGECR_CACHE_DIR or the user's cache folder.

Exit codes: 0 done, 1 failed, 2 wrong command line, 130 interrupted (run the same command to continue).
`;

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
  const [command, first, second, ...rest] = positionals;
  try {
    if ((command !== 'push' && command !== 'pull') || !first || !second || rest.length > 0) {
      throw new UsageError(
        command === 'push' || command === 'pull'
          ? `${command} takes exactly two arguments`
          : command
            ? `Unknown command ${JSON.stringify(command)}`
            : 'No command',
      );
    }
    const connection = await resolveConnection({
      endpointUrl: values['endpoint-url'],
      profile: values.profile,
      region: values.region,
    });
    if (command === 'push') {
      const result = await runPush({
        archive: first,
        target: second,
        connection,
        signal,
        progress: process.stderr,
      });
      const present = result.blobs.filter((b) => b.status === 'present').length;
      process.stdout.write(
        `pushed ${result.repositoryName}:${result.tag} ${result.imageDigest}\n` +
          `${result.blobs.length} blobs (${present} already there), ${result.manifests.length} manifests; ` +
          `sent ${result.bytesSent} bytes, ${result.bytesResumed} resumed from an earlier run\n`,
      );
    } else {
      const image = await runPull({ target: first, file: second, connection, signal });
      process.stdout.write(
        `pulled ${first} ${image.manifest.digest} to ${second}: ` +
          `${image.children.length + 1} manifests, ${image.blobs.length} blobs\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (signal.aborted) {
      process.stderr.write(
        '\nInterrupted. What the endpoint acknowledged is saved: run the same command again to continue.\n',
      );
      return EXIT.interrupted;
    }
    if (error instanceof UsageError) return usage(error);
    if (error instanceof CliFailure) {
      process.stderr.write(`edgecr: ${error.message}\n`);
      return EXIT.failure;
    }
    const failure = error instanceof BlobPushError ? error.failure : describeFailure(error);
    process.stderr.write(`edgecr: ${failure.message}\n  (${failure.code}: ${failure.detail})\n`);
    return EXIT.failure;
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
