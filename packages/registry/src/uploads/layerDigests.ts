import { layerDigestMismatch } from '../errors.ts';

/**
 * What CompleteLayerUpload checks of `layerDigests`: every `sha256:` entry must equal the computed digest (hex
 * in either case), however many there are. ECR treats the digest as an optional check it can only make for
 * sha256, and its own reference example passes an entry of another form; such entries are not checked, and
 * the answer always carries the computed digest.
 * @example
 * checkLayerDigests(['sha256:AB…', 'sha512:…'], 'sha256:ab…'); // passes: case is ignored, sha512 not checked
 */
export function checkLayerDigests(layerDigests: string[], computed: string): void {
  for (const given of layerDigests) {
    if (given.slice(0, given.indexOf(':')).toLowerCase() !== 'sha256') continue;
    if (given.toLowerCase() !== computed) throw layerDigestMismatch(given, computed);
  }
}
