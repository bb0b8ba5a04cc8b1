/**
 * The "Lifecycle policy" section of a repository view: the policy's rules in words and its JSON, or that there
 * is none; edit (PutLifecyclePolicy), delete (DeleteLifecyclePolicy, asked first) and preview what it would
 * expire. Any key may try: the registry decides, and a refusal is shown with ECR's own words while the text
 * being edited stays.
 * @module
 */

import type { EcrClient, UploadFailure } from '@edgecr/client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Confirm } from './Confirm.tsx';
import { formatTime } from './format.ts';
import { FailureBox } from './LayerList.tsx';
import { LifecycleFailure } from './LifecycleFailure.tsx';
import { PreviewResults, usePreview } from './LifecyclePreview.tsx';
import {
  EXAMPLE_POLICY,
  lifecycleFailure,
  loadPolicy,
  prettyPolicy,
  ruleRows,
  type StoredPolicy,
} from './lifecycle.ts';
import { useLoad } from './useLoad.ts';

function RulesTable({ text }: { text: string }) {
  const rules = ruleRows(text);
  if (!rules) return null;
  return (
    <div class="table-scroll">
      <table aria-labelledby="lifecycle-rules-caption" data-testid="lifecycle-rules">
        <caption id="lifecycle-rules-caption" class="visually-hidden">
          The policy's rules, by priority
        </caption>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Description</th>
            <th scope="col">Selection</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.priority} data-testid="lifecycle-rule-row">
              <th scope="row">{rule.priority}</th>
              <td>{rule.description || '—'}</td>
              <td>{rule.selection}</td>
              <td>{rule.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The stored policy, read-only: its rules, when it last ran, its JSON on request. */
function PolicyView({ policy }: { policy: StoredPolicy }) {
  const pretty = prettyPolicy(policy.text);
  return (
    <>
      <RulesTable text={policy.text} />
      <p class="hint" data-testid="lifecycle-last-run">
        {policy.lastEvaluatedAt
          ? `Last run ${formatTime(policy.lastEvaluatedAt)}.`
          : 'Not run yet: the registry runs it one interval (an hour unless configured) after it is set, then every interval.'}
      </p>
      <details class="raw">
        <summary>The policy as JSON</summary>
        <textarea
          readonly
          rows={Math.min(40, pretty.split('\n').length)}
          class="raw-text"
          aria-label="The lifecycle policy as JSON"
          spellcheck={false}
          data-testid="lifecycle-json"
          value={pretty}
        />
      </details>
    </>
  );
}

export function LifecycleSection({ client, repositoryName }: { client: EcrClient; repositoryName: string }) {
  const [reloads, setReloads] = useState(0);
  const loaded = useLoad(
    // `reloads` is not read: a new value makes a new function, so the policy is read again after a change.
    useCallback(() => loadPolicy(client, repositoryName), [client, repositoryName, reloads]),
  );
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<UploadFailure | undefined>(undefined);
  const [asking, setAsking] = useState(false);
  const [said, setSaid] = useState('');
  const preview = usePreview(client, repositoryName);
  const editor = useRef<HTMLTextAreaElement>(null);
  const editing = draft !== undefined;
  useEffect(() => {
    if (editing) editor.current?.focus();
  }, [editing]);

  const policy = loaded.value;
  /** Runs a change; on success closes the editor and reads the policy again, on failure keeps everything. */
  const change = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setFailure(undefined);
    setSaid('');
    try {
      await call();
      setDraft(undefined);
      preview.clear();
      setSaid(done);
      setReloads((n) => n + 1);
    } catch (error) {
      setFailure(lifecycleFailure(error));
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    change(
      () => client.send('PutLifecyclePolicy', { repositoryName, lifecyclePolicyText: draft ?? '' }),
      'Lifecycle policy saved.',
    );
  const remove = () => {
    setAsking(false);
    void change(() => client.send('DeleteLifecyclePolicy', { repositoryName }), 'Lifecycle policy deleted.');
  };

  return (
    <section aria-labelledby="lifecycle-heading" data-testid="lifecycle-section">
      <h3 id="lifecycle-heading">Lifecycle policy</h3>
      <p class="visually-hidden" role="status" data-testid="lifecycle-said">
        {said}
      </p>
      {loaded.error !== undefined && <FailureBox failure={lifecycleFailure(loaded.error)} />}
      {loaded.error === undefined && !('value' in loaded) && (
        <p class="hint">Loading the lifecycle policy…</p>
      )}
      {policy === undefined && 'value' in loaded && (
        <p class="empty">This endpoint offers no lifecycle policies.</p>
      )}
      {policy === null && !editing && (
        <p class="empty" data-testid="lifecycle-none">
          No lifecycle policy: images stay until someone deletes them.
        </p>
      )}
      {policy && !editing && <PolicyView policy={policy} />}
      {editing && (
        <div class="lifecycle-editor">
          <label for="lifecycle-text">Lifecycle policy JSON</label>
          <textarea
            id="lifecycle-text"
            ref={editor}
            rows={18}
            class="raw-text"
            spellcheck={false}
            value={draft}
            onInput={(event) => setDraft(event.currentTarget.value)}
          />
        </div>
      )}
      {failure && <LifecycleFailure failure={failure} />}
      {asking && (
        <Confirm action="Delete" onConfirm={remove} onKeep={() => setAsking(false)}>
          Delete the lifecycle policy of {repositoryName}? Its images stay; nothing expires them any more.
        </Confirm>
      )}
      {policy !== undefined && (
        <div class="toolbar">
          {editing ? (
            <>
              <button type="button" class="primary" disabled={busy} onClick={() => void save()}>
                Save the lifecycle policy
              </button>
              <button
                type="button"
                disabled={preview.state.phase === 'running'}
                onClick={() => preview.start(draft)}
              >
                Preview this text
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setDraft(undefined);
                  setFailure(undefined);
                }}
              >
                Cancel editing
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                onClick={() => {
                  setSaid('');
                  setFailure(undefined);
                  preview.clear();
                  setDraft(policy ? prettyPolicy(policy.text) : EXAMPLE_POLICY);
                }}
              >
                {policy ? 'Edit the lifecycle policy' : 'Add a lifecycle policy'}
              </button>
              {policy && (
                <button
                  type="button"
                  disabled={preview.state.phase === 'running'}
                  onClick={() => preview.start()}
                >
                  Preview what it would expire
                </button>
              )}
              {policy && (
                <button type="button" class="danger" disabled={busy} onClick={() => setAsking(true)}>
                  Delete the lifecycle policy
                </button>
              )}
            </>
          )}
        </div>
      )}
      {preview.state.phase !== 'idle' && <PreviewResults state={preview.state} />}
    </section>
  );
}
