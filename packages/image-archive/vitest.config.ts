/// <reference types="node" />
// The same test files run in Node, inside workerd and in Chromium: the reader uses web-platform APIs only, and
// the page's end-to-end tests build their archives with the fixtures in Chromium. test/node/ holds the tests of
// the Node-only subpath (@edgecr/image-archive/node).

import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@edgecr/testkit/chromium';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

const SHARED_TESTS = ['test/*.test.ts'];

export default defineConfig({
  test: {
    // The large-archive test streams a 200 MiB layer through JS streams, several times slower in workerd and
    // Chromium than in Node on a shared 2-core machine.
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      ...runtimeProjects(SHARED_TESTS),
      {
        extends: true,
        test: { name: 'node-files', include: ['test/node/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: SHARED_TESTS,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
