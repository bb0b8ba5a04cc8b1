import {
  DOCKER_MANIFEST,
  EcrError,
  MAX_IMAGE_MANIFEST_LENGTH,
  manifestDigest,
  OCI_INDEX,
  OCI_MANIFEST,
  parseManifest,
} from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { convertManifest } from '../../src/index.ts';
import {
  blobs,
  digestOf,
  dockerList,
  dockerManifest,
  EMPTY_CONFIG,
  helmChart,
  ociIndex,
  ociManifest,
  referrer,
} from './_fixtures.ts';

const [config, ...layers] = blobs('img', 4) as [ReturnType<typeof blobs>[0], ...ReturnType<typeof blobs>];

function invalid(text: string, declared?: string): string {
  try {
    parseManifest(text, declared);
  } catch (err) {
    expect(err).toBeInstanceOf(EcrError);
    expect((err as EcrError).code).toBe('InvalidParameterException');
    return (err as EcrError).message;
  }
  throw new Error('parsed');
}

describe('parseManifest', () => {
  it('reads a Docker schema 2 manifest: config, layers, digest of the exact bytes', () => {
    const text = dockerManifest(config, layers);
    const parsed = parseManifest(text);
    expect(parsed).toMatchObject({ mediaType: DOCKER_MANIFEST, kind: 'image', manifests: [] });
    expect(parsed.config).toEqual({
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: config.digest,
      size: config.size,
    });
    expect(parsed.layers.map((layer) => layer.digest)).toEqual(layers.map((layer) => layer.digest));
    expect(parsed.digest).toBe(manifestDigest(text));
    expect(parsed.size).toBe(new TextEncoder().encode(text).length);
  });

  it('digests the bytes as sent: the same JSON printed otherwise is another image', () => {
    const pretty = dockerManifest(config, layers);
    const compact = JSON.stringify(JSON.parse(pretty));
    expect(parseManifest(pretty).digest).not.toBe(parseManifest(compact).digest);
    // Non-ASCII text is hashed as UTF-8.
    const annotated = ociManifest(config, layers, { annotations: { 'org.example.author': 'Zoë 🐳' } });
    const expected = digestOf(annotated);
    expect(parseManifest(annotated).digest).toBe(expected);
  });

  it('reads an OCI image manifest, a Docker manifest list and an OCI index with platforms', () => {
    expect(parseManifest(ociManifest(config, layers))).toMatchObject({
      mediaType: OCI_MANIFEST,
      kind: 'image',
    });
    const children = [
      { digest: digestOf('amd64'), size: 1300, mediaType: DOCKER_MANIFEST, architecture: 'amd64' },
      { digest: digestOf('arm'), size: 1301, mediaType: DOCKER_MANIFEST, architecture: 'arm' },
    ];
    const list = parseManifest(dockerList(children));
    expect(list.kind).toBe('index');
    expect(list.layers).toEqual([]);
    expect(list.manifests[1]).toEqual({
      mediaType: DOCKER_MANIFEST,
      digest: children[1]?.digest,
      size: 1301,
      platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
    });
    const attestation = {
      digest: digestOf('att'),
      size: 840,
      mediaType: OCI_MANIFEST,
      architecture: 'unknown',
    };
    const index = parseManifest(ociIndex(children, attestation));
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((child) => child.platform?.architecture)).toEqual(['amd64', 'arm', 'unknown']);
  });

  it('takes the media type from imageManifestMediaType when the manifest has none (Helm)', () => {
    const [chartConfig, chart] = blobs('helm', 2) as [
      ReturnType<typeof blobs>[0],
      ReturnType<typeof blobs>[0],
    ];
    const text = helmChart(chartConfig, chart);
    expect(invalid(text)).toContain('imageManifestMediaType');
    const parsed = parseManifest(text, OCI_MANIFEST);
    expect(parsed.mediaType).toBe(OCI_MANIFEST);
    expect(parsed.config?.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
  });

  it('reads an OCI artifact: artifactType, subject, empty config', () => {
    const subject = {
      digest: digestOf('subject'),
      size: 500,
      mediaType: OCI_MANIFEST,
      architecture: 'amd64',
    };
    const payload = blobs('sig', 1)[0] as ReturnType<typeof blobs>[0];
    const parsed = parseManifest(referrer(subject, payload));
    expect(parsed.artifactType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(parsed.subject).toEqual({ mediaType: OCI_MANIFEST, digest: subject.digest, size: 500 });
    expect(parsed.config?.digest).toBe(EMPTY_CONFIG.digest);
    // An artifact may have no layers at all.
    const bare = JSON.parse(referrer(subject, payload)) as Record<string, unknown>;
    expect(parseManifest(JSON.stringify({ ...bare, layers: [] })).layers).toEqual([]);
  });

  it('refuses Docker schema 1, by schemaVersion or by media type', () => {
    const schema1 = JSON.stringify({
      schemaVersion: 1,
      name: 'team/app',
      tag: 'latest',
      architecture: 'amd64',
      fsLayers: [{ blobSum: layers[0]?.digest }],
      history: [{ v1Compatibility: '{}' }],
    });
    expect(invalid(schema1)).toMatch(/schema 1 is not supported/);
    expect(invalid(schema1, 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toMatch(/schema 1/);
    expect(
      invalid(dockerManifest(config, layers), 'application/vnd.docker.distribution.manifest.v1+json'),
    ).toMatch(/schema 1/);
  });

  it('refuses a declared media type the manifest contradicts, and unsupported types', () => {
    expect(invalid(dockerManifest(config, layers), OCI_MANIFEST)).toMatch(
      /must match the manifest's mediaType/,
    );
    const other = JSON.stringify({
      ...JSON.parse(ociManifest(config, layers)),
      mediaType: 'application/json',
    });
    expect(invalid(other)).toMatch(/unsupported manifest media type 'application\/json'/);
    // The same type declared twice is fine.
    expect(parseManifest(dockerManifest(config, layers), DOCKER_MANIFEST).mediaType).toBe(DOCKER_MANIFEST);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 2,'],
    ['an array', '[]'],
    [
      'schemaVersion 3',
      JSON.stringify({ schemaVersion: 3, mediaType: OCI_MANIFEST, config: {}, layers: [] }),
    ],
    ['an index declared as an image', ociIndex([]).replace(OCI_INDEX, OCI_MANIFEST)],
    ['an image with manifests', ociManifest(config, layers, { manifests: [] })],
    ['an index with layers', JSON.stringify({ ...JSON.parse(ociIndex([])), layers: [] })],
    ['a Docker image without layers', dockerManifest(config, [])],
    ['a bad digest', dockerManifest({ ...config, digest: 'sha256:abc' }, layers)],
    ['an upper-case sha256', dockerManifest({ ...config, digest: config.digest.toUpperCase() }, layers)],
    ['a negative size', dockerManifest({ ...config, size: -1 }, layers)],
    ['a fractional size', dockerManifest({ ...config, size: 1.5 }, layers)],
    [
      'a descriptor without mediaType',
      ociManifest(config, layers).replace('"application/vnd.oci.image.config.v1+json"', 'null'),
    ],
    [
      'a platform without os',
      dockerList([
        { ...blobs('x', 1)[0], mediaType: DOCKER_MANIFEST, architecture: 'amd64' } as never,
      ]).replace('"os": "linux"', '"os": 1'),
    ],
  ])("refuses %s with ECR's Invalid JSON syntax message", (_, text) => {
    expect(invalid(text)).toBe(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
  });

  it('refuses a manifest over 4 MiB of UTF-8 even when under 4 Mi characters', () => {
    const padding = 'é'.repeat(MAX_IMAGE_MANIFEST_LENGTH / 2);
    const text = ociManifest(config, layers, { annotations: { padding } });
    expect(text.length).toBeLessThan(MAX_IMAGE_MANIFEST_LENGTH + 1000);
    expect(invalid(text)).toMatch(/must be at most 4194304 bytes/);
  });
});

describe('convertManifest', () => {
  it('converts Docker schema 2 to OCI and back, keeping digests and sizes', () => {
    const docker = dockerManifest(config, layers);
    const oci = convertManifest(docker, DOCKER_MANIFEST, OCI_MANIFEST);
    expect(oci).not.toBeNull();
    const parsed = parseManifest(oci?.text as string);
    expect(parsed.mediaType).toBe(OCI_MANIFEST);
    expect(parsed.config?.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(parsed.layers.map((l) => [l.mediaType, l.digest, l.size])).toEqual(
      layers.map((l) => ['application/vnd.oci.image.layer.v1.tar+gzip', l.digest, l.size]),
    );
    expect(oci?.digest).toBe(manifestDigest(oci?.text as string));
    expect(oci?.digest).not.toBe(parseManifest(docker).digest);
    const back = convertManifest(oci?.text as string, OCI_MANIFEST, DOCKER_MANIFEST);
    expect(back?.text).toBe(docker);
  });

  it('does not convert indexes, artifacts, Helm charts or unknown layer types', () => {
    const subject = { digest: digestOf('s'), size: 1, mediaType: OCI_MANIFEST, architecture: 'amd64' };
    const [a, b] = blobs('h', 2) as [ReturnType<typeof blobs>[0], ReturnType<typeof blobs>[0]];
    expect(convertManifest(ociIndex([]), OCI_INDEX, DOCKER_MANIFEST)).toBeNull();
    expect(convertManifest(referrer(subject, a), OCI_MANIFEST, DOCKER_MANIFEST)).toBeNull();
    expect(convertManifest(helmChart(a, b), OCI_MANIFEST, DOCKER_MANIFEST)).toBeNull();
    const zstd = ociManifest(config, layers).replaceAll('tar+gzip', 'tar+zstd');
    expect(convertManifest(zstd, OCI_MANIFEST, DOCKER_MANIFEST)).toBeNull();
    expect(convertManifest(dockerManifest(config, layers), DOCKER_MANIFEST, DOCKER_MANIFEST)).toBeNull();
  });
});
