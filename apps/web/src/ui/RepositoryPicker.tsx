/**
 * Choose a repository from DescribeRepositories, or create one.
 * @module
 */

import { describeFailure, type EcrClient, isEcrError, type UploadFailure } from '@edgecr/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { FailureBox } from './LayerList.tsx';
import { explainRepositoryName } from './repositoryName.ts';

export function RepositoryPicker({
  client,
  value,
  onChange,
  reloadSignal = 0,
}: {
  /** Undefined while the settings are incomplete. */
  client: EcrClient | undefined;
  value: string;
  onChange: (repositoryName: string) => void;
  /** The list is loaded again whenever this changes (a layer found its repository gone). */
  reloadSignal?: number;
}) {
  const [names, setNames] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<UploadFailure | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState('');
  const load = useCallback(
    async (select?: string) => {
      if (!client) return;
      setBusy(true);
      setError(undefined);
      try {
        const list = (await client.listRepositories())
          .map((repository) => repository.repositoryName ?? '')
          .filter((name) => name !== '')
          .sort();
        setNames(list);
        const wanted = select ?? value;
        if (!list.includes(wanted)) onChange(list[0] ?? '');
        else if (wanted !== value) onChange(wanted);
      } catch (failure) {
        setError(describeFailure(failure));
      } finally {
        setBusy(false);
      }
    },
    [client],
  );

  // `reloadSignal` is only a trigger.
  useEffect(() => {
    void load();
  }, [load, reloadSignal]);

  // Said only once there is something to judge, so an empty field is not called wrong.
  const nameProblem = newName === '' ? undefined : explainRepositoryName(newName);

  const create = async (event: Event) => {
    event.preventDefault();
    if (!client || newName === '' || nameProblem) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.createRepository({ repositoryName: newName });
    } catch (failure) {
      if (!isEcrError(failure, 'RepositoryAlreadyExistsException')) {
        setError(describeFailure(failure));
        setBusy(false);
        return;
      }
    }
    setNewName('');
    await load(newName);
  };

  return (
    <section aria-labelledby="repository-heading" class="repository">
      <h2 id="repository-heading">Repository</h2>
      {!client && <p class="hint">Enter an access key and secret in Settings to list the repositories.</p>}
      <div class="row">
        <label for="repository">Upload to</label>
        <select
          id="repository"
          value={value}
          disabled={!names?.length}
          onChange={(event) => onChange(event.currentTarget.value)}
        >
          {names?.length ? (
            names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))
          ) : (
            <option value="">{names ? 'No repository yet: create one' : '—'}</option>
          )}
        </select>
        <button type="button" onClick={() => void load()} disabled={!client || busy}>
          Refresh
        </button>
      </div>
      <form class="row" onSubmit={create}>
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
        <button type="submit" disabled={!client || busy || newName === '' || nameProblem !== undefined}>
          Create
        </button>
      </form>
      {nameProblem && (
        <p id="new-repository-rule" class="hint" role="status">
          {nameProblem}
        </p>
      )}
      {error && <FailureBox failure={error} alert />}
    </section>
  );
}
