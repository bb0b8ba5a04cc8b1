/**
 * A question before something that cannot be undone, and a copy button: the small controls every view shares.
 * @module
 */

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Asks before a deletion. It takes the focus on its safe answer, so a keyboard user is where the decision is,
 * and Escape keeps.
 */
export function Confirm({
  children,
  action,
  onConfirm,
  onKeep,
}: {
  /** The question, naming what goes. */
  children: ComponentChildren;
  /** The confirming button's label ("Delete"). */
  action: string;
  onConfirm: () => void;
  onKeep: () => void;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-labelledby="confirm-question"
      class="failure confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onKeep();
      }}
    >
      <p id="confirm-question">{children}</p>
      <div class="row">
        <button type="button" class="danger" onClick={onConfirm}>
          {action}
        </button>
        <button type="button" ref={keep} onClick={onKeep}>
          Keep
        </button>
      </div>
    </div>
  );
}

/** A button that copies `text`, saying so for a moment; `label` names what is copied for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="small"
      aria-label={label}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => {},
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
