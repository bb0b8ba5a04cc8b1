/// <reference types="node" />
// The engine's tests run in Node against an in-process ECR endpoint built from @edgecr/registry's real rules
// (test/_inProcessEcr.ts); they use node:crypto and fake-indexeddb, so they are Node-only.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [{ test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' } }],
  },
});
