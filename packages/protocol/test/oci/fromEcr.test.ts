import { describe, expect, it } from 'vitest';
import { EcrError } from '../../src/errors.ts';
import { ociErrorFromEcr } from '../../src/oci/fromEcr.ts';

describe('ociErrorFromEcr', () => {
  it('keeps the ECR wording under the spec code', () => {
    const error = ociErrorFromEcr(new EcrError('RepositoryNotFoundException', 'no such repo'), 'blob');
    expect(error).toMatchObject({ code: 'NAME_UNKNOWN', status: 404, message: 'no such repo' });
  });

  it('answers a misplaced chunk 416 with the Range after the last valid byte', () => {
    const ecr = new EcrError('InvalidLayerPartException', 'out of order', {
      fields: { registryId: '1', repositoryName: 'r', uploadId: 'u', lastValidByteReceived: 999 },
    });
    const error = ociErrorFromEcr(ecr, 'upload');
    expect(error).toMatchObject({ code: 'BLOB_UPLOAD_INVALID', status: 416, headers: { range: '0-999' } });
  });

  it('tells a missing blob of a manifest from a missing blob', () => {
    const ecr = new EcrError('LayersNotFoundException', 'missing');
    expect(ociErrorFromEcr(ecr, 'manifest')?.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(ociErrorFromEcr(ecr, 'blob')?.code).toBe('BLOB_UNKNOWN');
    expect(ociErrorFromEcr(new EcrError('InvalidParameterException', 'bad'), 'manifest')?.code).toBe(
      'MANIFEST_INVALID',
    );
  });

  it('maps digest mismatches, immutable tags, size limits and the image quota, and leaves server faults alone', () => {
    expect(ociErrorFromEcr(new EcrError('InvalidLayerException', 'x'), 'upload')?.code).toBe(
      'DIGEST_INVALID',
    );
    expect(ociErrorFromEcr(new EcrError('ImageTagAlreadyExistsException', 'x'), 'manifest')).toMatchObject({
      code: 'DENIED',
      status: 409,
    });
    expect(ociErrorFromEcr(new EcrError('LimitExceededException', 'x'), 'upload')?.status).toBe(413);
    expect(ociErrorFromEcr(new EcrError('LimitExceededException', 'x'), 'manifest')).toMatchObject({
      code: 'DENIED',
      status: 403,
    });
    expect(ociErrorFromEcr(new EcrError('ServerException', 'x'), 'blob')).toBeUndefined();
  });
});
