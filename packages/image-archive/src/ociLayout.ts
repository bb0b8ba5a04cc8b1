/**
 * Reads an OCI image layout (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), including the one `docker save`
 * of Docker 25 and later writes (with a `manifest.json` whose `RepoTags` name the images).
 * @module
 */

import type { Descriptor } from '@edgecr/protocol';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES } from '@edgecr/protocol';
import type { ArchiveFiles } from './archiveFiles.ts';
import type { BlobLike } from './blobLike.ts';
import {
  archiveBlob,
  asObject,
  parseDescriptor,
  parseJson,
  readDocument,
  tagsOf,
  verifyDigest,
} from './documents.ts';
import { ImageArchiveError } from './errors.ts';
import type { ArchiveBlob, ArchiveImage } from './model.ts';

/** Annotations that name an image in an index (containerd's full name first, then OCI's ref name). */
const NAME_ANNOTATIONS = ['io.containerd.image.name', 'org.opencontainers.image.ref.name'];

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/**
 * Said when a platform's manifest is missing: `docker save` of a multi-platform image from the containerd
 * image store keeps the index but only the platforms pulled locally.
 */
const PARTIAL_INDEX_HINT =
  ' The archive holds only some platforms of a multi-platform image: save it for one platform ' +
  '(docker save --platform linux/amd64 …) or with every platform pulled.';

/** The blob a descriptor names, present and of the stated size. */
function blobOf(files: ArchiveFiles, descriptor: Descriptor, referrer: string, hint = ''): BlobLike {
  const blob = files.get(blobPath(descriptor.digest));
  if (blob === undefined) {
    throw new ImageArchiveError(
      'MissingBlob',
      `${referrer} references blob ${descriptor.digest}, which is not in the archive (${blobPath(descriptor.digest)}).${hint}`,
      { digest: descriptor.digest },
    );
  }
  if (blob.size !== descriptor.size) {
    throw new ImageArchiveError(
      'BlobSizeMismatch',
      `Blob ${descriptor.digest} is ${blob.size} bytes in the archive, but ${referrer} says ${descriptor.size}.`,
      { digest: descriptor.digest },
    );
  }
  return blob;
}

/** Collects one image's blobs: layers and configs, then manifests after the manifests they list. */
class ImageCollector {
  readonly contents = new Map<string, ArchiveBlob<BlobLike>>();
  readonly manifests = new Map<string, ArchiveBlob<BlobLike>>();

  constructor(private readonly files: ArchiveFiles) {}

  /** Collects what `descriptor` (a manifest or index) needs, and returns its bytes. */
  async visit(descriptor: Descriptor, referrer: string, listedByIndex = false): Promise<Uint8Array> {
    const isIndex = INDEX_MEDIA_TYPES.includes(descriptor.mediaType);
    if (!isIndex && !MANIFEST_MEDIA_TYPES.includes(descriptor.mediaType)) {
      throw new ImageArchiveError(
        'UnsupportedMediaType',
        `${referrer} lists ${descriptor.digest} of media type ${descriptor.mediaType}, which is not an image ` +
          'manifest or index; only OCI and Docker schema 2 images can be pushed.',
        { digest: descriptor.digest },
      );
    }
    const code = isIndex ? 'MalformedIndex' : 'MalformedManifest';
    const what = `${isIndex ? 'Image index' : 'Manifest'} ${descriptor.digest}`;
    const blob = blobOf(this.files, descriptor, referrer, listedByIndex ? PARTIAL_INDEX_HINT : '');
    const bytes = await readDocument(blob, what, code);
    await verifyDigest(bytes, descriptor.digest, what);
    const doc = asObject(parseJson(bytes, what, code));
    if (doc === undefined) throw new ImageArchiveError(code, `${what} is not a JSON object.`);
    if (doc.mediaType !== undefined && doc.mediaType !== descriptor.mediaType) {
      throw new ImageArchiveError(
        code,
        `${what} says its media type is ${String(doc.mediaType)}, but ${referrer} lists it as ${descriptor.mediaType}.`,
      );
    }
    if (isIndex) {
      const children = doc.manifests;
      if (!Array.isArray(children)) throw new ImageArchiveError(code, `${what} has no "manifests" list.`);
      for (const [i, child] of children.entries()) {
        await this.visit(parseDescriptor(child, `${what}, manifests[${i}]`, code), what, true);
      }
    } else {
      const config = parseDescriptor(doc.config, `${what}, config`, code);
      const layers = doc.layers;
      if (!Array.isArray(layers)) throw new ImageArchiveError(code, `${what} has no "layers" list.`);
      const described = layers.map((layer, i) => parseDescriptor(layer, `${what}, layers[${i}]`, code));
      for (const layer of described) this.addContent('layer', layer, what);
      this.addContent('config', config, what);
    }
    // An index may list the same manifest twice; it is pushed once, after everything it references.
    if (!this.manifests.has(descriptor.digest)) {
      this.manifests.set(descriptor.digest, archiveBlob(isIndex ? 'index' : 'manifest', descriptor, blob));
    }
    return bytes;
  }

  private addContent(kind: 'layer' | 'config', descriptor: Descriptor, referrer: string): void {
    if (this.contents.has(descriptor.digest)) return;
    this.contents.set(
      descriptor.digest,
      archiveBlob(kind, descriptor, blobOf(this.files, descriptor, referrer)),
    );
  }
}

function parseLayoutIndex(bytes: Uint8Array): Descriptor[] {
  const index = asObject(parseJson(bytes, 'index.json', 'MalformedIndex'));
  if (index === undefined || !Array.isArray(index.manifests)) {
    throw new ImageArchiveError('MalformedIndex', 'index.json has no "manifests" list.');
  }
  return index.manifests.map((m, i) => parseDescriptor(m, `index.json, manifests[${i}]`, 'MalformedIndex'));
}

/** `manifest.json` (docker save) entries' `RepoTags`, by the config blob's digest. */
async function repoTagsByConfig(files: ArchiveFiles): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  const file = files.get('manifest.json');
  if (file === undefined) return tags;
  const entries = parseJson(
    await readDocument(file, 'manifest.json', 'MalformedManifest'),
    'manifest.json',
    'MalformedManifest',
  );
  if (!Array.isArray(entries))
    throw new ImageArchiveError('MalformedManifest', 'manifest.json is not a list of images.');
  for (const entry of entries) {
    const { Config, RepoTags } = asObject(entry) ?? {};
    if (typeof Config !== 'string' || !Array.isArray(RepoTags)) continue;
    const digest = Config.replace(/^blobs\/(\w+)\//, '$1:');
    tags.set(digest, [...(tags.get(digest) ?? []), ...RepoTags.filter((t) => typeof t === 'string')]);
  }
  return tags;
}

/** Reads every image an OCI layout's `index.json` lists (entries naming the same image are merged). */
export async function readOciLayout(files: ArchiveFiles): Promise<ArchiveImage<BlobLike>[]> {
  const layout = files.get('oci-layout');
  if (layout !== undefined) {
    const doc = asObject(
      parseJson(await readDocument(layout, 'oci-layout', 'MalformedIndex'), 'oci-layout', 'MalformedIndex'),
    );
    if (typeof doc?.imageLayoutVersion !== 'string') {
      throw new ImageArchiveError('MalformedIndex', 'oci-layout has no "imageLayoutVersion".');
    }
  }
  const indexFile = files.get('index.json');
  if (indexFile === undefined)
    throw new ImageArchiveError('MalformedIndex', 'The OCI layout has no index.json.');
  const descriptors = parseLayoutIndex(await readDocument(indexFile, 'index.json', 'MalformedIndex'));
  const repoTags = await repoTagsByConfig(files);
  const images = new Map<
    string,
    { descriptor: Descriptor; bytes: Uint8Array; references: string[]; collector: ImageCollector }
  >();
  for (const descriptor of descriptors) {
    let image = images.get(descriptor.digest);
    if (image === undefined) {
      const collector = new ImageCollector(files);
      const bytes = await collector.visit(descriptor, 'index.json');
      image = { descriptor, bytes, references: [], collector };
      images.set(descriptor.digest, image);
    }
    for (const key of NAME_ANNOTATIONS) {
      const name = descriptor.annotations?.[key];
      if (typeof name === 'string') image.references.push(name);
    }
  }
  return [...images.values()].map(({ descriptor, bytes, references, collector }) => {
    // docker save's manifest.json names an image by its config (of one platform, for an index).
    const configs = [...collector.contents.values()].filter((blob) => blob.kind === 'config');
    const fromManifestJson = configs.flatMap((config) => repoTags.get(config.digest) ?? []);
    const unique = [...new Set([...fromManifestJson, ...references])];
    const { mediaType, digest, size } = descriptor;
    return {
      references: unique,
      tags: tagsOf(unique),
      manifest: { mediaType, digest, size, bytes },
      blobs: [...collector.contents.values(), ...collector.manifests.values()],
    };
  });
}
