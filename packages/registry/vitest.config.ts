// The rules' tests run in Node and inside workerd against the memory adapter; the Cloudflare adapters run the
// same conformance suite in apps/worker.
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      ...runtimeProjects(['test/**/*.test.ts'], ['test/faults/**', 'test/upstream/**']),
      // The pull-through cache's upstream session against real registries that the global setup starts (Node
      // processes), reached over loopback from both runtimes.
      ...runtimeProjects(['test/upstream/**/*.test.ts']).map((project) => ({
        ...project,
        test: {
          ...project.test,
          name: `${project.test?.name}-upstream`,
          globalSetup: ['test/upstream/_upstreams.ts'],
        },
      })),
      // The fault simulation runs thousands of schedules of the runtime-neutral rules: once, in Node, where
      // it hashes what it reads back natively.
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], environment: 'node' } },
    ],
  },
});
