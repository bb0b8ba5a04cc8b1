// The same test files run in Node and inside workerd: the reader uses web-platform APIs only. test/node/ holds
// the tests of the Node-only subpath (@edgecr/image-archive/node).
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

export default defineConfig({
  test: {
    // Building the fixtures hashes them with @edgecr/chunker's noble SHA-256, which Vite's module rewriting
    // slows inside workerd.
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      ...runtimeProjects(['test/*.test.ts']),
      // test/node/ holds the Node-only sources the CLI uses: a tar on disk and a directory.
      {
        extends: true,
        test: { name: 'node-files', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
