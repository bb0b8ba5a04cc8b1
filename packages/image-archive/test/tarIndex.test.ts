import { createTarDecoder } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { readImageArchive } from '../src/index.ts';
import { indexTar } from '../src/tarIndex.ts';
import { buildSparseTar, buildTar, largeOciLayout, ociLayoutTwoPlatforms } from '../src/testing/index.ts';

/** Every regular file of a tar as modern-tar's streaming decoder sees it: the reference for indexTar. */
async function decodeWithModernTar(tar: Blob): Promise<{ path: string; bytes: Uint8Array }[]> {
  const files: { path: string; bytes: Uint8Array }[] = [];
  const reader = tar.stream().pipeThrough(createTarDecoder()).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    const bytes = new Uint8Array(await new Response(next.value.body).arrayBuffer());
    if (next.value.header.type === 'file') files.push({ path: next.value.header.name, bytes });
  }
  return files;
}

async function indexedFiles(tar: Blob) {
  const files = await indexTar(tar);
  return Promise.all(
    files
      .filter((f) => f.link === undefined)
      .map(async (f) => ({
        path: f.path,
        bytes: new Uint8Array(await tar.slice(f.offset, f.offset + f.size).arrayBuffer()),
      })),
  );
}

const LONG_DIR = `${'a-very-long-folder-name/'.repeat(8)}layout`;

describe('indexTar', () => {
  it('finds the same files and bytes as modern-tar decoding the whole stream', async () => {
    const { archive } = await ociLayoutTwoPlatforms();
    expect(await indexedFiles(archive)).toEqual(await decodeWithModernTar(archive));
  });

  it('reads pax long names (over 100 bytes, no ustar split) and finds the layout under them', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const longName = `${'x'.repeat(150)}/${'y'.repeat(120)}.txt`;
    const tar = await buildTar([
      ...entries.map((e) => ({ ...e, name: `${LONG_DIR}/${e.name}` })),
      { name: longName, body: 'long' },
    ]);
    // modern-tar splits a name into ustar prefix + name where it fits (oci-layout, index.json) and writes a pax
    // header where it cannot (the blobs, the long name): both forms are in this archive.
    const raw = new TextDecoder().decode(await tar.arrayBuffer());
    expect(raw).toContain(` path=${LONG_DIR}/blobs/sha256/`);
    expect(raw.slice(0, 512)).not.toContain(LONG_DIR);
    expect((await indexTar(tar)).map((f) => f.path)).toContain(longName);
    expect(await indexedFiles(tar)).toEqual(await decodeWithModernTar(tar));
    const { images } = await readImageArchive(tar);
    expect(images[0]?.manifest.digest).toBe(facts.index.digest);
  });

  it('reads GNU long names (type L)', async () => {
    const longName = `gnu/${'n'.repeat(200)}.json`;
    const tar = await buildTar([
      { name: '././@LongLink', type: 'file', body: `${longName}\0` },
      { name: 'after.txt', body: 'second' },
    ]);
    // Rewrite the first entry's type flag to GNU's long-name type: modern-tar's packer never writes one.
    const bytes = new Uint8Array(await tar.arrayBuffer());
    bytes[156] = 'L'.charCodeAt(0);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (bytes[i] ?? 0);
    bytes.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const files = await indexTar(new Blob([bytes]));
    expect(files.map((f) => f.path)).toEqual([longName]);
    expect(await decodeWithModernTar(new Blob([bytes])).then((f) => f.map((x) => x.path))).toEqual([
      longName,
    ]);
  });

  it('reads a size over 8 GiB from a pax header, without reading the data', async () => {
    const size = 9 * 1024 ** 3 + 5;
    const tar = await buildSparseTar([
      { name: 'huge.bin', body: { zeros: size } },
      { name: 'after.txt', body: 'after' },
    ]);
    const files = await indexTar(tar);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['huge.bin', size],
      ['after.txt', 5],
    ]);
    expect(tar.bytesRead).toBeLessThan(8 * 1024);
  });

  it('indexes a 200 MiB archive reading only headers and the JSON documents', async () => {
    const layerBytes = 200 * 1024 * 1024;
    const { archive, facts } = await largeOciLayout(layerBytes);
    const { images } = await readImageArchive(archive);
    const layer = images[0]?.blobs[0];
    expect(layer).toMatchObject({ kind: 'layer', size: layerBytes });
    expect(layer?.blob.size).toBe(layerBytes);
    expect(images[0]?.manifest.digest).toBe(facts.manifest.digest);
    // 5 entries: 5 headers, and oci-layout, index.json, the manifest and nothing else read whole.
    expect(archive.bytesRead).toBeLessThan(16 * 1024);
    // The layer's blob is a slice of the archive: streaming it reads its bytes and only those.
    const before = archive.bytesRead;
    let streamed = 0;
    const reader = layer?.open().getReader();
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read())
      streamed += next.value.length;
    expect(streamed).toBe(layerBytes);
    expect(archive.bytesRead - before).toBe(layerBytes);
  });
});
