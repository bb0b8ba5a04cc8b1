/**
 * A pull command to read and copy: a read-only text field (selectable, labelled for screen readers) that grows
 * to show the whole command, wrapped when it is longer than the row, and a Copy button.
 * @module
 */

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
