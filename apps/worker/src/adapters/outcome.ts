import { EcrError, type EcrErrorOptions, type ErrorCode } from '@edgecr/protocol';

/**
 * What a Durable Object's call returns: Workers RPC does not carry an error's class or extra fields across
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

/**
 * A host's one generic call, on the object's side: runs `target[method](...args)` for a method the listing
 * names (nothing else of the object is reachable), its ECR error captured as an outcome.
 */
export function serve<T extends object>(
  target: T,
  methods: readonly (keyof T & string)[],
  method: string,
  args: unknown[],
): Promise<Outcome<unknown>> {
  if (!(methods as readonly string[]).includes(method)) {
    return Promise.reject(new TypeError(`No method ${method} on this host`));
  }
  const fn = target[method as keyof T] as (...given: unknown[]) => Promise<unknown>;
  return capture(() => fn.apply(target, args));
}

/**
 * A host's one generic call, on the caller's side: a typed handle whose every listed method sends its name
 * and arguments through `call` and unwraps the outcome. A new method is one more name in the listing.
 */
export function handleOf<T>(
  methods: readonly (keyof T & string)[],
  call: (method: string, args: unknown[]) => Promise<Outcome<unknown>>,
): T {
  const entries = methods.map((method) => [
    method,
    async (...args: unknown[]) => unwrap(await call(method, args)),
  ]);
  return Object.fromEntries(entries) as T;
}
