import { invalidParameter } from '@edgecr/protocol';
import { secretNotFound } from './errors.ts';
import type { UpstreamCredentials } from './upstreamSession.ts';

/** ECR's credential ARN: a Secrets Manager secret whose name starts `ecr-pullthroughcache/`. */
const CREDENTIAL_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/(.+)$/;

/**
 * The upstream credentials an operator keeps (on Cloudflare: the `UPSTREAM_CREDENTIALS` secret), by name.
 * The JSON is a map of names to `{ "username": …, "accessToken": … }`; what does not fit is refused whole.
 * @throws TypeError for JSON of another shape (a configuration fault, reported without the values).
 * @example
 * parseUpstreamCredentials('{"hub":{"username":"me","accessToken":"dckr_pat_…"}}').get('hub');
 */
export function parseUpstreamCredentials(json: string | undefined): Map<string, UpstreamCredentials> {
  const credentials = new Map<string, UpstreamCredentials>();
  if (!json) return credentials;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new TypeError('UPSTREAM_CREDENTIALS must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('UPSTREAM_CREDENTIALS must be a JSON object');
  }
  for (const [name, entry] of Object.entries(parsed)) {
    const { username, accessToken } = (entry ?? {}) as { username?: unknown; accessToken?: unknown };
    if (typeof username !== 'string' || typeof accessToken !== 'string') {
      throw new TypeError(`UPSTREAM_CREDENTIALS entry '${name}' needs a username and an accessToken`);
    }
    credentials.set(name, { username, secret: accessToken });
  }
  return credentials;
}

/**
 * The credential name a rule's `credentialArn` names: `arn:aws:secretsmanager:<region>:<account>:secret:
 * ecr-pullthroughcache/<name>` names `<name>`.
 * @throws EcrError `InvalidParameterException` for an ARN of another form.
 */
export function credentialNameOf(credentialArn: string): string {
  const name = CREDENTIAL_ARN.exec(credentialArn)?.[1];
  if (name === undefined) {
    throw invalidParameter(
      'credentialArn',
      'must be arn:aws:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>',
    );
  }
  return name;
}

/**
 * Checks that a rule's credential, if it names one, is among the operator's.
 * @throws EcrError `InvalidParameterException` (see credentialNameOf), `SecretNotFoundException`.
 */
export function requireCredential(
  credentialArn: string | undefined,
  credentials: Map<string, UpstreamCredentials>,
): void {
  if (credentialArn === undefined) return;
  const name = credentialNameOf(credentialArn);
  if (!credentials.has(name)) throw secretNotFound(name);
}
