/**
 * `edgecr pull <repository>:<tag> <file.tar>`: an image read back from a repository and written as an OCI image
 * layout tar (`oci-layout`, `index.json`, `blobs/sha256/…`), which `edgecr push` and OCI tools read.
 * @module
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { openBlob, type PulledImage, pullImage } from '@edgecr/client';
import { OCI_INDEX } from '@edgecr/image-archive';
import { createTarPacker } from 'modern-tar';
import { type Connection, ecrClient } from './config.ts';
import { UsageError } from './exitCodes.ts';
import { parseTarget } from './target.ts';

/** What a pull needs from the command line and the process. */
export interface PullCommand {
  target: string;
  file: string;
  connection: Connection;
  signal: AbortSignal;
}

/** The OCI layout's `oci-layout` file. */
const OCI_LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });

/**
 * Pulls the image into `file`: written to `file.partial` and renamed when whole, so `file` is never half an
 * image. Every blob's digest and size is checked as it streams in.
 */
export async function runPull(command: PullCommand): Promise<PulledImage> {
  const { repositoryName, tag } = parseTarget(command.target);
  if (tag === undefined) throw new UsageError('pull needs a tag: repository:tag');
  const api = ecrClient(command.connection);
  const options = { api, repositoryName, signal: command.signal };
  const image = await pullImage(options, tag);

  const path = resolve(command.file);
  const partial = `${path}.partial`;
  const { readable, controller } = createTarPacker();
  const written = readable.pipeTo(Writable.toWeb(createWriteStream(partial)) as WritableStream<Uint8Array>);
  // Handled below (awaited, or awaited after an error): never an unhandled rejection meanwhile.
  written.catch(() => {});
  try {
    const add = async (name: string, body: Uint8Array | ReadableStream<Uint8Array>, size: number) => {
      const entry = controller.add({ name, size, type: 'file', mode: 0o644, mtime: new Date(0) });
      if (body instanceof Uint8Array) {
        const writer = entry.getWriter();
        await writer.write(body);
        await writer.close();
      } else await body.pipeTo(entry);
    };
    const encoder = new TextEncoder();
    const index = encoder.encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          {
            mediaType: image.manifest.mediaType,
            digest: image.manifest.digest,
            size: image.manifest.bytes.length,
            annotations: {
              'io.containerd.image.name': `${repositoryName}:${tag}`,
              'org.opencontainers.image.ref.name': tag,
            },
          },
        ],
      }),
    );
    await add('oci-layout', encoder.encode(OCI_LAYOUT), OCI_LAYOUT.length);
    await add('index.json', index, index.length);
    for (const m of [image.manifest, ...image.children])
      await add(blobPath(m.digest), m.bytes, m.bytes.length);
    for (const blob of image.blobs)
      await add(blobPath(blob.digest), await openBlob(options, blob), blob.size);
    controller.finalize();
    await written;
    await rename(partial, path);
    return image;
  } catch (error) {
    controller.error(error);
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}
