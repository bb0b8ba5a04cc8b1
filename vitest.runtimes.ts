// Shared Vitest projects for the packages that must run unchanged in every runtime: the same test files run
// once in Node and once inside workerd (the Cloudflare Workers runtime, through @cloudflare/vitest-plugin).
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, type TestProjectInlineConfiguration } from 'vitest/config';

const COMPATIBILITY_DATE = '2025-11-17';

/** The projects running `include` (less `exclude`) in Node and in workerd. */
export function runtimeProjects(include: string[], exclude: string[] = []): TestProjectInlineConfiguration[] {
  const excluded = [...configDefaults.exclude, ...exclude];
  return [
    { extends: true, test: { name: 'node', include, exclude: excluded, environment: 'node' } },
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
      test: { name: 'workerd', include, exclude: excluded },
    },
  ];
}
