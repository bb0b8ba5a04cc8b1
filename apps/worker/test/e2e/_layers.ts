// Layers for end-to-end tests and benchmarks: generated on the fly, pushed with a real ECR client.
import { createHash } from 'node:crypto';
import {
  CompleteLayerUploadCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';
import { createLayerChunker, type LayerSummary } from '@edgecr/chunker';
import { testLayerChunks } from '@edgecr/chunker/testing';

/** A generated layer as a byte stream, one 1 MiB chunk at a time (never whole in memory). */
export { testLayerStream as layerStream } from '@edgecr/chunker/testing';

/** The digest of a generated layer, computed by node:crypto (the reference, not the code under test). */
export function referenceDigest(size: number, seed: number): string {
  const hash = createHash('sha256');
  for (const chunk of testLayerChunks(size, seed)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Pushes a layer the way an ECR client does: InitiateLayerUpload, parts of `partSize` (the server's by
 * default) cut and hashed in one pass by @edgecr/chunker, then CompleteLayerUpload with that digest.
 */
export async function pushLayer(
  client: ECRClient,
  repositoryName: string,
  source: ReadableStream<Uint8Array>,
  options: { partSize?: number; onPart?: (lastByte: number) => Promise<void> | void } = {},
): Promise<LayerSummary & { uploadId: string; completeMs: number }> {
  const started = await client.send(new InitiateLayerUploadCommand({ repositoryName }));
  const uploadId = started.uploadId as string;
  const chunker = createLayerChunker({ partSize: options.partSize ?? (started.partSize as number) });
  const parts = source.pipeThrough(chunker);
  for await (const part of parts) {
    await client.send(
      new UploadLayerPartCommand({
        repositoryName,
        uploadId,
        partFirstByte: part.partFirstByte,
        partLastByte: part.partLastByte,
        layerPartBlob: part.bytes,
      }),
    );
    await options.onPart?.(part.partLastByte);
  }
  const summary = await chunker.summary;
  const completeStarted = performance.now();
  const completed = await client.send(
    new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [summary.digest] }),
  );
  const completeMs = performance.now() - completeStarted;
  if (completed.layerDigest !== summary.digest)
    throw new Error(`Server digest ${completed.layerDigest} != ${summary.digest}`);
  return { ...summary, uploadId, completeMs };
}

/** An AWS SDK client for a local stack, with the local development key. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'AKIAEDGECRLOCALDEV01',
  secretAccessKey: 'edgecr-local-dev-secret',
};

/**
 * The environment of an AWS client process (the AWS CLI, boto3) signing with the local development key and
 * reading nothing from `~/.aws` or instance metadata.
 */
export function localAwsEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
