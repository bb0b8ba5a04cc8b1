import { describe, expect, it } from 'vitest';
import { EcrError } from '../src/errors.ts';
import { ociErrorFromEcr } from '../src/oci/fromEcr.ts';
import { upstreamReasonOf } from '../src/upstreamErrors.ts';

describe('upstreamReasonOf', () => {
  it("reads the reason an upstream failure's message leads with, for images and layers", () => {
    const image = new EcrError('UnableToGetUpstreamImageException', 'UpstreamTooManyRequests: 429 from x');
    const layer = new EcrError('UnableToGetUpstreamLayerException', 'UpstreamAccessDenied: 401 from x');
    expect(upstreamReasonOf(image)).toBe('UpstreamTooManyRequests');
    expect(upstreamReasonOf(layer)).toBe('UpstreamAccessDenied');
    expect(ociErrorFromEcr(image, 'manifest')).toMatchObject({ code: 'TOOMANYREQUESTS', status: 429 });
    expect(ociErrorFromEcr(layer, 'blob')).toMatchObject({ code: 'DENIED', status: 403 });
  });

  it('calls an upstream failure that names no reason UpstreamUnavailable, and other errors none', () => {
    const vague = new EcrError('UnableToGetUpstreamImageException', 'it broke: somehow');
    expect(upstreamReasonOf(vague)).toBe('UpstreamUnavailable');
    expect(ociErrorFromEcr(vague, 'manifest')).toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      status: 502,
      detail: { reason: 'UpstreamUnavailable' },
    });
    expect(upstreamReasonOf(new EcrError('ServerException', 'UpstreamUnavailable: no'))).toBeUndefined();
    expect(upstreamReasonOf(new Error('UpstreamUnavailable: no'))).toBeUndefined();
  });
});
