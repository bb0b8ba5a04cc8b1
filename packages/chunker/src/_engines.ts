/**
 * The engine slots of the two variants, made when the package loads (see `_engineSlot.ts`).
 * @module
 */
import { EngineSlot } from './_engineSlot.ts';
import { NOBLE_SHA256, NOBLE_SHA512 } from './_nobleSha2.ts';
import { SHA256_SPEC, SHA512_SPEC } from './_sha2Specs.ts';
import { SHA256_WASM_BASE64 } from './_sha256WasmBase64.ts';
import { SHA512_WASM_BASE64 } from './_sha512WasmBase64.ts';

/** Which implementation new `ResumableSha256` hashers use. */
export const SHA256_ENGINES = new EngineSlot(SHA256_SPEC, SHA256_WASM_BASE64, 'sha256.wasm', NOBLE_SHA256);

/** Which implementation new `ResumableSha512` hashers use. */
export const SHA512_ENGINES = new EngineSlot(SHA512_SPEC, SHA512_WASM_BASE64, 'sha512.wasm', NOBLE_SHA512);
