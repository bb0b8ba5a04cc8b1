import { describe, expect, it } from 'vitest';
import { ImageArchiveError, type ImageArchiveErrorCode, readImageArchive } from '../src/index.ts';
import type { ArchiveSource } from '../src/readImageArchive.ts';
import { buildTar, type FixtureEntry, notATar, ociLayoutTwoPlatforms } from '../src/testing/index.ts';

async function failure(source: ArchiveSource | Promise<ArchiveSource>): Promise<ImageArchiveError> {
  const error = await readImageArchive(await source).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ImageArchiveError))
    throw new Error(`expected an ImageArchiveError, got ${String(error)}`);
  return error;
}

async function expectFailure(
  source: ArchiveSource | Promise<ArchiveSource>,
  code: ImageArchiveErrorCode,
  message: RegExp,
) {
  const error = await failure(source);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

const layout = (entries: FixtureEntry[]) =>
  buildTar([{ name: 'oci-layout', body: JSON.stringify({ imageLayoutVersion: '1.0.0' }) }, ...entries]);

describe('errors', () => {
  it('a file that is not a tar', async () => {
    await expectFailure(notATar(), 'NotATar', /not a tar archive/);
    await expectFailure(new Blob(['tiny']), 'NotATar', /shorter than one tar header/);
  });

  it('a gzip-compressed tar says to decompress it', async () => {
    const { archive } = await ociLayoutTwoPlatforms();
    const gz = await new Response(archive.stream().pipeThrough(new CompressionStream('gzip'))).blob();
    await expectFailure(gz, 'NotATar', /gzip-compressed.*decompress/);
  });

  it('a tar cut short', async () => {
    const { archive } = await ociLayoutTwoPlatforms();
    await expectFailure(archive.slice(0, 1000), 'NotATar', /cut short at byte 1000/);
    // Inside the last entry's data or padding, before the end-of-archive blocks.
    await expectFailure(archive.slice(0, archive.size - 1024 - 10), 'NotATar', /cut short/);
  });

  it('a tar that is not an image archive', async () => {
    const tar = await buildTar([{ name: 'notes.txt', body: 'hello' }]);
    await expectFailure(tar, 'NotAnImageArchive', /neither index\.json .* nor manifest\.json/);
    await expectFailure(
      { files: [{ path: 'x/notes.txt', blob: new Blob(['hi']) }] },
      'NotAnImageArchive',
      /folder/,
    );
  });

  it('a malformed manifest.json or index.json', async () => {
    await expectFailure(
      buildTar([{ name: 'manifest.json', body: '{not json' }]),
      'MalformedManifest',
      /manifest\.json is not valid JSON/,
    );
    await expectFailure(
      buildTar([{ name: 'manifest.json', body: '{}' }]),
      'MalformedManifest',
      /not a list of images/,
    );
    await expectFailure(
      buildTar([{ name: 'manifest.json', body: '[{"Config":"c.json"}]' }]),
      'MalformedManifest',
      /lacks "Config" or "Layers"/,
    );
    await expectFailure(
      layout([{ name: 'index.json', body: '[]' }]),
      'MalformedIndex',
      /no "manifests" list/,
    );
    await expectFailure(
      layout([
        {
          name: 'index.json',
          body: JSON.stringify({ manifests: [{ mediaType: 'x', digest: 'md5:1', size: 1 }] }),
        },
      ]),
      'MalformedIndex',
      /not a sha256 digest/,
    );
  });

  it('a blob the manifest references but the archive lacks, named by digest', async () => {
    let missing = '';
    const { archive } = await ociLayoutTwoPlatforms({
      omit: (facts) => {
        missing = facts.platforms[1]?.layers[1]?.digest ?? '';
        return missing;
      },
    });
    const error = await expectFailure(
      archive,
      'MissingBlob',
      new RegExp(`references blob ${missing}, which is not in the archive`),
    );
    expect(error.digest).toBe(missing);
  });

  it('a multi-platform index holding only some platforms says how to save it', async () => {
    let missing = '';
    const { archive } = await ociLayoutTwoPlatforms({
      omit: (facts) => {
        missing = facts.platforms[1]?.manifest.digest ?? '';
        return missing;
      },
    });
    const error = await expectFailure(archive, 'MissingBlob', /only some platforms.*docker save --platform/);
    expect(error.digest).toBe(missing);
  });

  it('a classic layer file that is missing', async () => {
    const config = JSON.stringify({ rootfs: { diff_ids: [`sha256:${'a'.repeat(64)}`] } });
    const tar = buildTar([
      { name: 'c.json', body: config },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l/layer.tar'] }]),
      },
    ]);
    await expectFailure(
      tar,
      'MissingBlob',
      /names layer sha256:a{64} l\/layer\.tar, which is not in the archive/,
    );
  });

  it('a classic config whose diff_ids do not match the layers', async () => {
    const tar = buildTar([
      { name: 'c.json', body: JSON.stringify({ rootfs: { diff_ids: [] } }) },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l/layer.tar'] }]),
      },
    ]);
    await expectFailure(
      tar,
      'MalformedManifest',
      /lists 0 layer digests .* but manifest\.json lists 1 layers/,
    );
  });

  it('a blob whose size differs from its descriptor', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const config = facts.platforms[0]?.config;
    const changed = entries.map((e) =>
      e.name === `blobs/sha256/${config?.digest.slice(7)}` ? { ...e, body: `${JSON.stringify({})}   ` } : e,
    );
    const error = await expectFailure(
      buildTar(changed),
      'BlobSizeMismatch',
      /bytes in the archive, but .* says/,
    );
    expect(error.digest).toBe(config?.digest);
  });

  it('a manifest whose bytes do not match its digest', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const index = facts.index;
    const tampered = new TextEncoder().encode(
      new TextDecoder().decode(index.bytes).replace('amd64', 'AMD64'),
    );
    const changed = entries.map((e) =>
      e.name === `blobs/sha256/${index.digest.slice(7)}` ? { ...e, body: tampered } : e,
    );
    await expectFailure(
      buildTar(changed),
      'DigestMismatch',
      new RegExp(`should have digest ${index.digest}`),
    );
  });

  it('an index entry of a media type that is not an image', async () => {
    const body = new TextEncoder().encode('{}');
    const digest = `sha256:${Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', body)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    const index = {
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.example.thing', digest, size: 2 }],
    };
    await expectFailure(
      layout([
        { name: 'index.json', body: JSON.stringify(index) },
        { name: `blobs/sha256/${digest.slice(7)}`, body },
      ]),
      'UnsupportedMediaType',
      /media type application\/vnd\.example\.thing, which is not an image manifest or index/,
    );
  });
});
