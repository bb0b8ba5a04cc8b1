/**
 * The two SHA-2 variants edgecr hashes layers with: SHA-256 (ECR's and OCI's canonical digest) and SHA-512
 * (OCI's other registered algorithm). Initial values come from @noble/hashes, the reference implementation.
 * @module
 */
import { SHA256_IV, SHA512_IV } from '@noble/hashes/_md.js';
import type { Sha2Spec } from './_hashCore.ts';

/** SHA-256 (FIPS 180-4 §6.2). */
export const SHA256_SPEC: Sha2Spec = {
  name: 'SHA-256',
  className: 'ResumableSha256',
  blockBytes: 64,
  iv: Array.from(SHA256_IV),
  probeHex: '4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781',
};

/** SHA-512 (FIPS 180-4 §6.4); its eight 64-bit words as sixteen uint32 halves, high half first. */
export const SHA512_SPEC: Sha2Spec = {
  name: 'SHA-512',
  className: 'ResumableSha512',
  blockBytes: 128,
  iv: Array.from(SHA512_IV),
  probeHex:
    '1d9da57fbbdab09afb3506ab2d223d06109d65c1c8ad197f50138f714bc4c3f2fe5787922639c680acad1c651f955990425954ce2cba0c5cc83f2667d878eb0f',
};
