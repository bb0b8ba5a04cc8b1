/**
 * The console's first view: every repository in a table (images, total size, last push, tag mutability,
 * lifecycle and repository policy), a filter by name, creating one, and deleting one with its images after a
 * confirmation that names what goes.
 * @module
 */

import { describeFailure, type EcrClient, isEcrError, type UploadFailure } from '@edgecr/client';
import type { Repository } from '@edgecr/protocol';
import { useCallback, useState } from 'preact/hooks';
import { Confirm } from './Confirm.tsx';
import { describeAllImages, type PolicyState, policyState } from './catalog.ts';
import { count, formatBytes, formatTime } from './format.ts';
import { FailureBox } from './LayerList.tsx';
import { explainRepositoryName } from './repositoryName.ts';
import { href, navigate } from './router.ts';
import { SLOW_SENTENCE, useLoad, useSlow } from './useLoad.ts';

/** What the row of a repository shows beyond DescribeRepositories. */
interface RepositoryStats {
  readonly images: number;
  readonly tags: readonly string[];
  readonly bytes: number;
  readonly lastPush: number | undefined;
  readonly lifecycle: PolicyState;
  readonly policy: PolicyState;
}

async function statsOf(client: EcrClient, repositoryName: string): Promise<RepositoryStats> {
  const [images, lifecycle, policy] = await Promise.all([
    describeAllImages(client, repositoryName),
    policyState(client, 'GetLifecyclePolicy', repositoryName),
    policyState(client, 'GetRepositoryPolicy', repositoryName),
  ]);
  return {
    images: images.length,
    tags: images.flatMap((image) => image.imageTags ?? []),
    bytes: images.reduce((sum, image) => sum + (image.imageSizeInBytes ?? 0), 0),
    lastPush: images.reduce<number | undefined>(
      (last, image) => Math.max(last ?? 0, image.imagePushedAt ?? 0),
      undefined,
    ),
    lifecycle,
    policy,
  };
}

const POLICY_WORDS: Record<PolicyState, string> = { set: 'set', none: 'none', unknown: '—' };

function RepositoryRow({
  client,
  repository,
  onDelete,
}: {
  client: EcrClient;
  repository: Repository;
  onDelete: (name: string, stats: RepositoryStats | undefined) => void;
}) {
  const name = repository.repositoryName ?? '';
  const { value: stats, error } = useLoad(useCallback(() => statsOf(client, name), [client, name]));
  const pending = !stats && !error;
  const unknown = error ? '?' : '…';
  return (
    <tr data-testid="repository-row" data-name={name}>
      <th scope="row">
        <a href={href({ view: 'repository', repositoryName: name })}>{name}</a>
      </th>
      <td>{stats ? stats.images.toLocaleString('en') : unknown}</td>
      <td>{stats ? formatBytes(stats.bytes) : unknown}</td>
      <td>{stats ? (stats.lastPush ? formatTime(stats.lastPush) : 'never') : unknown}</td>
      <td>{repository.imageTagMutability === 'IMMUTABLE' ? 'immutable' : 'mutable'}</td>
      <td>{stats ? POLICY_WORDS[stats.lifecycle] : unknown}</td>
      <td>{stats ? POLICY_WORDS[stats.policy] : unknown}</td>
      <td>
        <button
          type="button"
          class="small"
          aria-label={`Delete repository ${name}`}
          disabled={pending}
          onClick={() => onDelete(name, stats)}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

/** A deletion waiting for its confirmation. */
interface PendingDelete {
  readonly name: string;
  readonly stats: RepositoryStats | undefined;
}

function deleteQuestion({ name, stats }: PendingDelete): string {
  if (!stats || stats.images === 0) return `Delete the empty repository ${name}?`;
  const tags =
    stats.tags.length === 0
      ? 'none tagged'
      : `tags ${stats.tags.slice(0, 5).join(', ')}${stats.tags.length > 5 ? ` and ${stats.tags.length - 5} more` : ''}`;
  return `Delete repository ${name} and its ${count(stats.images, 'image')} (${formatBytes(stats.bytes)}; ${tags})? This cannot be undone.`;
}

export function RepositoriesView({
  client,
  onRegistry,
}: {
  client: EcrClient;
  /** Hears the registry id the endpoint answered with, for the key chip. */
  onRegistry: (registryId: string) => void;
}) {
  const [revision, setRevision] = useState(0);
  const [filter, setFilter] = useState('');
  const [newName, setNewName] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<UploadFailure | undefined>(undefined);
  const [pending, setPending] = useState<PendingDelete | undefined>(undefined);
  const [message, setMessage] = useState('');
  const { value: repositories, error } = useLoad(
    useCallback(
      () =>
        client.listRepositories().then((list) => {
          const registryId = list[0]?.registryId;
          if (registryId) onRegistry(registryId);
          return list.sort((a, b) => (a.repositoryName ?? '').localeCompare(b.repositoryName ?? ''));
        }),
      // `revision` is only a trigger.
      [client, revision],
    ),
  );
  const slow = useSlow(!repositories && error === undefined);
  const nameProblem = newName === '' ? undefined : explainRepositoryName(newName);
  const shown = repositories?.filter((r) => (r.repositoryName ?? '').includes(filter.trim())) ?? [];

  const create = async (event: Event) => {
    event.preventDefault();
    if (newName === '' || nameProblem) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await client.createRepository({ repositoryName: newName });
    } catch (problem) {
      if (!isEcrError(problem, 'RepositoryAlreadyExistsException')) {
        setFailure(describeFailure(problem));
        setBusy(false);
        return;
      }
    }
    setBusy(false);
    // A new repository is empty: the next thing to do is to push to it.
    navigate({ view: 'repository', repositoryName: newName, push: true });
  };

  const confirmDelete = async () => {
    if (!pending) return;
    setPending(undefined);
    setFailure(undefined);
    try {
      await client.send('DeleteRepository', { repositoryName: pending.name, force: true });
      setMessage(`Deleted the repository ${pending.name}.`);
    } catch (problem) {
      setFailure(describeFailure(problem));
    }
    setRevision((n) => n + 1);
  };

  return (
    <section aria-labelledby="repositories-heading" class="repositories" data-testid="repositories-view">
      <h2 id="repositories-heading">Repositories</h2>
      <div class="toolbar">
        <div class="field inline">
          <label for="repository-filter">Filter by name</label>
          <input
            id="repository-filter"
            type="search"
            value={filter}
            spellcheck={false}
            autocomplete="off"
            onInput={(event) => setFilter(event.currentTarget.value)}
          />
        </div>
        <form class="field inline" onSubmit={create}>
          <label for="new-repository">New repository</label>
          <input
            id="new-repository"
            value={newName}
            placeholder="team/app"
            aria-invalid={nameProblem ? true : undefined}
            aria-describedby={nameProblem ? 'new-repository-rule' : undefined}
            spellcheck={false}
            autocomplete="off"
            onInput={(event) => setNewName(event.currentTarget.value.trim())}
          />
          <button type="submit" disabled={busy || newName === '' || nameProblem !== undefined}>
            Create
          </button>
        </form>
        <button type="button" onClick={() => setRevision((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {nameProblem && (
        <p id="new-repository-rule" class="hint" role="status">
          {nameProblem}
        </p>
      )}
      {pending && (
        <Confirm action="Delete" onConfirm={() => void confirmDelete()} onKeep={() => setPending(undefined)}>
          {deleteQuestion(pending)}
        </Confirm>
      )}
      {error !== undefined && <FailureBox failure={describeFailure(error)} alert />}
      {failure && <FailureBox failure={failure} alert />}
      {!repositories && error === undefined && (
        <p class="hint" role="status">
          Loading the repositories… {slow && SLOW_SENTENCE}
        </p>
      )}
      {repositories?.length === 0 && (
        <p class="empty">
          No repository yet. Name one under “New repository” and press Create; then push an image to it.
        </p>
      )}
      {repositories && repositories.length > 0 && shown.length === 0 && (
        <p class="empty">No repository name contains “{filter.trim()}”.</p>
      )}
      {shown.length > 0 && (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Repositories of the registry</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Images</th>
                <th scope="col">Total size</th>
                <th scope="col">Last push</th>
                <th scope="col">Tags</th>
                <th scope="col">Lifecycle policy</th>
                <th scope="col">Repository policy</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((repository) => (
                <RepositoryRow
                  key={`${repository.repositoryName}|${revision}`}
                  client={client}
                  repository={repository}
                  onDelete={(name, stats) => setPending({ name, stats })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p role="status" data-testid="repositories-status">
        {message}
      </p>
    </section>
  );
}
