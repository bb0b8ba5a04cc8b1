// The benchmarks' ceiling: a loopback ECR endpoint that answers the calls an uploader makes and throws the
// bytes away, so a client's figure against it is what the client itself can do. Shared by the Worker's and
// the page's benchmarks.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LAYER_PART_SIZE } from '@edgecr/protocol';

/** Characters of the body kept at each end: the scalar members, which stand before or after the blob. */
const KEPT = 400;

/**
 * Starts the discard endpoint on 127.0.0.1 (a free port). It reads every body to its end without holding it
 * (only its first and last {@link KEPT} characters, where the members besides `layerPartBlob` are, whatever
 * order a client writes them in), and answers as ECR would for an upload that succeeds.
 * @example
 * const { server, endpoint } = await discardServer();
 */
export async function discardServer(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer(async (request, response) => {
    let head = '';
    let tail = '';
    for await (const chunk of request as AsyncIterable<Buffer>) {
      if (head.length < KEPT) head += chunk.subarray(0, KEPT).toString();
      tail = (tail + chunk.subarray(-KEPT).toString()).slice(-KEPT);
    }
    const ends = `${head}\n${tail}`;
    const target = String(request.headers['x-amz-target']).split('.')[1] ?? '';
    const field = (name: string) => new RegExp(`"${name}":("[^"]*"|\\d+|\\[[^\\]]*\\])`).exec(ends)?.[1];
    const answers: Record<string, () => unknown> = {
      DescribeRepositories: () => ({ repositories: [{ repositoryName: 'bench/discard' }] }),
      CreateRepository: () => ({
        repository: { repositoryName: JSON.parse(field('repositoryName') ?? '""') },
      }),
      InitiateLayerUpload: () => ({ uploadId: randomUUID(), partSize: LAYER_PART_SIZE }),
      UploadLayerPart: () => ({ lastByteReceived: Number(field('partLastByte')) }),
      CompleteLayerUpload: () => ({ layerDigest: JSON.parse(field('layerDigests') ?? '[]')[0] }),
      BatchCheckLayerAvailability: () => ({ layers: [] }),
      GetDownloadUrlForLayer: () => ({ downloadUrl: 'http://127.0.0.1/discarded' }),
    };
    response
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      .end(JSON.stringify(answers[target]?.() ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
