/**
 * One image: tags, digest, size and times (DescribeImages), its manifest summarised (platforms of an index;
 * config and layers of an image), the raw manifest on request, its pull commands, and deleting a tag or the
 * image (BatchDeleteImage) after a confirmation.
 * @module
 */

import { describeFailure, type EcrClient, type UploadFailure } from '@edgecr/client';
import type { ImageDetail, ImageIdentifier } from '@edgecr/protocol';
import { useCallback, useState } from 'preact/hooks';
import { Confirm, CopyButton } from './Confirm.tsx';
import { formatBytes, formatTime } from './format.ts';
import { ConfigSummary, LayersTable, Platforms, RawManifest } from './ImageParts.tsx';
import { readManifest } from './imageContents.ts';
import { FailureBox } from './LayerList.tsx';
import { PullCommands } from './PullCommand.tsx';
import { href, navigate } from './router.ts';
import { useLoad } from './useLoad.ts';

/** A deletion waiting for its confirmation: one tag, or the image by digest (with every tag it has). */
interface PendingDelete {
  readonly imageId: ImageIdentifier;
  readonly what: string;
}

async function loadImage(client: EcrClient, repositoryName: string, digest: string) {
  const [described, manifest] = await Promise.all([
    client.describeImages({ repositoryName, imageIds: [{ imageDigest: digest }] }),
    readManifest(client, repositoryName, digest),
  ]);
  const detail: ImageDetail | undefined = described.imageDetails?.[0];
  // null: the repository does not hold it (deleted since the link was made).
  return detail && manifest ? { detail, ...manifest } : null;
}

export function ImageView({
  client,
  repositoryName,
  digest,
}: {
  client: EcrClient;
  repositoryName: string;
  digest: string;
}) {
  const [revision, setRevision] = useState(0);
  const [pending, setPending] = useState<PendingDelete | undefined>(undefined);
  const [failure, setFailure] = useState<UploadFailure | undefined>(undefined);
  const [message, setMessage] = useState('');
  const { value: image, error } = useLoad(
    // `revision` is only a trigger.
    useCallback(() => loadImage(client, repositoryName, digest), [client, repositoryName, digest, revision]),
  );
  const loadFailure = error === undefined ? undefined : describeFailure(error);
  const gone = image === null || loadFailure?.code === 'ImageNotFoundException';

  const confirmDelete = async () => {
    if (!pending) return;
    setPending(undefined);
    setFailure(undefined);
    try {
      const answer = await client.batchDeleteImage({ repositoryName, imageIds: [pending.imageId] });
      const failed = answer.failures?.[0];
      if (failed) {
        setMessage(
          `The ${pending.what} was not deleted: ${failed.failureReason ?? failed.failureCode ?? 'unknown reason'}.`,
        );
      } else if (pending.imageId.imageDigest) {
        navigate({ view: 'repository', repositoryName });
        return;
      } else {
        setMessage(`Deleted the ${pending.what}.`);
      }
    } catch (problem) {
      setFailure(describeFailure(problem));
    }
    setRevision((n) => n + 1);
  };

  const tags = image?.detail.imageTags ?? [];
  const { manifest } = image ?? {};
  return (
    <section aria-labelledby="image-heading" data-testid="image-view" data-digest={digest}>
      <h2 id="image-heading">
        {repositoryName}
        {tags.length > 0 ? `:${tags[0]}` : `@${digest.slice(0, 19)}…`}
      </h2>
      {loadFailure && <FailureBox failure={loadFailure} alert />}
      {gone && (
        <p class="empty">
          This image is not in {repositoryName} (any more): it was deleted, or the link names another digest.{' '}
          <a href={href({ view: 'repository', repositoryName })}>Back to {repositoryName}</a>
        </p>
      )}
      {image === undefined && error === undefined && <p class="hint">Loading the image…</p>}
      {image && manifest && (
        <>
          <dl class="facts" data-testid="image-facts">
            <dt>Digest</dt>
            <dd>
              <code data-testid="image-view-digest">{digest}</code>{' '}
              <CopyButton text={digest} label={`Copy the digest ${digest}`} />
            </dd>
            <dt>Tags</dt>
            <dd>{tags.length > 0 ? tags.join(', ') : 'untagged'}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(image.detail.imageSizeInBytes ?? 0)}</dd>
            <dt>Pushed</dt>
            <dd>{formatTime(image.detail.imagePushedAt ?? 0)}</dd>
            <dt>Last pulled</dt>
            <dd>
              {image.detail.lastRecordedPullTime ? formatTime(image.detail.lastRecordedPullTime) : 'never'}
            </dd>
            <dt>Media type</dt>
            <dd>
              <code>{manifest.mediaType}</code>
            </dd>
            {manifest.artifactType && (
              <>
                <dt>Artifact type</dt>
                <dd>
                  <code>{manifest.artifactType}</code>
                </dd>
              </>
            )}
            {manifest.subject && (
              <>
                <dt>Refers to</dt>
                <dd>
                  <a href={href({ view: 'image', repositoryName, digest: manifest.subject.digest })}>
                    <code>{manifest.subject.digest}</code>
                  </a>
                </dd>
              </>
            )}
          </dl>
          <div class="toolbar">
            {tags.map((tag) => (
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
              class="danger"
              onClick={() =>
                setPending({
                  imageId: { imageDigest: digest },
                  what: `image ${digest}${tags.length > 0 ? ` and its tags ${tags.join(', ')}` : ''}`,
                })
              }
            >
              Delete image
            </button>
          </div>
          {pending && (
            <Confirm
              action="Delete"
              onConfirm={() => void confirmDelete()}
              onKeep={() => setPending(undefined)}
            >
              Delete {pending.what} from {repositoryName}? This cannot be undone.
            </Confirm>
          )}
          {failure && <FailureBox failure={failure} alert />}
          <p role="status" data-testid="image-status">
            {message}
          </p>
          {manifest.kind === 'index' && (
            <Platforms repositoryName={repositoryName} manifests={manifest.manifests} />
          )}
          {manifest.config && (
            <ConfigSummary client={client} repositoryName={repositoryName} config={manifest.config} />
          )}
          {manifest.kind === 'image' && (
            <LayersTable client={client} repositoryName={repositoryName} layers={manifest.layers} />
          )}
          <RawManifest text={image.text} />
          <PullCommands endpoint={client.endpoint} repositoryName={repositoryName} reference={`@${digest}`} />
        </>
      )}
    </section>
  );
}
