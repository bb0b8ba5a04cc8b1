/**
 * Reads the `WWW-Authenticate` field of a 401 (RFC 7235 section 4.1): a list of challenges, each a scheme with
 * either a token68 or comma-separated `name=value` auth-params whose values are tokens or quoted strings.
 *
 * Hand-written (about 80 lines): the one well-used small parser (auth-header) reads a single challenge per
 * field, but `Headers.get` joins repeated `WWW-Authenticate` fields into one comma-separated value, so several
 * challenges in one field is the normal case for a fetch client, and telling a new challenge from the next
 * auth-param of the previous one is exactly the part that library leaves out.
 * @module
 */

/** One challenge: the scheme (lower-cased, as schemes are case-insensitive) and its parameters. */
export interface AuthChallenge {
  scheme: string;
  /** Auth-params by lower-cased name (RFC 7235 section 2.1: names are case-insensitive), values unquoted. */
  params: ReadonlyMap<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge carries one instead of parameters. */
  token68?: string;
}

/** RFC 7230 section 3.2.6 tchar. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
/** RFC 7235 section 2.1 token68, followed by what may end it. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/;

/**
 * Parses every challenge of a `WWW-Authenticate` value, in order. Parsing stops at the first byte that fits no
 * rule; the challenges read before it are kept, so one malformed extension challenge does not hide a usable
 * Bearer or Basic one before it.
 * @example
 * parseChallenges('Bearer realm="https://auth.example/token",service="example",scope="repository:a:pull"');
 * // [{ scheme: 'bearer', params: Map { realm → …, service → 'example', scope → 'repository:a:pull' } }]
 */
export function parseChallenges(field: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let at = 0;
  const skipSpace = () => {
    while (field[at] === ' ' || field[at] === '\t') at++;
  };
  const token = () => {
    const start = at;
    while (at < field.length && TCHAR.test(field[at] as string)) at++;
    return field.slice(start, at);
  };
  const quoted = (): string | undefined => {
    let value = '';
    for (at++; at < field.length; at++) {
      const char = field[at];
      if (char === '"') {
        at++;
        return value;
      }
      // quoted-pair: a backslash takes the next character literally.
      if (char === '\\') at++;
      value += field[at] ?? '';
    }
    return undefined;
  };
  /** Reads `name BWS "=" BWS value` at `at`, or moves nothing and answers undefined. */
  const param = (): [string, string] | undefined => {
    const start = at;
    const name = token();
    skipSpace();
    if (name && field[at] === '=') {
      at++;
      skipSpace();
      const value = field[at] === '"' ? quoted() : token() || undefined;
      if (value !== undefined) return [name.toLowerCase(), value];
    }
    at = start;
    return undefined;
  };

  for (;;) {
    // Empty list elements (`, ,`) are allowed by the list rule (RFC 7230 section 7).
    while (field[at] === ',' || field[at] === ' ' || field[at] === '\t') at++;
    if (at >= field.length) return challenges;
    const scheme = token();
    if (!scheme) return challenges;
    const params = new Map<string, string>();
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params };
    challenges.push(challenge);
    skipSpace();
    const first = param();
    if (first) {
      params.set(...first);
      // After a comma comes another auth-param of this challenge (`name=`) or the next challenge's scheme.
      for (;;) {
        const mark = at;
        skipSpace();
        if (field[at] !== ',') break;
        while (field[at] === ',' || field[at] === ' ' || field[at] === '\t') at++;
        const next = param();
        if (!next) {
          at = mark;
          break;
        }
        params.set(...next);
      }
    } else {
      const token68 = TOKEN68.exec(field.slice(at))?.[0];
      if (token68) {
        challenge.token68 = token68;
        at += token68.length;
      }
    }
    skipSpace();
    if (at < field.length && field[at] !== ',') return challenges;
  }
}
