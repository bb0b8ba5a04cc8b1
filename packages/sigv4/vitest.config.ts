// The shared tests run in Node and inside workerd; test/node/ holds the cross-checks that need Node: the AWS
// SDK's signer (@smithy/signature-v4) and botocore through python3.
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

export default defineConfig({
  test: {
    // Inside workerd, Vite's module rewriting makes noble's SHA-256 much slower than in a bundled Worker.
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      ...runtimeProjects(['test/*.test.ts']),
      {
        extends: true,
        test: { name: 'node-crosscheck', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
