// The pull path's SHA-256 in these tests: the chunker's, where a Worker hands it workerd's DigestStream.
import { ResumableSha256 } from '@edgecr/chunker';
import type { IncrementalSha256 } from '../../src/index.ts';

export function testSha256(): IncrementalSha256 {
  const hash = new ResumableSha256();
  return {
    async write(bytes) {
      hash.update(bytes);
    },
    digest: async () => hash.digestHex(),
  };
}
