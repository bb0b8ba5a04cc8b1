/**
 * What {@link readImageArchive} returns: every image of the archive, with everything to push, in push order.
 * @module
 */
import type { BlobLike } from './blobLike.ts';

/**
 * `docker-save-classic`: `manifest.json` + `<id>.json` configs + `<id>/layer.tar` (Docker before 25).
 * `oci-layout`: an OCI image layout (`oci-layout`, `index.json`, `blobs/`), which is also what `docker save`
 * of Docker 25 and later writes (plus a `manifest.json` whose `RepoTags` name the images).
 */
export type ArchiveFormat = 'docker-save-classic' | 'oci-layout';

/**
 * `layer` and `config` go through the layer upload calls; `manifest` and `index` through PutImage (children by
 * digest, the image's top one with its tag).
 */
export type ArchiveBlobKind = 'layer' | 'config' | 'manifest' | 'index';

/** An image's operating system and architecture, as an index names them. */
export interface ArchivePlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/**
 * One blob to push: its identity and where its bytes are (a slice of the archive, never a copy). `B` is the
 * kind of blob the source was: a `Blob` source gives `Blob` slices.
 */
export interface ArchiveBlob<B extends BlobLike = Blob> {
  readonly kind: ArchiveBlobKind;
  /**
   * What the bytes must hash to (`sha256:<hex>`). The reader checks manifests, indexes and classic configs
   * itself; layers and OCI configs it only sizes, so the pusher must compare the digest it computes while
   * streaming with this one ({@link assertBlobDigest}). For a classic `docker save` layer this is the
   * config's `rootfs.diff_ids` entry.
   */
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** The bytes: a slice of the archive (or, for a manifest the reader built, the manifest's own bytes). */
  readonly blob: B | Blob;
  /** For a manifest an index lists with a platform: that platform. */
  readonly platform?: ArchivePlatform;
  /** `blob.stream()`: a fresh stream of the bytes each call. */
  open(): ReadableStream<Uint8Array>;
}

/** A manifest or index, read whole (they are small: registries cap them at 4 MiB). */
export interface ArchiveManifest {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  /** The exact bytes to send to PutImage: their SHA-256 is the image digest. */
  readonly bytes: Uint8Array;
}

/** One image of the archive: a single-platform manifest or a multi-platform index with all its platforms. */
export interface ArchiveImage<B extends BlobLike = Blob> {
  /**
   * The references the archive gives the image, as written: `manifest.json`'s `RepoTags`
   * (`alpine:3.20`), the index's `io.containerd.image.name` or `org.opencontainers.image.ref.name`.
   */
  readonly references: readonly string[];
  /** The tag part of each reference (`3.20`), deduplicated: the default tag for PutImage. */
  readonly tags: readonly string[];
  /** The image's top manifest or index: what PutImage gets with the tag. */
  readonly manifest: ArchiveManifest;
  /**
   * Everything to push, each digest once, in push order: layers and configs, then child manifests, then the
   * top manifest or index itself (the last entry, the same as `manifest`).
   */
  readonly blobs: readonly ArchiveBlob<B>[];
}

/** An image archive, indexed. */
export interface ImageArchive<B extends BlobLike = Blob> {
  readonly format: ArchiveFormat;
  readonly images: readonly ArchiveImage<B>[];
}
