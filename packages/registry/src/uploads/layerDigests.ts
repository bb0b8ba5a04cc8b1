import { digestAlgorithmUnsupported, layerDigestMismatch } from '../errors.ts';

/** The digests an upload computed: always sha256, and sha512 on uploads that keep its midstate. */
export interface ComputedDigests {
  sha256: string;
  sha512?: string;
}

/**
 * What CompleteLayerUpload checks of `layerDigests`: every entry of an algorithm the upload computed must equal
 * that digest (hex in either case), however many there are. ECR treats the digest as an optional check it can
 * only make for sha256, and its own reference example passes an entry of another form; such entries are not
 * checked unless `strict` (an OCI client's digest is the blob's name: one edgecr cannot check is refused).
 * @example
 * checkLayerDigests(['sha256:AB…', 'sha512:…'], { sha256: 'sha256:ab…' }, false); // passes: sha512 not checked
 */
export function checkLayerDigests(layerDigests: string[], computed: ComputedDigests, strict: boolean): void {
  for (const given of layerDigests) {
    const algorithm = given.slice(0, given.indexOf(':')).toLowerCase();
    const expected = algorithm === 'sha256' || algorithm === 'sha512' ? computed[algorithm] : undefined;
    if (expected === undefined) {
      if (strict) throw digestAlgorithmUnsupported(given, Object.keys(computed));
      continue;
    }
    if (given.toLowerCase() !== expected) throw layerDigestMismatch(given, expected);
  }
}
