/**
 * A repository: its images as a table, newest push first (tags, short digest with copy, size, pushed, last
 * pulled, platforms), an index's platforms and the referrers of an image nested under it, a page of rows at a
 * time; its lifecycle policy; the pull commands; and Push, the action that opens the push panel above the table.
 * @module
 */

import type { EcrClient } from '@edgecr/client';
import type { ImageDetail } from '@edgecr/protocol';
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { CopyButton } from './Confirm.tsx';
import { type ImageRow, imageRows } from './catalog.ts';
import { count, formatBytes, formatTime, shortDigest } from './format.ts';
import { FailureBox } from './LayerList.tsx';
import { LifecycleSection } from './LifecycleSection.tsx';
import { platformName } from './manifest.ts';
import { PullCommands } from './PullCommand.tsx';
import { href } from './router.ts';
import { SLOW_SENTENCE, useSlow } from './useLoad.ts';
import { useRepositoryImages } from './useRepositoryImages.ts';

/** Rows on one page of the table: enough to scan, few enough to render at once on any machine. */
const ROWS_PER_PAGE = 100;

/** Config media types of plain container images: such an image is shown as one, not by its config's type. */
const IMAGE_CONFIGS = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];

/** What the last column says of an image that is no index: "image", or an artifact's type. */
function kindOf(image: ImageDetail): string {
  const type = image.artifactMediaType;
  return type === undefined || IMAGE_CONFIGS.includes(type) ? 'image' : type;
}

function DigestCell({ digest }: { digest: string }) {
  return (
    <td class="digest">
      <code title={digest}>{shortDigest(digest)}</code>{' '}
      <CopyButton text={digest} label={`Copy the digest ${digest}`} />
    </td>
  );
}

function imageLink(repositoryName: string, digest: string): string {
  return href({ view: 'image', repositoryName, digest });
}

/** The cells after the digest that every kind of row has. */
function TimesAndSize({ image }: { image: ImageDetail | undefined }) {
  return (
    <>
      <td>{image ? formatBytes(image.imageSizeInBytes ?? 0) : '—'}</td>
      <td>{image?.imagePushedAt ? formatTime(image.imagePushedAt) : '—'}</td>
      <td>{image?.lastRecordedPullTime ? formatTime(image.lastRecordedPullTime) : 'never'}</td>
    </>
  );
}

function Row({ repositoryName, row }: { repositoryName: string; row: ImageRow }) {
  const { image, children, referrers } = row;
  const digest = image.imageDigest ?? '';
  const tags = image.imageTags ?? [];
  const platforms = children.map((child) => platformName(child.manifest.platform)).join(', ');
  return (
    <tbody data-testid="repository-image" data-digest={digest}>
      <tr>
        <th scope="row">
          <a href={imageLink(repositoryName, digest)}>{tags.length > 0 ? tags.join(', ') : 'untagged'}</a>
        </th>
        <DigestCell digest={digest} />
        <TimesAndSize image={image} />
        <td data-testid={platforms ? 'platforms' : undefined}>{platforms || kindOf(image)}</td>
      </tr>
      {children.map(({ manifest, image: child }) => (
        <tr key={manifest.digest} class="nested" data-testid="repository-image" data-digest={manifest.digest}>
          <th scope="row">
            <a href={imageLink(repositoryName, manifest.digest)}>
              <span aria-hidden="true">↳ </span>
              {platformName(manifest.platform)}
            </a>
          </th>
          <DigestCell digest={manifest.digest} />
          <TimesAndSize image={child} />
          <td>{platformName(manifest.platform)}</td>
        </tr>
      ))}
      {referrers.map((referrer) => (
        <tr
          key={referrer.imageDigest}
          class="nested"
          data-testid="referrer"
          data-digest={referrer.imageDigest}
        >
          <th scope="row">
            <a href={imageLink(repositoryName, referrer.imageDigest ?? '')}>
              <span aria-hidden="true">↳ </span>
              referrer
            </a>
          </th>
          <DigestCell digest={referrer.imageDigest ?? ''} />
          <TimesAndSize image={referrer} />
          <td>{referrer.artifactMediaType ?? referrer.imageManifestMediaType}</td>
        </tr>
      ))}
    </tbody>
  );
}

export function RepositoryView({
  client,
  repositoryName,
  reloadSignal,
  push,
  children,
}: {
  client: EcrClient;
  repositoryName: string;
  /** The images are loaded again whenever this changes (an image was pushed). */
  reloadSignal: number;
  /** Whether the push panel is open. */
  push: boolean;
  /** The push panel. */
  children: ComponentChildren;
}) {
  const [refreshes, setRefreshes] = useState(0);
  const [chosenPage, setPage] = useState(0);
  const loaded = useRepositoryImages(client, repositoryName, reloadSignal + refreshes);
  const rows = useMemo(() => imageRows(loaded.images, loaded.children), [loaded.images, loaded.children]);
  const pages = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
  // A reload with fewer images (a deletion) keeps the page in range.
  const page = Math.min(chosenPage, pages - 1);
  const shown = rows.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
  const newestTag = rows.find((row) => row.image.imageTags?.length)?.image.imageTags?.[0];
  // Slow only while nothing has come: a large repository arriving page by page says how far it is instead.
  const slow = useSlow(!loaded.done && loaded.images.length === 0);
  const missing = loaded.failure?.code === 'RepositoryNotFoundException';

  return (
    <section aria-labelledby="repository-heading" data-testid="repository-view">
      <h2 id="repository-heading">{repositoryName}</h2>
      <div class="toolbar">
        {push ? (
          <a class="button" href={href({ view: 'repository', repositoryName })}>
            Close the push panel
          </a>
        ) : (
          <a class="button primary" href={href({ view: 'repository', repositoryName, push: true })}>
            Push an image
          </a>
        )}
        <button type="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh images
        </button>
      </div>
      {push && children}
      {loaded.failure && <FailureBox failure={loaded.failure} alert />}
      {missing && (
        <p class="empty">
          Go back to <a href={href({ view: 'repositories' })}>the repositories</a> to create it again or
          choose another.
        </p>
      )}
      <h3 id="repository-images-heading">Images</h3>
      <p class="hint" role="status" data-testid="images-status">
        {loaded.done
          ? `${count(loaded.images.length, 'image')}.`
          : `Loading the images… ${loaded.images.length > 0 ? `${count(loaded.images.length, 'image')} so far.` : ''}${slow ? SLOW_SENTENCE : ''}`}
      </p>
      {loaded.done && !loaded.failure && rows.length === 0 && (
        <p class="empty">
          No image yet. Press “Push an image” and drop a <code>docker save</code> or OCI layout archive, or
          push from a terminal with the commands below.
        </p>
      )}
      {shown.length > 0 && (
        <div class="table-scroll">
          <table aria-labelledby="repository-images-heading" data-testid="images-table">
            <thead>
              <tr>
                <th scope="col">Tags</th>
                <th scope="col">Digest</th>
                <th scope="col">Size</th>
                <th scope="col">Pushed</th>
                <th scope="col">Last pulled</th>
                <th scope="col">Platforms or type</th>
              </tr>
            </thead>
            {shown.map((row) => (
              <Row key={row.image.imageDigest} repositoryName={repositoryName} row={row} />
            ))}
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav class="pager" aria-label="Pages of images">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous page
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            Next page
          </button>
        </nav>
      )}
      {!missing && <LifecycleSection client={client} repositoryName={repositoryName} />}
      {!missing && (
        <PullCommands
          endpoint={client.endpoint}
          repositoryName={repositoryName}
          reference={`:${newestTag ?? 'latest'}`}
        />
      )}
    </section>
  );
}
