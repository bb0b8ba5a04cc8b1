/// <reference types="node" />
// The CLI's tests: unit tests in Node, and end-to-end tests that run the built CLI (dist/) as a child process
// against a real `wrangler dev` of apps/worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/_build.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
