/**
 * `edgecr ls [repository]`: the registry's repositories (name, images, URI), or one repository's images (tags,
 * digest, size, pushed), every page of ECR's `nextToken` followed.
 * @module
 */
import { type CallOptions, DEFAULT_RETRY_POLICY, type EcrClient } from '@edgecr/client';
import { EcrError, type ImageDetail } from '@edgecr/protocol';
import { CliFailure } from './exitCodes.ts';
import { formatSize, formatTime, table } from './format.ts';

/** DescribeImages' largest page (ECR's `maxResults` limit): the fewest round trips for a large repository. */
const PAGE = 1000;

/**
 * The options of every call of `ls` and `rm`: Ctrl-C aborts, and an endpoint that does not answer fails in
 * words (RequestTimeoutError) after the push engine's own per-request limit instead of leaving the CLI frozen.
 */
export function callOptions(signal: AbortSignal): CallOptions {
  return { signal, timeoutMs: DEFAULT_RETRY_POLICY.requestTimeoutMs };
}

/** Repositories counted at once: enough to hide round trips, few enough not to be throttled. */
const CONCURRENCY = 4;

/**
 * Every image of a repository, across all of DescribeImages' pages.
 * @throws CliFailure when the repository does not exist, naming it.
 */
export async function describeAllImages(
  api: EcrClient,
  repositoryName: string,
  signal: AbortSignal,
): Promise<ImageDetail[]> {
  const all: ImageDetail[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await api.describeImages(
        { repositoryName, maxResults: PAGE, ...(nextToken !== undefined && { nextToken }) },
        callOptions(signal),
      );
      all.push(...(page.imageDetails ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw repositoryMissing(error, repositoryName, api.endpoint) ?? error;
  }
  return all;
}

/**
 * A repository that is not there, said as such: {@link CliFailure} naming it and the endpoint, with ECR's code
 * under it; `undefined` for any other error.
 */
export function repositoryMissing(
  error: unknown,
  repositoryName: string,
  endpoint: string,
): CliFailure | undefined {
  if (!(error instanceof EcrError) || error.code !== 'RepositoryNotFoundException') return undefined;
  return new CliFailure(
    `There is no repository named ${JSON.stringify(repositoryName)} at ${endpoint}: \`edgecr ls\` lists those there are.`,
    { cause: error, detail: `${error.code}: ${error.message}` },
  );
}

/**
 * The repositories as a table (NAME, IMAGES, URI), by name; an empty string when there are none. One deleted
 * while it is being counted is left out.
 * @example
 * process.stdout.write(await listRepositories(api, signal));
 */
export async function listRepositories(api: EcrClient, signal: AbortSignal): Promise<string> {
  const repositories = (await api.listRepositories(callOptions(signal)))
    .map((r) => ({ name: r.repositoryName ?? '', uri: r.repositoryUri ?? '' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (repositories.length === 0) return '';
  // undefined: deleted between the two calls, so left out of the table.
  const counts = new Array<number | undefined>(repositories.length);
  let next = 0;
  const worker = async () => {
    while (next < repositories.length) {
      const index = next++;
      const repository = repositories[index] as (typeof repositories)[number];
      counts[index] = await describeAllImages(api, repository.name, signal).then(
        (images) => images.length,
        (error: unknown) => {
          if (error instanceof CliFailure) return undefined;
          throw error;
        },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, repositories.length) }, worker));
  const present = repositories.flatMap((r, i) =>
    counts[i] === undefined ? [] : [[r.name, String(counts[i]), r.uri]],
  );
  return present.length === 0 ? '' : table(['NAME', 'IMAGES', 'URI'], present);
}

/**
 * A repository's images as a table (TAGS, DIGEST, SIZE, PUSHED), the last pushed first; an empty string when
 * it holds none.
 * @throws CliFailure when the repository does not exist.
 */
export async function listImages(
  api: EcrClient,
  repositoryName: string,
  signal: AbortSignal,
): Promise<string> {
  const images = (await describeAllImages(api, repositoryName, signal)).sort(
    (a, b) => (b.imagePushedAt ?? 0) - (a.imagePushedAt ?? 0),
  );
  if (images.length === 0) return '';
  return table(
    ['TAGS', 'DIGEST', 'SIZE', 'PUSHED'],
    images.map((image) => [
      image.imageTags?.length ? image.imageTags.join(',') : '<untagged>',
      image.imageDigest ?? '',
      formatSize(image.imageSizeInBytes ?? 0),
      formatTime(image.imagePushedAt),
    ]),
  );
}
