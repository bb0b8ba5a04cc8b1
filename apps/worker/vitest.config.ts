import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** The signing key tests give the Worker; production reads it from a secret. */
const TEST_URL_SIGNING_KEY = 'edgecr-test-url-signing-key';

/** The keys the workerd tests sign with (test/integration/_api.ts names them). */
const TEST_CREDENTIALS = {
  AKIAEDGECRLOCALDEV01: {
    secretAccessKey: 'edgecr-local-dev-secret',
    registryId: '123456789012',
    permission: 'admin',
  },
  AKIAEDGECRPULLONLY01: {
    secretAccessKey: 'edgecr-test-pull-secret',
    registryId: '123456789012',
    permission: 'pull',
  },
  AKIAEDGECRTEAMAPUSH1: {
    secretAccessKey: 'edgecr-test-team-a-secret',
    registryId: '123456789012',
    permission: 'push',
    repositoryPrefixes: ['team-a/'],
  },
  AKIAEDGECROTHERREG01: {
    secretAccessKey: 'edgecr-test-other-secret',
    registryId: '210987654321',
    permission: 'admin',
  },
};

/** The Worker's bindings in workerd, the same for the plain and the fault-injected entry. */
const WORKERD_BINDINGS = {
  URL_SIGNING_KEY: TEST_URL_SIGNING_KEY,
  EDGECR_CREDENTIALS: JSON.stringify(TEST_CREDENTIALS),
  ALLOWED_ORIGINS: 'https://uploader.example',
};

export default defineConfig({
  test: {
    // .ci/run adds up every package's report (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/report.json' }]],
    projects: [
      {
        // Inside workerd with real R2, Durable Objects and alarms (miniflare), through the Worker's fetch.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: {
              bindings: WORKERD_BINDINGS,
            },
          }),
        ],
        test: { name: 'workerd', include: ['test/integration/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        // The same Worker with R2 behind a fault schedule (test/faults/entry.ts): failed, timed-out calls and
        // objects reset mid-request.
        plugins: [
          cloudflareTest({
            main: './test/faults/entry.ts',
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: { bindings: WORKERD_BINDINGS },
          }),
        ],
        test: { name: 'faults', include: ['test/faults/**/*.test.ts'], testTimeout: 120_000 },
      },
      {
        // Real clients (AWS SDK v3, AWS CLI) against a real `wrangler dev` process started by the setup.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
