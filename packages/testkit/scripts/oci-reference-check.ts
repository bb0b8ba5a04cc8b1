// Checks the OCI client harness (src/ociClients.ts, src/ociLayout.ts) against the reference
// registry, CNCF distribution 2.8 (Debian's docker-registry), and records which conformance tests the
// reference itself fails. Distribution runs without authentication behind a small proxy that demands HTTP
// Basic `AWS:<password>` and challenges as ECR does (@edgecr/protocol's OCI rules), so every client's
// credential path is exercised too. Not a test: it checks third-party software; run it by hand after
// scripts/install-test-tools.sh:
//   npx -y pnpm@10.34.8 --filter @edgecr/testkit oci-reference-check [folder to keep the conformance report in]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import {
  DISTRIBUTION_API_VERSION,
  DISTRIBUTION_API_VERSION_HEADER,
  ECR_TOKEN_USER,
  OciError,
  ociErrorResponse,
  parseBasicAuthorization,
  wwwAuthenticate,
} from '@edgecr/protocol';
import {
  crane,
  oras,
  type RegistryTarget,
  runConformance,
  skopeoCopy,
  skopeoListTags,
  skopeoRawManifest,
} from '../src/ociClients.ts';
import { writeOciLayout } from '../src/ociLayout.ts';
import { startReferenceRegistry } from '../src/referenceRegistry.ts';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
  console.log(`ok  ${what}`);
}

/** A loopback proxy to `upstreamPort` that lets through only Basic `AWS:<password>`. */
async function startBasicAuthProxy(upstreamPort: number, password: string) {
  const server = createServer((incoming, outgoing) => {
    const credentials = parseBasicAuthorization(incoming.headers.authorization ?? null);
    if (credentials?.username !== ECR_TOKEN_USER || credentials.password !== password) {
      const { port } = server.address() as AddressInfo;
      const challenge = new OciError('UNAUTHORIZED', undefined, {
        headers: {
          'www-authenticate': wwwAuthenticate(`http://127.0.0.1:${port}/`),
          [DISTRIBUTION_API_VERSION_HEADER]: DISTRIBUTION_API_VERSION,
        },
      });
      const response = ociErrorResponse(challenge);
      incoming.resume();
      void response.text().then((body) => {
        outgoing.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
      });
      return;
    }
    // The Host header goes through unchanged, so distribution's Location headers name the proxy.
    // pipeline, not pipe: distribution 2.8 cuts some answers short of their Content-Length (its 416 keeps
    // the blob's length), and the client must see the connection end rather than wait for the rest.
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        pipeline(answer, outgoing, () => {});
      },
    );
    upstream.on('error', (error) => outgoing.destroy(error));
    pipeline(incoming, upstream, () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const work = mkdtempSync(join(tmpdir(), 'edgecr-oci-reference-'));
const reference = await startReferenceRegistry();
const password = randomBytes(24).toString('hex');
const proxy = await startBasicAuthProxy(Number(reference.registry.host.split(':')[1]), password);
const registry: RegistryTarget = { host: proxy.host, username: 'AWS', password };
try {
  const unauthenticated = await fetch(`http://${proxy.host}/v2/`);
  check(
    unauthenticated.status === 401 &&
      unauthenticated.headers.get('www-authenticate') ===
        `Basic realm="http://${proxy.host}/",service="ecr.amazonaws.com"`,
    'GET /v2/ without credentials: 401 with an ECR-style Basic challenge',
  );

  const layout = writeOciLayout(join(work, 'layout'), { tag: 'v1' });
  const indexBytes = new TextDecoder().decode(layout.blobs.get(layout.index.digest));

  // skopeo: layout -> registry -> layout, every platform, digests preserved.
  await skopeoCopy(`oci:${layout.dir}:v1`, `docker://${registry.host}/edgecr/skopeo:v1`, { dest: registry });
  check(
    (await skopeoRawManifest(registry, 'edgecr/skopeo:v1')) === indexBytes,
    'skopeo: the index comes back byte for byte',
  );
  check((await skopeoListTags(registry, 'edgecr/skopeo')).join() === 'v1', 'skopeo: list-tags');
  const pulled = join(work, 'skopeo-pulled');
  await skopeoCopy(`docker://${registry.host}/edgecr/skopeo:v1`, `oci:${pulled}:v1`, { src: registry });
  const pulledBlobs = readdirSync(join(pulled, 'blobs', 'sha256')).map((hex) => `sha256:${hex}`);
  check(
    [...layout.blobs.keys()].every((digest) => pulledBlobs.includes(digest)),
    'skopeo: the pulled layout holds every blob and manifest',
  );

  // crane: push the layout (its one index; `--index` would wrap it in another), read it back by tag and digest, pull one platform, list.
  await crane(registry, ['push', layout.dir, `${registry.host}/edgecr/crane:v1`]);
  const craneDigest = (await crane(registry, ['digest', `${registry.host}/edgecr/crane:v1`])).stdout.trim();
  check(craneDigest === layout.index.digest, 'crane: push of the layout keeps the index digest');
  const manifestByDigest = await crane(registry, [
    'manifest',
    `${registry.host}/edgecr/crane@${craneDigest}`,
  ]);
  check(manifestByDigest.stdout === indexBytes, 'crane: manifest by digest');
  const cranePull = join(work, 'crane-pulled');
  await crane(registry, [
    'pull',
    '--format',
    'oci',
    '--platform',
    'linux/arm64',
    `${registry.host}/edgecr/crane:v1`,
    cranePull,
  ]);
  const arm = layout.images[1];
  check(
    arm !== undefined && readdirSync(join(cranePull, 'blobs', 'sha256')).includes(arm.layer.digest.slice(7)),
    'crane: pull --platform linux/arm64 fetches that platform',
  );
  check((await crane(registry, ['ls', `${registry.host}/edgecr/crane`])).stdout.trim() === 'v1', 'crane: ls');
  const catalog = (await crane(registry, ['catalog', registry.host])).stdout.trim().split('\n');
  check(catalog.includes('edgecr/crane') && catalog.includes('edgecr/skopeo'), 'crane: catalog');

  // oras: push an artifact, attach a referrer to it, discover it, pull the artifact back.
  const file = join(work, 'artifact.txt');
  writeFileSync(file, `artifact ${password.slice(0, 8)}\n`);
  const artifact = `${registry.host}/edgecr/oras:v1`;
  const push = ['--artifact-type', 'application/vnd.edgecr.test', artifact, 'artifact.txt:text/plain'];
  await oras(registry, 'push', push, { cwd: work });
  const attach = ['--artifact-type', 'application/vnd.edgecr.signature', artifact, 'artifact.txt:text/plain'];
  await oras(registry, 'attach', attach, { cwd: work });
  const discovered = JSON.parse((await oras(registry, 'discover', ['--format', 'json', artifact])).stdout);
  check(
    JSON.stringify(discovered).includes('application/vnd.edgecr.signature'),
    'oras: discover finds the attached referrer',
  );
  const orasOut = join(work, 'oras-pulled');
  await oras(registry, 'pull', ['-o', orasOut, artifact]);
  check(readFileSync(join(orasOut, 'artifact.txt'), 'utf8') === readFileSync(file, 'utf8'), 'oras: pull');

  // The conformance suite, through the proxy (so with Basic credentials).
  const resultsDir = process.argv[2] ?? join(work, 'conformance');
  const conformance = await runConformance(registry, { resultsDir });
  console.log(conformance.output.trim());
  console.log(
    `conformance against distribution 2.8: exit ${conformance.code}, ${conformance.passed.length} passed, ` +
      `${conformance.failed.length} failed, ${conformance.skipped.length} skipped`,
  );
  for (const name of conformance.failed) console.log(`  failed: ${name}`);
  for (const name of conformance.skipped) console.log(`  skipped: ${name}`);
  check(conformance.passed.length > 0, 'conformance: ran and passed something through the proxy');
} finally {
  await proxy.close();
  await reference.stop();
  rmSync(work, { recursive: true, force: true });
}
