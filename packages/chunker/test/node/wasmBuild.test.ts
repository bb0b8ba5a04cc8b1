/// <reference types="node" />
// Node only (needs the file system and wabt): the committed sha256.wasm and sha512.wasm and their base64 copies
// are exactly what the sources assemble to, every variant of the SHA-256 source computes SHA-256, and useWasm
// refuses modules that are not the one it expects.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { SHA256_WASM_BASE64 } from '../../src/_sha256WasmBase64.ts';
import { SHA512_WASM_BASE64 } from '../../src/_sha512WasmBase64.ts';
import { ResumableSha256, ResumableSha512 } from '../../src/index.ts';
import { assembleWasm, base64ModuleSource, type HashModuleName } from '../../wasm/assemble.ts';
import { type Sha256WatOptions, sha256Wat } from '../../wasm/sha256Wat.ts';
import { sha512Wat } from '../../wasm/sha512Wat.ts';

const committed = (name: string): Buffer => readFileSync(new URL(`../../src/${name}`, import.meta.url));

async function compile(text: string): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('test.wat', text, { simd: true });
  try {
    module.validate();
    return WebAssembly.compile(new Uint8Array(module.toBinary({}).buffer));
  } finally {
    module.destroy();
  }
}

const EMBEDDED: Record<HashModuleName, string> = { sha256: SHA256_WASM_BASE64, sha512: SHA512_WASM_BASE64 };

describe('the committed modules are built from wasm/', () => {
  for (const name of ['sha256', 'sha512'] as const) {
    it(`src/${name}.wasm and src/_${name}WasmBase64.ts match wasm/${name}Wat.ts (run \`pnpm build:wasm\` if not)`, async () => {
      const bytes = await assembleWasm(name);
      expect(Buffer.compare(committed(`${name}.wasm`), bytes)).toBe(0);
      expect(committed(`_${name}WasmBase64.ts`).toString('utf8')).toBe(base64ModuleSource(name, bytes));
      expect(EMBEDDED[name]).toBe(Buffer.from(bytes).toString('base64'));
    });
  }
});

describe('every variant of wasm/sha256Wat.ts computes SHA-256', () => {
  const variants: Sha256WatOptions[] = [];
  for (const loads of ['scalar', 'simd'] as const)
    for (const sigma of ['spread', 'chained'] as const)
      for (const maj of ['plain', 'carry'] as const) variants.push({ loads, sigma, maj });
  for (const variant of variants) {
    it(`variant ${JSON.stringify(variant)} matches node:crypto`, async () => {
      ResumableSha256.useWasm(await compile(sha256Wat(variant)));
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat({ max: 2000 }), (data, cut) => {
          const hasher = new ResumableSha256().update(data.subarray(0, cut)).update(data.subarray(cut));
          expect(hasher.digestHex()).toBe(createHash('sha256').update(data).digest('hex'));
        }),
        { numRuns: 50 },
      );
    });
  }
});

describe('ResumableSha256.useWasm refuses other modules', () => {
  it('a module without the exports of sha256.wasm', async () => {
    await expect(async () => ResumableSha256.useWasm(await compile('(module)'))).rejects.toThrow(
      /expected the compiled sha256\.wasm/,
    );
  });
  it('a SHA-256 module handed to ResumableSha512', async () => {
    await expect(async () => ResumableSha512.useWasm(await compile(sha256Wat()))).rejects.toThrow(
      /sha512\.wasm does not compute SHA-512 \(known-answer check failed\)/,
    );
  });
  it('a SHA-512 module with one round constant off', async () => {
    const broken = sha512Wat().replace('(i64.const 4794697086780616226)', '(i64.const 1)');
    expect(broken).not.toBe(sha512Wat());
    await expect(async () => ResumableSha512.useWasm(await compile(broken))).rejects.toThrow(
      /known-answer check failed/,
    );
  });
  it('a module that computes something else', async () => {
    // One round constant off: instantiates fine, hashes wrong.
    const broken = sha256Wat().replace(`(i32.const ${0x428a2f98})`, '(i32.const 1)');
    expect(broken).not.toBe(sha256Wat());
    await expect(async () => ResumableSha256.useWasm(await compile(broken))).rejects.toThrow(
      /known-answer check failed/,
    );
  });
});
