/**
 * What the selected repository holds (DescribeImages): each image's tags, digest, size, push time and media
 * type with its pull command, the platforms of an index and the layers with download links
 * ({@link ImageContents}), and deleting a tag or a whole image (BatchDeleteImage) after a confirmation.
 * @module
 */

import { describeFailure, type EcrClient, type UploadFailure } from '@edgecr/client';
import type { ImageDetail, ImageIdentifier } from '@edgecr/protocol';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { formatBytes } from './format.ts';
import { ImageContents } from './ImageContents.tsx';
import { FailureBox } from './LayerList.tsx';
import { PullCommand } from './PullCommand.tsx';

/** A deletion waiting for its confirmation: one tag, or the image by digest (with every tag it has). */
interface PendingDelete {
  readonly imageId: ImageIdentifier;
  readonly what: string;
}

/** Every image of the repository, following DescribeImages' pages. */
async function describeAll(client: EcrClient, repositoryName: string): Promise<ImageDetail[]> {
  const details: ImageDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.describeImages({ repositoryName, ...(nextToken && { nextToken }) });
    details.push(...(page.imageDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  // Newest first: the image just pushed is at the top.
  return details.sort((a, b) => (b.imagePushedAt ?? 0) - (a.imagePushedAt ?? 0));
}

export function RepositoryView({
  client,
  repositoryName,
  reloadSignal,
}: {
  client: EcrClient;
  repositoryName: string;
  /** The images are loaded again whenever this changes (an image was pushed). */
  reloadSignal: number;
}) {
  const [images, setImages] = useState<ImageDetail[] | undefined>(undefined);
  const [error, setError] = useState<UploadFailure | undefined>(undefined);
  const [pending, setPending] = useState<PendingDelete | undefined>(undefined);
  const [message, setMessage] = useState('');
  const host = new URL(client.endpoint).host;
  // The question takes the focus, on its safe answer, so a keyboard user is where the decision is.
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), [pending]);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setImages(await describeAll(client, repositoryName));
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }, [client, repositoryName]);

  // `reloadSignal` is only a trigger.
  useEffect(() => {
    void load();
  }, [load, reloadSignal]);

  const confirmDelete = async () => {
    if (!pending) return;
    setPending(undefined);
    try {
      const answer = await client.batchDeleteImage({ repositoryName, imageIds: [pending.imageId] });
      const failed = answer.failures?.[0];
      setMessage(
        failed
          ? `The ${pending.what} was not deleted: ${failed.failureReason ?? failed.failureCode ?? 'unknown reason'}.`
          : `Deleted the ${pending.what}.`,
      );
    } catch (failure) {
      setError(describeFailure(failure));
    }
    await load();
  };

  return (
    <section aria-labelledby="repository-images-heading" data-testid="repository-view">
      <h2 id="repository-images-heading">In {repositoryName}</h2>
      <button type="button" onClick={() => void load()}>
        Refresh images
      </button>
      {images?.length === 0 && <p class="hint">No image yet.</p>}
      <ul class="layers">
        {images?.map((image) => {
          const digest = image.imageDigest ?? '';
          const pull = `docker pull ${host}/${repositoryName}${image.imageTags?.[0] ? `:${image.imageTags[0]}` : `@${digest}`}`;
          return (
            <li key={digest} class="layer" data-testid="repository-image" data-digest={digest}>
              <p>
                <strong>{image.imageTags?.length ? image.imageTags.join(', ') : 'untagged'}</strong>
              </p>
              <p class="hint">
                <code>{digest}</code> · {formatBytes(image.imageSizeInBytes ?? 0)} · pushed{' '}
                {new Date((image.imagePushedAt ?? 0) * 1000).toLocaleString()} ·{' '}
                {image.imageManifestMediaType}
              </p>
              <ImageContents client={client} repositoryName={repositoryName} image={image} />
              <PullCommand command={pull} label={`Pull command for ${digest}`} />
              <div class="row">
                {image.imageTags?.map((tag) => (
                  <button
                    key={tag}
                    type="button"
                    onClick={() => setPending({ imageId: { imageTag: tag }, what: `tag ${tag}` })}
                  >
                    Delete tag {tag}
                  </button>
                ))}
                <button
                  type="button"
                  onClick={() => setPending({ imageId: { imageDigest: digest }, what: `image ${digest}` })}
                >
                  Delete image {digest.slice(0, 19)}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {pending && (
        <div role="alertdialog" aria-labelledby="delete-question" class="failure">
          <p id="delete-question">
            Delete {pending.what} from {repositoryName}? This cannot be undone.
          </p>
          <button type="button" onClick={() => void confirmDelete()}>
            Delete
          </button>
          <button type="button" ref={keep} onClick={() => setPending(undefined)}>
            Keep
          </button>
        </div>
      )}
      <p role="status" data-testid="repository-status">
        {message}
      </p>
      {error && <FailureBox failure={error} alert />}
    </section>
  );
}
