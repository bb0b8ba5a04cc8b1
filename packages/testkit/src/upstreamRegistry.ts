// Upstream registries for the pull-through cache's tests, as real ones authenticate: CNCF distribution 2.8
// anonymous, behind htpasswd Basic, and behind `auth: token` with a token issuer the test runs
// (./tokenIssuer.ts). Each on free loopback ports, with throwaway files removed on stop.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { RegistryTarget } from './ociClients.ts';
import { startReferenceRegistry } from './referenceRegistry.ts';
import { startTokenIssuer, type TokenIssuerOptions, type TokenRequest } from './tokenIssuer.ts';

export type { TokenRequest } from './tokenIssuer.ts';

/** How the upstream authenticates its clients. */
export type UpstreamAuth = 'anonymous' | 'basic' | 'token';

/** A running upstream registry. */
export interface UpstreamRegistry {
  /** `http://127.0.0.1:<port>`, the registry's base URL (no path). */
  url: string;
  /** The registry for the OCI clients (skopeo, crane), with the credentials unless anonymous. */
  registry: RegistryTarget;
  /** The one account the upstream knows (unused by an anonymous one). */
  username: string;
  password: string;
  /** The requests the token issuer answered, in order (always empty unless `auth` is 'token'). */
  tokenRequests: TokenRequest[];
  /** Where the same list is served as JSON, for tests in another runtime (only when `auth` is 'token'). */
  tokenRequestsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts distribution on a free loopback port, authenticating as `auth` says, with one account of a random
 * password. For 'token', the issuer's lifetime and response member are `options`.
 * @example
 * const upstream = await startUpstreamRegistry('token', { lifetimeSeconds: 120 });
 * await skopeoCopy(`oci:${layout.dir}:v1`, `docker://${upstream.registry.host}/library/hello:v1`, {
 *   dest: upstream.registry,
 * });
 */
export async function startUpstreamRegistry(
  auth: UpstreamAuth,
  options: TokenIssuerOptions = {},
): Promise<UpstreamRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'edgecr-upstream-'));
  const username = 'edgecr-puller';
  const password = randomBytes(12).toString('base64url');
  const issuer = auth === 'token' ? await startTokenIssuer(dir, { username, password }, options) : undefined;
  let section: string | undefined;
  if (auth === 'basic') {
    const path = join(dir, 'htpasswd');
    // distribution reads bcrypt entries only; cost 5 keeps each authenticated request cheap in tests.
    writeFileSync(path, `${username}:${bcrypt.hashSync(password, 5)}\n`);
    section = `{ htpasswd: { realm: edgecr-upstream, path: ${path} } }`;
  } else if (issuer) {
    const { realm, service, rootCertBundle } = issuer;
    section = `{ token: { realm: "${realm}", service: ${service}, issuer: ${issuer.issuer}, rootcertbundle: ${rootCertBundle} } }`;
  }
  const cleanUp = async () => {
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let started: Awaited<ReturnType<typeof startReferenceRegistry>>;
  try {
    started = await startReferenceRegistry({ auth: section });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const { host } = started.registry;
  return {
    url: `http://${host}`,
    registry: auth === 'anonymous' ? { host } : { host, username, password },
    username,
    password,
    tokenRequests: issuer?.requests ?? [],
    tokenRequestsUrl: issuer && new URL('/requests', issuer.realm).href,
    async stop() {
      await started.stop();
      await cleanUp();
    },
  };
}
