/**
 * A refused lifecycle call: the page's sentence, then the registry's code and message as they came, in full
 * view, since ECR's message ("Lifecycle policy validation failure: …") is what says which rule to correct.
 * @module
 */

import type { UploadFailure } from '@edgecr/client';

export function LifecycleFailure({ failure }: { failure: UploadFailure }) {
  return (
    <div class="failure" role="alert" data-testid="lifecycle-failure" data-code={failure.code}>
      <p>{failure.message}</p>
      <p class="verbatim" data-testid="lifecycle-failure-detail">
        <code>{failure.code}</code>
        {failure.status !== undefined && ` (HTTP ${failure.status})`}: {failure.detail}
      </p>
    </div>
  );
}
