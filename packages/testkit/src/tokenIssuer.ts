// A token service for distribution's `auth: token` (distribution's docs/spec/auth/token.md): a loopback HTTP
// server that signs JWTs with a key and self-signed certificate made for the test, the certificate being the
// registry's `rootcertbundle` and riding in each token's `x5c` header so distribution 2.8 can verify it.
import { spawnSync } from 'node:child_process';
import { randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';

/** One request the issuer answered, as the tests count and inspect them. */
export interface TokenRequest {
  /** The Basic user name presented, or undefined for an anonymous request. */
  account: string | undefined;
  scopes: string[];
  /** Whether the requested actions were granted (a right password); anonymous requests get no access. */
  granted: boolean;
}

/** How the issuer answers. */
export interface TokenIssuerOptions {
  /** `expires_in` of every token (the registry also refuses it after this). */
  lifetimeSeconds?: number;
  /** The response member carrying the token: Docker's `token` or OAuth 2's `access_token`. */
  tokenField?: 'token' | 'access_token';
}

/** A running token issuer. */
export interface TokenIssuer {
  /** The realm to configure in the registry: `http://127.0.0.1:<port>/token`. */
  realm: string;
  /** `issuer` and `service` to configure in the registry, and the certificate file for `rootcertbundle`. */
  issuer: string;
  service: string;
  rootCertBundle: string;
  /** The token requests answered, in order; also served as JSON at `<origin>/requests`. */
  requests: TokenRequest[];
  close(): Promise<void>;
}

const ISSUER = 'edgecr-test-issuer';
const SERVICE = 'edgecr-test-upstream';

/** Makes a P-256 key and a self-signed certificate for it in `dir` with the system's openssl. */
function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'issuer-key.pem');
  const certFile = join(dir, 'issuer-cert.pem');
  const result = spawnSync(
    'openssl',
    [
      ...[
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
      ],
      ...['-keyout', keyFile, '-out', certFile, '-subj', `/CN=${ISSUER}`],
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`openssl could not make the issuer's certificate:\n${result.stderr}`);
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Starts a token issuer on a free loopback port. `GET /token?service&scope…` with the right Basic credentials
 * gets every action it asks for; wrong ones get 401; no credentials get a token with no access (as Docker Hub
 * answers an anonymous request for a private repository), which the registry then refuses.
 */
export async function startTokenIssuer(
  dir: string,
  user: { username: string; password: string },
  options: TokenIssuerOptions = {},
): Promise<TokenIssuer> {
  const lifetime = options.lifetimeSeconds ?? 300;
  const { key: pem, cert, certFile } = makeCertificate(dir);
  const key = await importPKCS8(pem, 'ES256');
  const x5c = [new X509Certificate(cert).raw.toString('base64')];
  const requests: TokenRequest[] = [];

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://issuer');
    // What the issuer answered so far, for tests that run where this process's memory is out of reach (workerd).
    if (url.pathname === '/requests') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    const header = request.headers.authorization;
    let account: string | undefined;
    let granted = false;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      account = decoded.slice(0, colon);
      granted = same(account, user.username) && same(decoded.slice(colon + 1), user.password);
    }
    requests.push({ account, scopes, granted });
    if (account !== undefined && !granted) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    // scope = resourcetype:resourcename:action[,action]; names may hold ':' (a port), so split from both ends.
    const access = granted
      ? scopes.map((scope) => {
          const parts = scope.split(':');
          const actions = (parts.pop() ?? '').split(',');
          const [type, ...name] = parts;
          return { type, name: name.join(':'), actions };
        })
      : [];
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c })
      .setIssuer(ISSUER)
      .setSubject(account ?? '')
      .setAudience(url.searchParams.get('service') ?? SERVICE)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt - 5)
      .setExpirationTime(issuedAt + lifetime)
      .setJti(randomUUID())
      .sign(key);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        [options.tokenField ?? 'token']: token,
        expires_in: lifetime,
        issued_at: new Date(issuedAt * 1000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    realm: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    issuer: ISSUER,
    service: SERVICE,
    rootCertBundle: certFile,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
