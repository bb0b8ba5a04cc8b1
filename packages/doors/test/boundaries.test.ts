// Each door's one error boundary: a missing secret or an unexpected failure is that door's own error, with
// the CORS headers a page needs to read it, never a bare 500.
import { sha256Digest } from '@edgecr/protocol';
import type { RegistryHosting } from '@edgecr/registry';
import { describe, expect, it } from 'vitest';
import { signDownloadUrl } from '../src/index.ts';
import { ecrCall, login, memoryEndpoint, ORIGIN, oci, REGISTRY_ID, serve } from './_endpoint.ts';

const PAGE = 'https://page.example';

/** A hosting whose every catalog call fails the way a broken binding would. */
const brokenHosting: RegistryHosting = {
  catalog: () =>
    new Proxy({} as ReturnType<RegistryHosting['catalog']>, {
      get: () => async () => {
        throw new TypeError('the binding is gone');
      },
    }),
  upload: () => {
    throw new TypeError('the binding is gone');
  },
};

describe('the doors without their secrets', () => {
  it('answers GetDownloadUrlForLayer without URL_SIGNING_KEY with ServerException, CORS included', async () => {
    const endpoint = memoryEndpoint({}, { urlSigningKey: undefined });
    await ecrCall(endpoint, 'CreateRepository', { repositoryName: 'app' });
    const { uploadId } = (await ecrCall(endpoint, 'InitiateLayerUpload', { repositoryName: 'app' })).json;
    const blob = new Uint8Array(3);
    const digest = sha256Digest(blob);
    const part = {
      repositoryName: 'app',
      uploadId,
      partFirstByte: 0,
      partLastByte: 2,
      layerPartBlob: 'AAAA',
    };
    expect((await ecrCall(endpoint, 'UploadLayerPart', part)).status).toBe(200);
    await ecrCall(endpoint, 'CompleteLayerUpload', {
      repositoryName: 'app',
      uploadId,
      layerDigests: [digest],
    });
    const { status, json, response } = await ecrCall(
      endpoint,
      'GetDownloadUrlForLayer',
      { repositoryName: 'app', layerDigest: digest },
      PAGE,
    );
    expect(status).toBe(500);
    expect(json.__type).toBe('ServerException');
    expect(json.message).toContain('URL_SIGNING_KEY');
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('answers a download URL without URL_SIGNING_KEY with ServerException in JSON, CORS included', async () => {
    const endpoint = memoryEndpoint({}, { urlSigningKey: undefined });
    const path = `/layers/${REGISTRY_ID}/app/sha256:${'a'.repeat(64)}?expires=9999999999&signature=00`;
    const response = await serve(endpoint, new Request(`${ORIGIN}${path}`, { headers: { origin: PAGE } }));
    expect(response.status).toBe(500);
    expect(response.headers.get('x-amzn-errortype')).toBe('ServerException');
    expect(((await response.json()) as { message: string }).message).toContain('URL_SIGNING_KEY');
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('answers every door without EDGECR_CREDENTIALS in its own terms, CORS included', async () => {
    const endpoint = memoryEndpoint({}, { credentials: undefined });
    const ecr = await ecrCall(endpoint, 'DescribeRepositories', {}, PAGE);
    expect(ecr.json.__type).toBe('UnrecognizedClientException');
    expect(ecr.json.message).toContain('EDGECR_CREDENTIALS');
    expect(ecr.response.headers.get('access-control-allow-origin')).toBe(PAGE);
    const door = await oci(endpoint, '/v2/', { headers: { origin: PAGE } });
    expect(door.status).toBe(401);
    expect(door.headers.get('access-control-allow-origin')).toBe(PAGE);
  });
});

describe('the doors when something unexpected fails', () => {
  it('answers the ECR API with ServerException and no details, CORS included', async () => {
    const endpoint = memoryEndpoint({ hosting: brokenHosting });
    const { status, json, response } = await ecrCall(endpoint, 'DescribeRepositories', {}, PAGE);
    expect(status).toBe(500);
    expect(json.__type).toBe('ServerException');
    expect(json.message).not.toContain('binding');
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('answers the OCI door with the spec error body and a download with ServerException, CORS included', async () => {
    const working = memoryEndpoint();
    const auth = await login(working);
    const endpoint = { ...working, hosting: brokenHosting };
    const door = await oci(endpoint, '/v2/app/tags/list', { auth, headers: { origin: PAGE } });
    expect(door.status).toBe(500);
    expect(((await door.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('UNKNOWN');
    expect(door.headers.get('access-control-allow-origin')).toBe(PAGE);

    // A URL signed for real, so the failure (its layer lookup) is past the signature check.
    const signed = await signDownloadUrl(ORIGIN, endpoint.settings, {
      registryId: REGISTRY_ID,
      repositoryName: 'app',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    const download = await serve(endpoint, new Request(signed, { headers: { origin: PAGE } }));
    expect(download.status).toBe(500);
    expect(download.headers.get('x-amzn-errortype')).toBe('ServerException');
    expect(download.headers.get('access-control-allow-origin')).toBe(PAGE);
  });
});
