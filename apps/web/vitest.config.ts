/// <reference types="node" />
// Unit tests of the engine in Node; end-to-end tests drive Debian's Chromium (playwright-core) through the
// built page against a real `wrangler dev` of apps/worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // Builds dist/ once, so the tests always drive the page as it is now.
          globalSetup: ['test/e2e/_build.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
