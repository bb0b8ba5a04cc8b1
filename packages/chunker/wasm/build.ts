/// <reference types="node" />
// `pnpm build:wasm`: writes src/<name>.wasm and src/_<name>WasmBase64.ts from wasm/<name>Wat.ts.
import { writeFileSync } from 'node:fs';
import { assembleWasm, base64ModuleSource, HASH_MODULES, type HashModuleName } from './assemble.ts';

for (const name of Object.keys(HASH_MODULES) as HashModuleName[]) {
  const bytes = await assembleWasm(name);
  writeFileSync(new URL(`../src/${name}.wasm`, import.meta.url), bytes);
  writeFileSync(new URL(`../src/_${name}WasmBase64.ts`, import.meta.url), base64ModuleSource(name, bytes));
  console.log(`src/${name}.wasm: ${bytes.length} bytes`);
}
