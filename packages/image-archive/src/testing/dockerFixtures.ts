/**
 * The two `docker save` forms, built in memory.
 * @module
 */
import { DOCKER_CONFIG, DOCKER_LAYER_TAR, OCI_INDEX } from '@edgecr/protocol';
import {
  type ArchiveFixture,
  blob,
  blobEntry,
  build,
  descriptor,
  type FixtureBlob,
  hexOf,
  LAYOUT,
  layerTar,
  OCI_LAYER_TAR,
  ociImage,
} from './fixtureBlobs.ts';
import type { FixtureEntry } from './tarWriter.ts';

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
  const { config, manifest } = await ociImage(layers);
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
