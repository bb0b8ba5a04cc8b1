/**
 * Content digests, the one digest grammar of edgecr: as the OCI specs write them, `<algorithm>:<encoded>`
 * (image-spec descriptor.md, "Digests", which distribution-spec cites as apdx-3), for the two algorithms
 * registries must know; and the looser pattern ECR's model gives its digest members.
 * @module
 */

import { OciError } from './oci/errors.ts';

/**
 * The image-spec's digest grammar, verbatim:
 * `digest ::= algorithm ":" encoded`, `algorithm ::= algorithm-component (algorithm-separator
 * algorithm-component)*`, `algorithm-component ::= [a-z0-9]+`, `algorithm-separator ::= [+._-]`,
 * `encoded ::= [a-zA-Z0-9=_-]+`.
 */
const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

/**
 * A digest as ECR's model patterns its digest members (`LayerDigest`, `ImageDigest`) and its InvalidImageDigest
 * reason quotes them: any algorithm name, hex of any length, either case. The `-` sits at the end of the class
 * so that it plainly means a hyphen, not a range.
 */
export const ECR_DIGEST = /^[a-zA-Z0-9_+.-]+:[a-fA-F0-9]+$/;

/** A SHA-256 digest as layers and blobs are named: `sha256:` and 64 lowercase hex digits. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The registered algorithms edgecr stores content under, with the encoded form the image-spec fixes for
 * each ("Registered algorithms": lowercase hex of the whole hash) and the WebCrypto name that computes it.
 * @example
 * DIGEST_ALGORITHMS.sha512.hexLength; // 128
 */
export const DIGEST_ALGORITHMS = {
  sha256: { hexLength: 64, webCrypto: 'SHA-256' },
  sha512: { hexLength: 128, webCrypto: 'SHA-512' },
} as const;

/**
 * An algorithm of {@link DIGEST_ALGORITHMS}.
 * @example
 * const algorithm: DigestAlgorithm = 'sha256';
 */
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/**
 * A digest that passed {@link parseDigest}.
 * @example
 * const { algorithm, encoded, digest }: Digest = parseDigest('sha256:' + 'a'.repeat(64));
 */
export interface Digest {
  readonly algorithm: DigestAlgorithm;
  /** Lowercase hex of the hash. */
  readonly encoded: string;
  /** The whole `<algorithm>:<encoded>` string. */
  readonly digest: string;
}

/**
 * The digest of `bytes` under `algorithm`, e.g. of a manifest's exact bytes, which are its identity
 * (distribution-spec "Pushing Manifests"). One-shot WebCrypto: for small bodies, not streamed layers.
 * @example
 * const digest = await digestOf('sha256', new TextEncoder().encode(manifestText));
 */
export async function digestOf(algorithm: DigestAlgorithm, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest(DIGEST_ALGORITHMS[algorithm].webCrypto, bytes));
  return `${algorithm}:${Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Whether `text` follows the image-spec's digest grammar, whatever its algorithm. A manifest reference
 * with a `:` is meant as a digest (tags cannot hold one), so this tells which of the two a reference is.
 * @example
 * matchesDigestGrammar('sha256:baddigeststring'); // true: a digest, though not a valid sha256 one
 */
export function matchesDigestGrammar(text: string): boolean {
  return DIGEST_GRAMMAR.test(text);
}

/**
 * Whether `text` is a digest a descriptor may carry: the grammar, and for a registered algorithm its encoded
 * form (an algorithm edgecr does not know passes on the grammar alone, as the image-spec allows).
 * @example
 * isDescriptorDigest('sha256:' + 'a'.repeat(64)); // true
 */
export function isDescriptorDigest(text: string): boolean {
  const match = DIGEST_GRAMMAR.exec(text);
  if (!match) return false;
  const [, name = '', encoded = ''] = match;
  if (!Object.hasOwn(DIGEST_ALGORITHMS, name)) return true;
  return hasEncodedForm(name as DigestAlgorithm, encoded);
}

function hasEncodedForm(algorithm: DigestAlgorithm, encoded: string): boolean {
  return encoded.length === DIGEST_ALGORITHMS[algorithm].hexLength && /^[0-9a-f]+$/.test(encoded);
}

/**
 * Parses an algorithm name, as in `?digest-algorithm=` (distribution-spec end-4c). A name outside
 * {@link DIGEST_ALGORITHMS} gets 400 `DIGEST_INVALID` ("Pushing blobs": an unsupported algorithm SHOULD
 * be answered 400).
 * @example
 * parseDigestAlgorithm(url.searchParams.get('digest-algorithm') ?? 'sha256');
 */
export function parseDigestAlgorithm(name: string): DigestAlgorithm {
  if (Object.hasOwn(DIGEST_ALGORITHMS, name)) return name as DigestAlgorithm;
  throw new OciError('DIGEST_INVALID', `unsupported digest algorithm ${JSON.stringify(name)}`);
}

/**
 * Parses and validates a digest: the image-spec grammar, an algorithm of {@link DIGEST_ALGORITHMS} and that
 * algorithm's encoded form. Anything else gets 400 `DIGEST_INVALID` (distribution-spec "Pushing blobs":
 * an invalid digest or unsupported algorithm SHOULD be answered 400).
 * @example
 * const { algorithm } = parseDigest(url.searchParams.get('digest') ?? '');
 */
export function parseDigest(text: string): Digest {
  const match = DIGEST_GRAMMAR.exec(text);
  if (!match) throw new OciError('DIGEST_INVALID', `invalid digest ${JSON.stringify(text)}`);
  const [, name = '', encoded = ''] = match;
  const algorithm = parseDigestAlgorithm(name);
  if (!hasEncodedForm(algorithm, encoded)) {
    const { hexLength } = DIGEST_ALGORITHMS[algorithm];
    throw new OciError(
      'DIGEST_INVALID',
      `invalid ${algorithm} digest ${JSON.stringify(text)}: expected ${hexLength} lowercase hex digits`,
    );
  }
  return { algorithm, encoded, digest: text };
}
