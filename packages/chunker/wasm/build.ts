/// <reference types="node" />
// `pnpm build:wasm`: writes src/sha256.wasm and src/_sha256WasmBase64.ts from wasm/sha256Wat.ts.
import { writeFileSync } from 'node:fs';
import { assembleSha256Wasm, base64ModuleSource } from './assemble.ts';

const bytes = await assembleSha256Wasm();
writeFileSync(new URL('../src/sha256.wasm', import.meta.url), bytes);
writeFileSync(new URL('../src/_sha256WasmBase64.ts', import.meta.url), base64ModuleSource(bytes));
console.log(`src/sha256.wasm: ${bytes.length} bytes`);
