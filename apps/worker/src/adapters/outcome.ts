import { EcrError, type EcrErrorOptions, type ErrorCode } from '@edgecr/protocol';

/**
 * What a Durable Object method returns: Workers RPC does not carry an error's class or extra fields across
 * the call, so ECR errors travel as data and are thrown again on the caller's side.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

interface WireError {
  code: ErrorCode;
  message: string;
  fields: Record<string, unknown>;
}

/** Runs `fn`, turning an `EcrError` it throws into a failed outcome; any other error propagates. */
export async function capture<T>(fn: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (!(error instanceof EcrError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, fields: { ...error.fields } } };
  }
}

/** The value of a successful outcome; the `EcrError` of a failed one, thrown. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { code, message, fields } = outcome.error;
  throw new EcrError(code, message, { fields } as EcrErrorOptions<ErrorCode>);
}
