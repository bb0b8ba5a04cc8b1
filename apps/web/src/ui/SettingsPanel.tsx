/**
 * Endpoint, credentials, registry and region: edited as a draft, applied with Save.
 * @module
 */
import { useState } from 'preact/hooks';
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

export function SettingsPanel({
  settings,
  endpointValid,
  onSave,
}: {
  settings: Settings;
  endpointValid: boolean;
  onSave: (settings: Settings) => void;
}) {
  const [draft, setDraft] = useState(settings);
  // Open at first only when something is missing; after that the person opens and closes it.
  const [openAtFirst] = useState(!settings.accessKeyId || !settings.secretAccessKey);
  const [saved, setSaved] = useState(false);
  const onInput = (id: keyof Settings, value: string) => {
    setDraft({ ...draft, [id]: value.trim() });
    setSaved(false);
  };
  const save = (next: Settings) => {
    setDraft(next);
    onSave(next);
    setSaved(true);
  };
  return (
    <details class="settings" open={openAtFirst}>
      <summary>
        <h2>Settings</h2>
      </summary>
      <form
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
          <span role="status" class="hint">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </form>
    </details>
  );
}
