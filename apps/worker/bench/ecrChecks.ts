// The ECR door's other checks, with the AWS SDK for JavaScript: CompleteLayerUpload latency against layer size
// (it must not read the layer back), and a 1 GiB layer pushed then downloaded through its signed URL.
import { type ECRClient, GetDownloadUrlForLayerCommand } from '@aws-sdk/client-ecr';
import { MiB } from '@edgecr/protocol';
import { digestOfResponse } from '@edgecr/testkit/digest';
import { layerStream, pushLayer } from '../test/e2e/_layers.ts';
import { PART_SIZE_BYTES } from './constants.ts';
import { median, repeat } from './report.ts';

/** Median CompleteLayerUpload time for 16 MiB layers, and the time for one 512 MiB layer. */
export async function completionLatency(ecr: ECRClient, repository: string) {
  const small = median(
    await repeat(
      3,
      async (i) =>
        (await pushLayer(ecr, repository, layerStream(16 * MiB, 20 + i), { partSize: PART_SIZE_BYTES }))
          .completeMs,
    ),
  );
  const large = (await pushLayer(ecr, repository, layerStream(512 * MiB, 30), { partSize: PART_SIZE_BYTES }))
    .completeMs;
  return { smallMs: small, largeMs: large };
}

/** A 1 GiB layer pushed, then read back through GetDownloadUrlForLayer's URL; throws if the bytes differ. */
export async function gibRoundTrip(ecr: ECRClient, repository: string) {
  let started = performance.now();
  const pushed = await pushLayer(ecr, repository, layerStream(1024 * MiB, 40), { partSize: PART_SIZE_BYTES });
  const pushMs = performance.now() - started;
  const { downloadUrl } = await ecr.send(
    new GetDownloadUrlForLayerCommand({ repositoryName: repository, layerDigest: pushed.digest }),
  );
  started = performance.now();
  const downloaded = await digestOfResponse(await fetch(downloadUrl as string));
  const downloadMs = performance.now() - started;
  if (downloaded.digest !== pushed.digest || downloaded.size !== pushed.size)
    throw new Error(
      `1 GiB download: ${downloaded.size} bytes as ${downloaded.digest}, pushed ${pushed.digest}`,
    );
  return { size: pushed.size, pushMs, completeMs: pushed.completeMs, downloadMs };
}
