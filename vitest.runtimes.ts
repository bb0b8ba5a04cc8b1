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
      plugins: [
        cloudflareTest({
          miniflare: {
            compatibilityDate: COMPATIBILITY_DATE,
            // As wrangler does by default: a `.wasm` import is a compiled WebAssembly.Module (workerd cannot
            // compile at run time, so that is the only way wasm runs there).
            modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
          },
        }),
      ],
      test: { name: 'workerd', include },
    },
  ];
}
