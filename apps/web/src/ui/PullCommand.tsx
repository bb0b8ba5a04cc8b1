/**
 * A pull command to read and copy: a read-only text field (selectable, labelled for screen readers) that grows
 * to show the whole command, wrapped when it is longer than the row, and a Copy button.
 * @module
 */

import { pullCommands } from './pullCommands.ts';

/** `command` in a read-only field named `label`, with a button that copies it. */
export function PullCommand({ command, label }: { command: string; label: string }) {
  return (
    <div class="pull">
      <textarea readonly rows={1} value={command} aria-label={label} spellcheck={false} />
      <button
        type="button"
        aria-label={`Copy the ${label.charAt(0).toLowerCase()}${label.slice(1)}`}
        onClick={() => void navigator.clipboard?.writeText(command)}
      >
        Copy
      </button>
    </div>
  );
}

/** {@link pullCommands} as labelled fields, with how to log in first. */
export function PullCommands({
  endpoint,
  repositoryName,
  reference,
}: {
  endpoint: string;
  repositoryName: string;
  reference: string;
}) {
  const host = new URL(endpoint).host;
  return (
    <section class="pull-commands" aria-labelledby="pull-heading">
      <h3 id="pull-heading">Pull</h3>
      <p class="hint">
        Log in first with the same key:{' '}
        <code>
          aws ecr get-login-password --endpoint-url {endpoint} | docker login -u AWS --password-stdin {host}
        </code>{' '}
        (skopeo and crane have the same <code>login</code>).
      </p>
      {pullCommands(endpoint, repositoryName, reference).map(({ tool, command }) => (
        <PullCommand key={tool} command={command} label={`${tool} pull command`} />
      ))}
    </section>
  );
}
