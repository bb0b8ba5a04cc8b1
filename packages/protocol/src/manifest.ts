/**
 * Reading an image manifest as PutImage receives it: the media type, the digest of the exact bytes and what
 * the manifest references. Hand-written: the maintained manifest parsers and validators are Go (containerd,
 * distribution, go-containerregistry); the JavaScript packages in this space are registry HTTP clients for
 * Node, not validators that run in browsers and Workers, and the checks needed here (the descriptors' shape
 * and the media type rules PutImage enforces) are small. SHA-256 comes from @noble/hashes, as everywhere in
 * edgecr, because the rules are synchronous and WebCrypto's digest is not.
 * @module
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { MAX_IMAGE_MANIFEST_LENGTH } from './constants.ts';
import { invalidParameter } from './constraints.ts';
import { isDescriptorDigest } from './digest.ts';
import {
  DOCKER_MANIFEST,
  DOCKER_SCHEMA1,
  DOCKER_SCHEMA1_SIGNED,
  INDEX_MEDIA_TYPES,
  OCI_INDEX,
  OCI_MANIFEST,
  SUPPORTED_MANIFEST_TYPES,
} from './mediaTypes.ts';

/** The constraint ECR names for any manifest it cannot parse (ECR's wording). */
export const INVALID_JSON = 'Invalid JSON syntax';

/**
 * A content descriptor (OCI image-spec): what a manifest or index says about a blob or another manifest. The
 * one descriptor type of edgecr: the registry's rules, the image-archive reader and the page read it.
 */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  /** Where the bytes live instead of this registry (foreign / non-distributable layers). */
  urls?: string[];
  /** The platform an index entry is for. */
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** The platform an index entry is for. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

/** What PutImage needs to know about a manifest. */
export interface ParsedManifest {
  /** The manifest's media type: its own `mediaType`, or the declared one when it has none. */
  mediaType: string;
  /** `sha256:` of the exact UTF-8 bytes of the manifest text. */
  digest: string;
  /** UTF-8 length of the manifest. */
  size: number;
  /** `image` lists blobs (config and layers); `index` lists other manifests. */
  kind: 'image' | 'index';
  /** An image's config blob. */
  config?: Descriptor;
  /** An image's layers, in order. */
  layers: Descriptor[];
  /** An index's manifests. */
  manifests: Descriptor[];
  /** The manifest this one refers to (OCI 1.1 referrers); it need not exist. */
  subject?: Descriptor;
  /** The OCI `artifactType`, when the manifest declares one. */
  artifactType?: string;
}

/** The image digest of manifest text: `sha256:` and the hex SHA-256 of its UTF-8 bytes. */
export function manifestDigest(text: string): string {
  return sha256Digest(new TextEncoder().encode(text));
}

/** The digest of bytes: `sha256:` and their hex SHA-256 (the one digest helper of the registry). */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${bytesToHex(sha256(bytes))}`;
}

/**
 * Parses and checks a manifest as PutImage receives it.
 * @param text the manifest exactly as sent; its digest is taken over these characters' UTF-8 bytes.
 * @param declaredMediaType PutImage's `imageManifestMediaType`.
 * @throws EcrError `InvalidParameterException` for text that is not a supported manifest (Docker schema 1
 * included), a missing media type, or a declared media type the manifest contradicts.
 * @example
 * const parsed = parseManifest(request.imageManifest, request.imageManifestMediaType);
 * parsed.layers.map((layer) => layer.digest);
 */
export function parseManifest(text: string, declaredMediaType?: string): ParsedManifest {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_IMAGE_MANIFEST_LENGTH) {
    throw invalidParameter('imageManifest', `must be at most ${MAX_IMAGE_MANIFEST_LENGTH} bytes`);
  }
  const json = parseObject(text);
  const own = json.mediaType;
  if (own !== undefined && typeof own !== 'string') throw invalidManifest();
  if ([own, declaredMediaType].some((type) => type === DOCKER_SCHEMA1 || type === DOCKER_SCHEMA1_SIGNED)) {
    throw schema1();
  }
  if (json.schemaVersion === 1) throw schema1();
  if (json.schemaVersion !== 2) throw invalidManifest();
  if (own !== undefined && declaredMediaType !== undefined && own !== declaredMediaType) {
    throw invalidParameter(
      'imageManifestMediaType',
      `must match the manifest's mediaType '${own}', not '${declaredMediaType}'`,
    );
  }
  const mediaType = own ?? declaredMediaType;
  if (mediaType === undefined) {
    throw invalidParameter('imageManifestMediaType', 'must be given for a manifest without a mediaType');
  }
  if (!SUPPORTED_MANIFEST_TYPES.includes(mediaType)) {
    throw invalidParameter('imageManifestMediaType', `unsupported manifest media type '${mediaType}'`);
  }
  const digest = sha256Digest(bytes);
  const oci = mediaType === OCI_MANIFEST || mediaType === OCI_INDEX;
  const common = {
    mediaType,
    digest,
    size: bytes.length,
    ...(oci && json.subject !== undefined ? { subject: descriptor(json.subject) } : {}),
    ...(oci && json.artifactType !== undefined ? { artifactType: mediaTypeOf(json.artifactType) } : {}),
  };
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    if (json.config !== undefined || json.layers !== undefined || !Array.isArray(json.manifests)) {
      throw invalidManifest();
    }
    return { ...common, kind: 'index', layers: [], manifests: json.manifests.map(childManifest) };
  }
  if (json.manifests !== undefined || !Array.isArray(json.layers)) throw invalidManifest();
  // OCI 1.1 lets an artifact have no layers; a Docker image always has one.
  if (mediaType === DOCKER_MANIFEST && json.layers.length === 0) throw invalidManifest();
  return {
    ...common,
    kind: 'image',
    config: descriptor(json.config),
    layers: json.layers.map(descriptor),
    manifests: [],
  };
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidManifest();
  }
  if (!isObject(value)) throw invalidManifest();
  return value;
}

function descriptor(value: unknown): Descriptor {
  if (!isObject(value)) throw invalidManifest();
  const { mediaType, digest, size, urls } = value;
  if (typeof digest !== 'string' || !isDescriptorDigest(digest)) throw invalidManifest();
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalidManifest();
  const result: Descriptor = { mediaType: mediaTypeOf(mediaType), digest, size };
  if (urls !== undefined) {
    if (!Array.isArray(urls) || !urls.every((url) => typeof url === 'string')) throw invalidManifest();
    result.urls = urls;
  }
  return result;
}

function childManifest(value: unknown): Descriptor {
  const child = descriptor(value);
  const platform = (value as Record<string, unknown>).platform;
  if (platform === undefined) return child;
  if (!isObject(platform)) throw invalidManifest();
  const { architecture, os, variant } = platform;
  const osVersion = platform['os.version'];
  if (typeof architecture !== 'string' || typeof os !== 'string') throw invalidManifest();
  if ([variant, osVersion].some((field) => field !== undefined && typeof field !== 'string')) {
    throw invalidManifest();
  }
  child.platform = {
    architecture,
    os,
    ...(typeof variant === 'string' ? { variant } : {}),
    ...(typeof osVersion === 'string' ? { 'os.version': osVersion } : {}),
  };
  return child;
}

function mediaTypeOf(value: unknown): string {
  // RFC 6838 type/subtype, as the OCI descriptor requires.
  if (typeof value !== 'string' || !/^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*/.test(value)) {
    throw invalidManifest();
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidManifest() {
  return invalidParameter('ImageManifest', INVALID_JSON);
}

function schema1() {
  return invalidParameter(
    'ImageManifest',
    'Docker image manifest v2 schema 1 is not supported; push a Docker schema 2 or OCI manifest',
  );
}
