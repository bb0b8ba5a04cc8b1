/// <reference types="node" />
// The engine's tests run in Node against an in-process ECR endpoint: the real ECR door (@edgecr/doors) on
// @edgecr/registry's memory host, reached by the real EcrClient (test/_inProcessEcr.ts); they use node:crypto
// and fake-indexeddb, so they are Node-only.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every part goes through SigV4, base64 JSON and the door's streaming parser, megabytes per test: past
    // vitest's 5 s default on a loaded machine.
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [{ test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' } }],
  },
});
