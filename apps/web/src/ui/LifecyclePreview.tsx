/**
 * A lifecycle policy's preview in the repository view: started on request, followed while the registry works
 * on it, then the images that would expire (tags, digest, pushed, the rule that expires each) and the count.
 * @module
 */

import {
  type EcrClient,
  type LifecyclePreview,
  previewLifecyclePolicy,
  type UploadFailure,
} from '@edgecr/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { CopyButton } from './Confirm.tsx';
import { count, formatTime, shortDigest } from './format.ts';
import { LifecycleFailure } from './LifecycleFailure.tsx';
import { lifecycleFailure, type RuleRow, ruleRows } from './lifecycle.ts';

/** Where a preview stands: none asked, running, done, or refused. */
export type PreviewState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'running' }
  | { readonly phase: 'done'; readonly preview: LifecyclePreview; readonly ofDraft: boolean }
  | { readonly phase: 'failed'; readonly failure: UploadFailure };

/**
 * A preview of the repository's policy, or of a text not yet saved, that stops (and is forgotten) when the
 * view goes away or another starts.
 */
export function usePreview(client: EcrClient, repositoryName: string) {
  const [state, setState] = useState<PreviewState>({ phase: 'idle' });
  const running = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => running.current?.abort(), []);
  const start = (draft?: string) => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setState({ phase: 'running' });
    previewLifecyclePolicy(client, repositoryName, {
      signal: controller.signal,
      ...(draft !== undefined && { lifecyclePolicyText: draft }),
    }).then(
      (preview) => {
        if (!controller.signal.aborted) setState({ phase: 'done', preview, ofDraft: draft !== undefined });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ phase: 'failed', failure: lifecycleFailure(error) });
      },
    );
  };
  return { state, start, clear: () => setState({ phase: 'idle' }) };
}

/** The rule a result names, as "2 · one release" when the policy describes it. */
function ruleName(priority: number | undefined, rules: readonly RuleRow[]): string {
  const description = rules.find((rule) => rule.priority === priority)?.description;
  return `${priority ?? '—'}${description ? ` · ${description}` : ''}`;
}

/** What the preview found, or where it stands. */
export function PreviewResults({ state }: { state: PreviewState }) {
  // The rules of the text previewed, which may be a draft and not the saved policy.
  const rules = state.phase === 'done' ? (ruleRows(state.preview.lifecyclePolicyText) ?? []) : [];
  return (
    <div data-testid="lifecycle-preview">
      <p class="hint" role="status" data-testid="lifecycle-preview-status">
        {state.phase === 'running' && 'Previewing: the registry is evaluating the policy…'}
        {state.phase === 'done' &&
          (state.preview.status !== 'COMPLETE'
            ? `The preview ended ${state.preview.status}.`
            : `${
                state.preview.expiringImageTotalCount === 0
                  ? 'No image would expire'
                  : `${count(state.preview.expiringImageTotalCount, 'image')} would expire`
              } under ${state.ofDraft ? 'the text being edited (not saved)' : 'the saved policy'}.`)}
      </p>
      {state.phase === 'failed' && <LifecycleFailure failure={state.failure} />}
      {state.phase === 'done' && state.preview.results.length > 0 && (
        <div class="table-scroll">
          <table aria-labelledby="lifecycle-preview-heading" data-testid="lifecycle-preview-table">
            <caption id="lifecycle-preview-heading" class="visually-hidden">
              Images the policy would expire, oldest push first
            </caption>
            <thead>
              <tr>
                <th scope="col">Tags</th>
                <th scope="col">Digest</th>
                <th scope="col">Pushed</th>
                <th scope="col">Rule</th>
              </tr>
            </thead>
            <tbody>
              {state.preview.results.map((result) => {
                const digest = result.imageDigest ?? '';
                return (
                  <tr key={digest} data-testid="lifecycle-expiring" data-digest={digest}>
                    <th scope="row">{result.imageTags?.length ? result.imageTags.join(', ') : 'untagged'}</th>
                    <td class="digest">
                      <code title={digest}>{shortDigest(digest)}</code>{' '}
                      <CopyButton text={digest} label={`Copy the digest ${digest}`} />
                    </td>
                    <td>{result.imagePushedAt ? formatTime(result.imagePushedAt) : '—'}</td>
                    <td data-testid="lifecycle-rule">{ruleName(result.appliedRulePriority, rules)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
