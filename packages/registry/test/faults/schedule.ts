// What a seed decides before anything runs: the blobs and images clients push, and each client's steps.
import { createHash } from 'node:crypto';
import { OCI_INDEX, OCI_MANIFEST } from '@edgecr/protocol';
import type { Rng } from './sim.ts';

/** A blob clients push: its bytes and digest. */
export interface Content {
  bytes: Uint8Array;
  digest: string;
}

/** The sha256 digest of bytes, as the registry names them. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function content(seed: number, size: number): Content {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return { bytes, digest: digestOf(bytes) };
}

/**
 * The BlobStore part size of the simulated registry: small, so that most layers take several parts
 * (createMultipart, uploadPart, completeMultipart) without costing megabytes each.
 */
export const PART_SIZE = 16 * 1024;

/** The blobs: two configs, and four layers of one to several BlobStore parts. */
export const BLOBS: readonly Content[] = [
  content(1, 211),
  content(2, 307),
  content(3, 15_000),
  content(4, 40_001),
  content(5, 64),
  content(6, 2 * PART_SIZE),
];

/** An image: its manifest text and digest, the blobs it references, and the images an index lists. */
export interface ImageSpec {
  manifest: string;
  digest: string;
  blobs: number[];
  children: number[];
}

function manifestOf(config: number, layers: number[]): ImageSpec {
  const descriptor = (i: number, mediaType: string) => ({
    mediaType,
    digest: (BLOBS[i] as Content).digest,
    size: (BLOBS[i] as Content).bytes.length,
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config, 'application/vnd.oci.image.config.v1+json'),
    layers: layers.map((i) => descriptor(i, 'application/vnd.oci.image.layer.v1.tar+gzip')),
  });
  const digest = digestOf(new TextEncoder().encode(manifest));
  return { manifest, digest, blobs: [config, ...layers], children: [] };
}

function indexOf(children: number[]): ImageSpec {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((i, n) => ({
      mediaType: OCI_MANIFEST,
      digest: (IMAGES[i] as ImageSpec).digest,
      size: (IMAGES[i] as ImageSpec).manifest.length,
      platform: { architecture: `arch${n}`, os: 'linux' },
    })),
  });
  return { manifest, digest: digestOf(new TextEncoder().encode(manifest)), blobs: [], children };
}

/** Four images sharing configs and layers, then an index over two of them. */
export const IMAGES: ImageSpec[] = [
  manifestOf(0, [2, 3]),
  manifestOf(0, [3, 4]),
  manifestOf(1, [4, 5]),
  manifestOf(1, [5]),
];
IMAGES.push(indexOf([0, 1]));

/** Repository `b` makes its tags immutable. */
export const REPOSITORIES = ['a', 'b', 'c'] as const;
export const TAGS = ['v1', 'v2', 'latest'] as const;

/** How a client sends a layer: the door, and the client faults it commits. */
export interface Sending {
  door: 'ecr' | 'oci';
  /** Sends the last part again after its answer (ECR: accepted once more; OCI: never sent again). */
  resend: boolean;
  /** Cuts a part's body half way once before sending it whole (a dropped connection). */
  cut: boolean;
}

/** One step of a client. */
export type Step =
  | { kind: 'pushImage'; repo: string; image: number; tag?: string; sending: Sending }
  | { kind: 'pushLayer'; repo: string; blob: number; sending: Sending; abandon: boolean }
  | { kind: 'deleteImage'; repo: string; tag?: string; image?: number }
  | { kind: 'deleteBlob'; repo: string; blob: number }
  | { kind: 'mount'; repo: string; blob: number; from: string }
  | { kind: 'deleteRepository'; repo: string }
  | { kind: 'pull'; repo: string; tag: string }
  | { kind: 'advance'; seconds: number };

/** The upload time-to-live and the unreferenced-layer grace of the simulated registry. */
export const UPLOAD_TTL_SECONDS = 600;
export const GRACE_SECONDS = 3600;

function sending(rng: Rng): Sending {
  return { door: rng.chance(0.5) ? 'ecr' : 'oci', resend: rng.chance(0.2), cut: rng.chance(0.15) };
}

function step(rng: Rng): Step {
  const repo = rng.pick(REPOSITORIES);
  const roll = rng.int(100);
  if (roll < 30) {
    const tag = rng.chance(0.8) ? rng.pick(TAGS) : undefined;
    return {
      kind: 'pushImage',
      repo,
      image: rng.int(IMAGES.length),
      ...(tag && { tag }),
      sending: sending(rng),
    };
  }
  if (roll < 45) {
    return {
      kind: 'pushLayer',
      repo,
      blob: rng.int(BLOBS.length - 2) + 2,
      sending: sending(rng),
      abandon: rng.chance(0.3),
    };
  }
  if (roll < 57) {
    return rng.chance(0.5)
      ? { kind: 'deleteImage', repo, tag: rng.pick(TAGS) }
      : { kind: 'deleteImage', repo, image: rng.int(IMAGES.length) };
  }
  if (roll < 65) return { kind: 'deleteBlob', repo, blob: rng.int(BLOBS.length) };
  if (roll < 75) return { kind: 'mount', repo, blob: rng.int(BLOBS.length), from: rng.pick(REPOSITORIES) };
  if (roll < 79) return { kind: 'deleteRepository', repo };
  if (roll < 90) return { kind: 'pull', repo, tag: rng.pick(TAGS) };
  const seconds = rng.pick([5, 60, UPLOAD_TTL_SECONDS + 1, GRACE_SECONDS + 1]);
  return { kind: 'advance', seconds };
}

/** Each client's steps: two to four clients, two to six steps each. */
export function schedule(rng: Rng): Step[][] {
  return Array.from({ length: 2 + rng.int(3) }, () =>
    Array.from({ length: 2 + rng.int(5) }, () => step(rng)),
  );
}
