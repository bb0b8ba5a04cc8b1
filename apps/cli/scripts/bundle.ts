/**
 * Builds `dist/main.js`: the CLI and the edgecr packages it uses (`@edgecr/*`, workspace packages that are
 * never published) bundled into one ES module by esbuild, while every npm package stays an `import` of a real
 * dependency. So `pnpm pack` gives a tarball that installs anywhere with npm alone: no `workspace:` reference
 * left to resolve, and the AWS SDK, the tar writer and the rest come from the registry as ordinary
 * dependencies, deduplicated and updatable, instead of copied into the file.
 *
 * An npm package that a bundled file imports but the CLI's package.json does not list would be missing from an
 * installed tarball: the build fails naming it rather than shipping a CLI that fails on first use.
 * @module
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  engines: { node: string };
};

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** Bundles `@edgecr/*`, leaves Node's modules and the listed dependencies as imports, refuses anything else. */
const dependenciesOnly: Plugin = {
  name: 'dependencies-only',
  setup(bundle) {
    const builtins = new Set(builtinModules);
    bundle.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      const name = packageOf(path);
      if (name === '@edgecr' || name.startsWith('@edgecr/')) return undefined;
      if (path.startsWith('node:') || builtins.has(name)) return { path, external: true };
      if (Object.hasOwn(manifest.dependencies, name)) return { path, external: true };
      return {
        errors: [
          { text: `${importer} imports ${name}, which is not in @edgecr/cli's dependencies: add it there` },
        ],
      };
    });
  },
};

/** Writes `dist/main.js` (with its shebang, from `src/main.ts`). */
export async function bundle(): Promise<void> {
  await build({
    entryPoints: [`${root}src/main.ts`],
    outfile: `${root}dist/main.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest Node the package accepts (engines), so the file runs there.
    target: `node${/\d+/.exec(manifest.engines.node)?.[0]}`,
    plugins: [dependenciesOnly],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
