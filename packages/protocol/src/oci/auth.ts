/**
 * Authentication on the OCI door as ECR's registry endpoint does it: HTTP Basic (RFC 7617) with user `AWS`
 * and the password GetAuthorizationToken returns, and a Basic challenge on 401. The spec leaves
 * authentication to the registry ("Determining Support": `/v2/` MAY be used for it).
 * @module
 */

/**
 * The user name ECR's registry endpoint takes with a token password (`docker login -u AWS`).
 * @example
 * if (credentials.username !== ECR_TOKEN_USER) return unauthorized();
 */
export const ECR_TOKEN_USER = 'AWS';

/**
 * The `service` parameter of ECR's Basic challenge.
 * @example
 * wwwAuthenticate(realm); // ...,service="ecr.amazonaws.com"
 */
export const ECR_SERVICE = 'ecr.amazonaws.com';

/**
 * A user name and password from an `Authorization: Basic` header.
 * @example
 * const { username, password }: BasicCredentials = parseBasicAuthorization(header) ?? anonymous;
 */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Reads `Authorization: Basic <base64 of user:password>` (RFC 7617 section 2: the scheme is
 * case-insensitive, the user name ends at the first `:`, the octets are UTF-8). Undefined when the header
 * is absent, of another scheme, or malformed; the door answers all of those with a 401 challenge. The
 * base64 token68 itself equals GetAuthorizationToken's `authorizationToken` when the client sends it
 * back unchanged, but clients may re-encode, so read the password, not the token.
 * @example
 * const credentials = parseBasicAuthorization(request.headers.get('authorization'));
 */
export function parseBasicAuthorization(header: string | null): BasicCredentials | undefined {
  const match = header === null ? null : /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match) return undefined;
  let text: string;
  try {
    const binary = atob(match[1] ?? '');
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * The `WWW-Authenticate` challenge of a 401, as ECR writes it:
 * `Basic realm="https://<account>.dkr.ecr.<region>.amazonaws.com/",service="ecr.amazonaws.com"`, the
 * realm being the registry's own URL. The realm is a quoted-string (RFC 9110 section 5.6.4).
 * @example
 * new OciError('UNAUTHORIZED', undefined, { headers: { 'www-authenticate': wwwAuthenticate(`${origin}/`) } });
 */
export function wwwAuthenticate(realm: string): string {
  return `Basic realm=${quotedString(realm)},service=${quotedString(ECR_SERVICE)}`;
}

function quotedString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
