// The doors in Node, on the registry's memory host: the same Request-to-Response code the Worker serves. The
// Worker's integration suite runs them again inside workerd, on R2 and the Durable Objects.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
  },
});
