/// <reference types="node" />
// The same test files run in Node, in workerd and in Chromium; test/node/ holds the few that need node:crypto.

import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@edgecr/testkit/chromium';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

const SHARED_TESTS = ['test/*.test.ts'];

export default defineConfig({
  test: {
    // Inside the workerd pool, Vite rewrites noble's internal imports into module-namespace lookups
    // (`(0, __vite_ssr_import_2__.rotr)(…)`), which makes its SHA-256 about 30x slower than in a bundled Worker:
    // the few tests at real 5 MiB part sizes need more than the default 5 s there.
    testTimeout: 60_000,
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      ...runtimeProjects(SHARED_TESTS),
      {
        extends: true,
        test: { name: 'node-crypto', include: ['test/node/**/*.test.ts'], environment: 'node' },
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
