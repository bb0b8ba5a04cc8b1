/**
 * The exit codes of `edgecr`, for scripts: one per way a command can end.
 * @module
 */

/** What `edgecr` exits with. Documented in the README and in `--help`. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The command failed (the message says why: endpoint, credentials, archive, no such image…). */
  failure: 1,
  /** The command line was wrong (unknown command or option, missing argument). */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; the same command continues a push where it stopped. */
  interrupted: 130,
} as const;

/**
 * A command-line mistake: printed with the usage, exit code {@link EXIT.usage}.
 * @example
 * throw new UsageError('push needs an archive and a repository');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A failure the CLI words itself (no credentials found, …): printed as is, exit code {@link EXIT.failure}.
 * @example
 * throw new CliFailure('No credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE');
 */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  /** The code and words of the endpoint's answer behind the failure, printed under the sentence. */
  readonly detail: string | undefined;
  constructor(message: string, options?: ErrorOptions & { detail?: string }) {
    super(message, options);
    this.detail = options?.detail;
  }
}
