/**
 * Endpoint, credentials, registry and region: edited as a draft, applied with Save, then shown as a chip.
 * @module
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isLoopback, LOCAL_DEV_KEY, type Settings } from './settings.ts';

interface FieldProps {
  id: keyof Settings;
  label: string;
  hint?: string;
  draft: Settings;
  onInput: (id: keyof Settings, value: string) => void;
  type?: 'text' | 'url' | 'password';
  autocomplete?: string;
  pattern?: string;
  invalid?: boolean;
}

function Field({
  id,
  label,
  hint,
  draft,
  onInput,
  type = 'text',
  autocomplete = 'off',
  pattern,
  invalid,
}: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        // Preact types the attributes per input type; these three take the same ones.
        type={type as 'text'}
        value={draft[id]}
        autocomplete={autocomplete}
        spellcheck={false}
        pattern={pattern}
        aria-invalid={invalid || undefined}
        aria-describedby={hintId}
        onInput={(event) => onInput(id, event.currentTarget.value)}
      />
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/**
 * `AKIA…DEV01`: enough of an access key id to tell keys apart, not the whole of it on screen.
 * @example
 * shortKey('AKIAEDGECRLOCALDEV01'); // 'AKIA…DEV01'
 */
export function shortKey(accessKeyId: string): string {
  return accessKeyId.length > 10 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-5)}` : accessKeyId;
}

/**
 * The settings: a form while no key is saved (or the person asked to change it), else a chip naming the key
 * and the registry, with "change" to open the form again.
 */
export function SettingsPanel({
  settings,
  endpointValid,
  registry,
  onSave,
}: {
  settings: Settings;
  endpointValid: boolean;
  /** What the chip names after "on": the registry id when known, else the endpoint's host. */
  registry: string;
  onSave: (settings: Settings) => void;
}) {
  const [draft, setDraft] = useState(settings);
  const [editing, setEditing] = useState(false);
  const change = useRef<HTMLButtonElement>(null);
  const firstField = useRef<HTMLFormElement>(null);
  const hasKey = settings.accessKeyId !== '' && settings.secretAccessKey !== '';
  const onInput = (id: keyof Settings, value: string) => setDraft({ ...draft, [id]: value.trim() });
  const save = (next: Settings) => {
    setDraft(next);
    onSave(next);
    if (next.accessKeyId !== '' && next.secretAccessKey !== '') setEditing(false);
  };
  // Keyboard focus follows the switch between chip and form, so it is never lost on a removed button.
  const shown = hasKey && !editing ? 'chip' : 'form';
  const [lastShown, setLastShown] = useState(shown);
  useEffect(() => {
    if (shown === lastShown) return;
    setLastShown(shown);
    if (shown === 'chip') change.current?.focus();
    else firstField.current?.querySelector('input')?.focus();
  }, [shown, lastShown]);
  if (shown === 'chip') {
    return (
      <div class="key-chip" data-testid="key-chip">
        <span>
          <code>{shortKey(settings.accessKeyId)}</code> on {registry}
        </span>
        {' · '}
        <button
          ref={change}
          type="button"
          class="link"
          aria-label={`Change the key (${shortKey(settings.accessKeyId)} on ${registry})`}
          onClick={() => {
            setDraft(settings);
            setEditing(true);
          }}
        >
          change
        </button>
      </div>
    );
  }
  return (
    <section class="settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <p class="hint">
        The console signs its requests with an access key of the registry. On the local stack (
        <code>pnpm start</code>) its development key is one press away.
      </p>
      <form
        ref={firstField}
        onSubmit={(event) => {
          event.preventDefault();
          save(draft);
        }}
      >
        <Field
          id="endpoint"
          label="Endpoint"
          type="url"
          hint="Where the ECR API answers. By default this page’s own address."
          draft={draft}
          onInput={onInput}
          invalid={!endpointValid}
        />
        <Field
          id="accessKeyId"
          label="Access key id"
          draft={draft}
          onInput={onInput}
          autocomplete="username"
        />
        <Field
          id="secretAccessKey"
          label="Secret access key"
          type="password"
          draft={draft}
          onInput={onInput}
          autocomplete="current-password"
        />
        <Field
          id="sessionToken"
          label="Session token (temporary credentials only)"
          type="password"
          draft={draft}
          onInput={onInput}
        />
        <Field
          id="registryId"
          label="Registry id"
          hint="12 digits. Empty: the endpoint’s own registry."
          pattern="[0-9]{12}"
          draft={draft}
          onInput={onInput}
        />
        <Field id="region" label="Region" draft={draft} onInput={onInput} />
        <p class="hint">
          The access key, secret and token stay in this tab’s session storage: they are forgotten when the tab
          closes and never written to disk.
        </p>
        <div class="actions">
          <button type="submit">Save settings</button>
          {isLoopback(draft.endpoint) && (
            <button type="button" onClick={() => save({ ...draft, ...LOCAL_DEV_KEY })}>
              Use the local development key
            </button>
          )}
          {hasKey && (
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
