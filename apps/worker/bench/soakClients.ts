// The soak's clients: each pushes images with the push engine (@edgecr/client), pulls its own back and checks
// every byte, deletes some, and lists, until the deadline or its operation budget; any failure is counted.
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  paginateListImages,
} from '@aws-sdk/client-ecr';
import { testLayerBytes } from '@edgecr/chunker/testing';
import { EcrClient, pushImage } from '@edgecr/client';
import type { ArchiveBlob, ArchiveImage } from '@edgecr/image-archive';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST } from '@edgecr/protocol';
import { LOCAL_CREDENTIALS } from '../test/e2e/_layers.ts';

/** The local development key's registry. */
const REGISTRY_ID = '123456789012';
/** Layer contents every client draws from: the same bytes pushed by several clients and repositories. */
const SHARED_LAYERS = 24;

/** What the soak's clients do and for how long. */
export interface WorkloadOptions {
  endpoint: string;
  clients: number;
  /** No client starts an operation after this (ms since the epoch). */
  deadline: number;
  /** Nor more than this many operations. */
  maxOpsPerClient: number;
  /** Every n-th push of a client carries a layer of more than one R2 part (12 MiB); 0 never. */
  bigLayerEvery: number;
}

/** An image a client pushed and has not deleted. */
export interface LiveImage {
  repositoryName: string;
  tag: string;
  digest: string;
  manifest: string;
  layers: { digest: string; size: number }[];
}

/** What the clients did. */
export interface WorkloadTally {
  pushes: number;
  pulls: number;
  deletes: number;
  listings: number;
  bytesPushed: number;
  /** Every failure, as `client op: message`; the soak wants none. */
  errors: string[];
  /** The images still there at the end, every one to be read back. */
  images: LiveImage[];
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function blobOf(kind: ArchiveBlob['kind'], mediaType: string, bytes: Uint8Array<ArrayBuffer>): ArchiveBlob {
  const blob = new Blob([bytes]);
  return { kind, digest: sha256(bytes), size: bytes.length, mediaType, blob, open: () => blob.stream() };
}

/** A small deterministic generator (mulberry32): the same seed, the same workload. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An image of 1 to 3 layers, shared or its own, and a config of its own (so a manifest of its own). */
function makeImage(client: number, count: number, random: () => number, big: boolean) {
  const layers: ArchiveBlob[] = [];
  for (let i = 1 + Math.floor(random() * 3); i > 0; i--) {
    const seed =
      random() < 0.5 ? 1 + Math.floor(random() * SHARED_LAYERS) : 1_000_000 * (client + 1) + count * 10 + i;
    const size = seed <= SHARED_LAYERS ? 4_000 + seed * 9_000 : 2_000 + Math.floor(random() * 300_000);
    layers.push(blobOf('layer', DOCKER_LAYER_TAR_GZIP, testLayerBytes(size, seed)));
  }
  if (big)
    layers.push(
      blobOf(
        'layer',
        DOCKER_LAYER_TAR_GZIP,
        testLayerBytes(12 * 1024 * 1024, 7_000_000 + client * 1000 + count),
      ),
    );
  const unique = [...new Map(layers.map((layer) => [layer.digest, layer])).values()];
  const config = blobOf(
    'config',
    DOCKER_CONFIG,
    new TextEncoder().encode(`{"os":"linux","client":${client},"n":${count}}`),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, digest: config.digest, size: config.size },
    layers: unique.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
  });
  const bytes = new TextEncoder().encode(manifest);
  const top = blobOf('manifest', DOCKER_MANIFEST, bytes);
  const tag = `c${client}-${count}`;
  const image: ArchiveImage = {
    references: [tag],
    tags: [tag],
    manifest: { mediaType: DOCKER_MANIFEST, digest: top.digest, size: bytes.length, bytes },
    blobs: [...unique, config, top],
  };
  const blobs = [...unique, config].map((blob) => ({ digest: blob.digest, size: blob.size }));
  return { image, manifest, blobs };
}

/** Reads `image` back: its manifest by tag, and every blob through its download URL, checked by digest. */
export async function readBack(ecr: ECRClient, image: LiveImage): Promise<void> {
  const got = await ecr.send(
    new BatchGetImageCommand({ repositoryName: image.repositoryName, imageIds: [{ imageTag: image.tag }] }),
  );
  const manifest = got.images?.[0]?.imageManifest;
  if (manifest !== image.manifest) throw new Error(`${image.repositoryName}:${image.tag}: manifest differs`);
  for (const layer of image.layers) {
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: image.repositoryName, layerDigest: layer.digest }),
    );
    const bytes = new Uint8Array(await (await fetch(downloadUrl as string)).arrayBuffer());
    if (bytes.length !== layer.size || sha256(bytes) !== layer.digest) {
      throw new Error(`${image.repositoryName}@${layer.digest}: ${bytes.length} bytes that differ`);
    }
  }
}

/**
 * An AWS SDK client for the stack, with the SDK's own retries off (the soak counts every failure) and a
 * connection per request: a kept-alive socket the server closed while idle fails the next request on it
 * ("socket hang up"), a race of the client's, not the registry's.
 */
export const sdkClient = (endpoint: string) =>
  new ECRClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: false }) },
  });

/** Runs the clients to the deadline; resolves with what they did. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadTally> {
  const tally: WorkloadTally = {
    pushes: 0,
    pulls: 0,
    deletes: 0,
    listings: 0,
    bytesPushed: 0,
    errors: [],
    images: [],
  };
  const ecr = sdkClient(options.endpoint);
  const shared = 'soak/shared';
  for (const name of [shared, ...Array.from({ length: options.clients }, (_, i) => `soak/c${i}`)]) {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  }
  const api = new EcrClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const scope = { endpoint: options.endpoint, registryId: REGISTRY_ID };

  async function client(index: number): Promise<void> {
    const random = generator(index + 1);
    const own: LiveImage[] = [];
    let pushes = 0;
    for (let ops = 0; ops < options.maxOpsPerClient && Date.now() < options.deadline; ops++) {
      const roll = own.length < 2 ? 0 : random();
      const op = roll < 0.35 ? 'push' : roll < 0.7 ? 'pull' : roll < 0.8 ? 'delete' : 'list';
      try {
        if (op === 'push') {
          pushes += 1;
          const big = options.bigLayerEvery > 0 && pushes % options.bigLayerEvery === 0;
          const { image, manifest, blobs } = makeImage(index, pushes, random, big);
          const repositoryName = pushes % 3 === 0 ? shared : `soak/c${index}`;
          const result = await pushImage(image, { api, repositoryName, scope });
          tally.bytesPushed += result.bytesSent;
          own.push({
            repositoryName,
            tag: image.tags[0] as string,
            digest: image.manifest.digest,
            manifest,
            layers: blobs,
          });
          tally.pushes += 1;
        } else if (op === 'pull') {
          await readBack(ecr, own[Math.floor(random() * own.length)] as LiveImage);
          tally.pulls += 1;
        } else if (op === 'delete') {
          const [gone] = own.splice(Math.floor(random() * own.length), 1) as [LiveImage];
          const answer = await ecr.send(
            new BatchDeleteImageCommand({
              repositoryName: gone.repositoryName,
              imageIds: [{ imageDigest: gone.digest }],
            }),
          );
          if (answer.failures?.length)
            throw new Error(`BatchDeleteImage: ${JSON.stringify(answer.failures)}`);
          tally.deletes += 1;
        } else {
          await ecr.send(new DescribeRepositoriesCommand({}));
          await ecr.send(new DescribeImagesCommand({ repositoryName: `soak/c${index}` }));
          for await (const _page of paginateListImages({ client: ecr }, { repositoryName: shared })) {
            // Every page of the shared repository, as a client paging through it does.
          }
          tally.listings += 1;
        }
      } catch (error) {
        tally.errors.push(`client ${index} ${op}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    tally.images.push(...own);
  }

  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return tally;
}
