// Shared Vitest projects for the packages that must run unchanged in every runtime: the same test files run
// once in Node and once inside workerd (the Cloudflare Workers runtime, through @cloudflare/vitest-plugin).
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const COMPATIBILITY_DATE = '2025-11-17';

export function runtimeProjects(include: string[]): TestProjectInlineConfiguration[] {
  return [
    { extends: true, test: { name: 'node', include, environment: 'node' } },
    {
      extends: true,
      plugins: [cloudflareTest({ miniflare: { compatibilityDate: COMPATIBILITY_DATE } })],
      test: { name: 'workerd', include },
    },
  ];
}
