// The rules' tests run in Node and inside workerd against the memory adapter; the Cloudflare adapters run the
// same conformance suite in apps/worker.
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: runtimeProjects(['test/**/*.test.ts']),
  },
});
