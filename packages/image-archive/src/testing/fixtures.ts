/**
 * Image archives built in memory, for this package's tests and for the web page's and the CLI's: each fixture
 * returns its entries (to build a tar or a folder) and the facts a test checks the reader's answer against.
 * @module
 */
import { packTar } from 'modern-tar';
import type { FolderFile } from '../archiveFiles.ts';
import { sha256Digest } from '../blobLike.ts';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR, OCI_INDEX, OCI_MANIFEST } from '../mediaTypes.ts';
import { buildSparseTar, buildTar, type FixtureEntry, type SparseBlob } from './tarWriter.ts';

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });

/** A blob of a fixture: its bytes and descriptor. */
export interface FixtureBlob {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

/** A built fixture: its entries, the same as a tar, and what a test expects the reader to find. */
export interface ArchiveFixture<Facts> {
  readonly entries: readonly FixtureEntry[];
  readonly archive: Blob;
  readonly facts: Facts;
}

async function blob(bytes: Uint8Array<ArrayBuffer> | string, mediaType: string): Promise<FixtureBlob> {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { bytes: b, digest: await sha256Digest(b), size: b.length, mediaType };
}

const descriptor = ({ mediaType, digest, size }: FixtureBlob) => ({ mediaType, digest, size });
const hexOf = (digest: string) => digest.slice('sha256:'.length);
const blobEntry = (b: FixtureBlob): FixtureEntry => ({
  name: `blobs/sha256/${hexOf(b.digest)}`,
  body: b.bytes,
});

/** A filesystem layer: a small tar holding one text file. */
async function layerTar(path: string, text: string): Promise<Uint8Array<ArrayBuffer>> {
  return packTar([{ header: { name: path, size: text.length, mtime: new Date(0) }, body: text }]);
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function build<Facts>(entries: FixtureEntry[], facts: Facts): Promise<ArchiveFixture<Facts>> {
  return { entries, archive: await buildTar(entries), facts };
}

/** A fixture's entries as a folder drop, each path under `folder` (as `webkitRelativePath` gives them). */
export function asFolder(entries: readonly FixtureEntry[], folder = 'image'): FolderFile[] {
  return entries
    .filter((e) => (e.type ?? 'file') === 'file')
    .map((e) => {
      const body = e.body ?? '';
      const part = typeof body === 'object' && 'zeros' in body ? new Uint8Array(body.zeros) : body;
      return { path: `${folder}/${e.name}`, blob: new Blob([part]) };
    });
}

/** What the classic `docker save` fixture holds. */
export interface DockerSaveClassicFacts {
  readonly repoTags: readonly string[];
  readonly config: FixtureBlob;
  /** The uncompressed layers, base first; each digest is the config's diff_id. */
  readonly layers: readonly FixtureBlob[];
}

/**
 * A classic `docker save` tarball (Docker before 25): `manifest.json`, `<id>.json`, two `<id>/layer.tar`,
 * `repositories`. With `sharedLayerImage`, a second image (`example/base:1`) whose only layer is a symbolic
 * link to the first image's base layer, as docker save wrote shared layers.
 */
export async function dockerSaveClassic(options?: {
  sharedLayerImage?: boolean;
}): Promise<ArchiveFixture<DockerSaveClassicFacts>> {
  const layers = [
    await blob(await layerTar('etc/base.txt', 'base layer\n'), DOCKER_LAYER_TAR),
    await blob(await layerTar('app/hello.txt', 'hello from the app layer\n'), DOCKER_LAYER_TAR),
  ];
  const configOf = async (diffIds: string[]) =>
    blob(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: diffIds },
      }),
      DOCKER_CONFIG,
    );
  const config = await configOf(layers.map((l) => l.digest));
  const ids = layers.map((l) => hexOf(l.digest));
  const repoTags = ['example/app:1.0', 'example/app:latest'];
  const manifest = [
    {
      Config: `${hexOf(config.digest)}.json`,
      RepoTags: repoTags,
      Layers: ids.map((id) => `${id}/layer.tar`),
    },
  ];
  const entries: FixtureEntry[] = [];
  for (const [i, id] of ids.entries()) {
    entries.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, body: '1.0' });
    entries.push(
      { name: `${id}/json`, body: '{}' },
      { name: `${id}/layer.tar`, body: layers[i]?.bytes ?? '' },
    );
  }
  entries.push({ name: `${hexOf(config.digest)}.json`, body: config.bytes });
  if (options?.sharedLayerImage) {
    const baseConfig = await configOf([layers[0]?.digest ?? '']);
    const linkId = 'f'.repeat(64);
    entries.push({ name: `${hexOf(baseConfig.digest)}.json`, body: baseConfig.bytes });
    entries.push({ name: `${linkId}/layer.tar`, type: 'symlink', linkname: `../${ids[0]}/layer.tar` });
    manifest.push({
      Config: `${hexOf(baseConfig.digest)}.json`,
      RepoTags: ['example/base:1'],
      Layers: [`${linkId}/layer.tar`],
    });
  }
  entries.push({ name: 'repositories', body: JSON.stringify({ 'example/app': { '1.0': ids[1] } }) });
  entries.push({ name: 'manifest.json', body: JSON.stringify(manifest) });
  return build(entries, { repoTags, config, layers });
}

/** One platform of the OCI fixture. */
export interface FixturePlatform {
  readonly platform: { os: string; architecture: string; variant?: string };
  readonly manifest: FixtureBlob;
  readonly config: FixtureBlob;
  readonly layers: readonly FixtureBlob[];
}

/** What the OCI layout fixtures hold. */
export interface OciLayoutFacts {
  readonly tag: string;
  readonly index: FixtureBlob;
  readonly platforms: readonly FixturePlatform[];
}

async function platformImage(
  platform: FixturePlatform['platform'],
  base: FixtureBlob,
  text: string,
): Promise<FixturePlatform> {
  const own = await blob(await gzip(await layerTar('app/platform.txt', text)), OCI_LAYER_TAR_GZIP);
  const layers = [base, own];
  const config = await blob(
    JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
    OCI_CONFIG,
  );
  const manifest = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(config),
      layers: layers.map(descriptor),
    }),
    OCI_MANIFEST,
  );
  return { platform, manifest, config, layers };
}

/**
 * An OCI image layout tar whose `index.json` names (tag `1.0`) an image index of two platforms, linux/amd64
 * and linux/arm64/v8; both share a gzip base layer and have one layer of their own. `omit` leaves a blob out
 * (to make the missing-blob archive).
 */
export async function ociLayoutTwoPlatforms(options?: {
  omit?: (facts: OciLayoutFacts) => string;
}): Promise<ArchiveFixture<OciLayoutFacts>> {
  const base = await blob(
    await gzip(await layerTar('etc/base.txt', 'shared base layer\n')),
    OCI_LAYER_TAR_GZIP,
  );
  const platforms = [
    await platformImage({ os: 'linux', architecture: 'amd64' }, base, 'amd64 build\n'),
    await platformImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }, base, 'arm64 build\n'),
  ];
  const index = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: platforms.map((p) => ({ ...descriptor(p.manifest), platform: p.platform })),
    }),
    OCI_INDEX,
  );
  const tag = '1.0';
  const facts = { tag, index, platforms };
  const topIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...descriptor(index), annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  const blobs = new Map<string, FixtureBlob>([[index.digest, index]]);
  for (const p of platforms) for (const b of [p.manifest, p.config, ...p.layers]) blobs.set(b.digest, b);
  const omitted = options?.omit?.(facts);
  const entries: FixtureEntry[] = [
    { name: 'oci-layout', body: LAYOUT },
    { name: 'index.json', body: JSON.stringify(topIndex) },
    ...[...blobs.values()].filter((b) => b.digest !== omitted).map(blobEntry),
  ];
  return build(entries, facts);
}

/** What the docker save (OCI form) fixture holds. */
export interface DockerSaveOciFacts {
  readonly repoTags: readonly string[];
  readonly manifest: FixtureBlob;
  readonly config: FixtureBlob;
  readonly layers: readonly FixtureBlob[];
}

/**
 * A `docker save` tarball as Docker 25 and later write it: an OCI layout (uncompressed layers) plus a
 * `manifest.json` whose `RepoTags` name the image, and containerd's name annotation in `index.json`.
 */
export async function dockerSaveOci(): Promise<ArchiveFixture<DockerSaveOciFacts>> {
  const layers = [
    await blob(await layerTar('etc/base.txt', 'base\n'), OCI_LAYER_TAR),
    await blob(await layerTar('app/run.sh', 'echo hi\n'), OCI_LAYER_TAR),
  ];
  const config = await blob(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
    OCI_CONFIG,
  );
  const manifest = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(config),
      layers: layers.map(descriptor),
    }),
    OCI_MANIFEST,
  );
  const repoTags = ['example/web:2.1'];
  const annotations = {
    'io.containerd.image.name': 'docker.io/example/web:2.1',
    'org.opencontainers.image.ref.name': '2.1',
  };
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...descriptor(manifest), annotations }],
  };
  const manifestJson = [
    {
      Config: `blobs/sha256/${hexOf(config.digest)}`,
      RepoTags: repoTags,
      Layers: layers.map((l) => blobEntry(l).name),
    },
  ];
  const entries: FixtureEntry[] = [
    { name: 'blobs/', type: 'directory' },
    ...[...layers, config, manifest].map(blobEntry),
    { name: 'index.json', body: JSON.stringify(index) },
    { name: 'manifest.json', body: JSON.stringify(manifestJson) },
    { name: 'oci-layout', body: LAYOUT },
  ];
  return build(entries, { repoTags, manifest, config, layers });
}

/** A file that is not a tar: a short text. */
export function notATar(): Blob {
  return new Blob(['This is a text file, not a container image archive.\n'.repeat(20)]);
}

/** What the large sparse fixture holds. */
export interface LargeArchiveFacts {
  readonly layerSize: number;
  readonly manifest: FixtureBlob;
}

/**
 * An OCI layout tar with one layer of `layerBytes` zero bytes held as a zero run (no memory), as a
 * {@link SparseBlob} that counts the bytes read from it. The layer's digest is a stand-in, not its hash: the
 * fixture measures what a reader reads, and the reader never hashes layers (hashing it here would read it all).
 */
export async function largeOciLayout(
  layerBytes: number,
): Promise<{ archive: SparseBlob; facts: LargeArchiveFacts }> {
  const layer = { digest: `sha256:${'0'.repeat(64)}`, size: layerBytes, mediaType: OCI_LAYER_TAR };
  const config = await blob(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
    OCI_CONFIG,
  );
  const manifest = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(config),
      layers: [layer],
    }),
    OCI_MANIFEST,
  );
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor(manifest)] };
  const archive = await buildSparseTar([
    { name: 'oci-layout', body: LAYOUT },
    { name: 'index.json', body: JSON.stringify(index) },
    { name: `blobs/sha256/${hexOf(layer.digest)}`, body: { zeros: layerBytes } },
    blobEntry(config),
    blobEntry(manifest),
  ]);
  return { archive, facts: { layerSize: layerBytes, manifest } };
}
