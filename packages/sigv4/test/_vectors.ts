// Loads the vendored SigV4 test vectors (test/vectors/, see its NOTICE) and parses their raw HTTP requests.

const files = import.meta.glob<string>('./vectors/**/*.{req,sreq,creq,sts,authz}', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** An HTTP/1.1 request as the suite writes it: request line, header lines, blank line, body. */
export interface RawRequest {
  method: string;
  /** The request target exactly as written, which may hold characters no HTTP client sends raw. */
  target: string;
  path: string;
  query: string;
  /** Header lines in order, names as written, values as written after the colon. */
  headers: [string, string][];
  body: string;
}

export interface Vector {
  /** `aws-sig-v4-test-suite/get-vanilla`, `botocore-aws4_testsuite/get-utf8`, … */
  id: string;
  req: RawRequest;
  /** The request as the server receives it, when the suite gives one beyond `req` + `authz`. */
  sreq?: RawRequest;
  creq: string;
  sts: string;
  authz: string;
}

export function parseRawRequest(text: string): RawRequest {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const requestLine = lines[0] ?? '';
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const q = target.indexOf('?');
  const headers: [string, string][] = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return {
    method: requestLine.slice(0, firstSpace),
    target,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    headers,
    body: lines.slice(i + 1).join('\n'),
  };
}

function load(): Vector[] {
  const byCase = new Map<string, Record<string, string>>();
  for (const [path, text] of Object.entries(files)) {
    const m = /^\.\/vectors\/(.+)\/[^/]+\.(\w+)$/.exec(path);
    if (!m) throw new Error(`unexpected vector file ${path}`);
    const [, id, ext] = m as unknown as [string, string, string];
    const entry = byCase.get(id) ?? {};
    entry[ext] = text;
    byCase.set(id, entry);
  }
  return [...byCase]
    .map(([id, f]) => {
      const { req, sreq, creq, sts, authz } = f;
      if (req === undefined || creq === undefined || sts === undefined || authz === undefined) {
        throw new Error(`vector ${id} lacks a file`);
      }
      return {
        id,
        req: parseRawRequest(req),
        ...(sreq === undefined ? {} : { sreq: parseRawRequest(sreq) }),
        creq,
        sts,
        authz,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export const VECTORS: Vector[] = load();

export const SUITE_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
} as const;
