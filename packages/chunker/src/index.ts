/**
 * `@edgecr/chunker`: cuts a container layer's byte stream into ECR layer parts and hashes it in the same pass,
 * with a SHA-256 (and, for OCI's `sha512:` digests, a SHA-512) whose state can be saved and resumed. Runs unchanged in browsers, Node and Workers.
 * @module
 */
export { digestBlob } from './digestBlob.ts';
export {
  createLayerChunker,
  type LayerChunker,
  type LayerChunkerOptions,
  type LayerPart,
  type LayerSummary,
} from './layerChunker.ts';
export {
  formatSha256Digest,
  ResumableSha256,
  SHA256_DIGEST_BYTES,
  type Sha256State,
} from './resumableSha256.ts';
export { ResumableSha512, SHA512_DIGEST_BYTES, type Sha512State } from './resumableSha512.ts';
