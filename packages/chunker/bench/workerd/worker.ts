// The Worker `bench/workerd.ts` runs in workerd (bundled by wrangler, as the real Worker is): each request hashes
// `mib` MiB in 1 MiB updates with one implementation and answers the hex digest. The caller times the requests;
// inside workerd the clock only advances on I/O, so in-Worker timing would read zero.
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { SHA256_ENGINES, SHA512_ENGINES } from '../../src/_engines.ts';
import type { HashEngine } from '../../src/_hashCore.ts';
import { NOBLE_SHA256, NOBLE_SHA512 } from '../../src/_nobleSha2.ts';
import { ResumableSha256, ResumableSha512 } from '../../src/index.ts';
import sha256Wasm from '../../src/sha256.wasm';
import sha512Wasm from '../../src/sha512.wasm';
import { benchChunks as chunks } from './input.ts';

// What the upload Durable Object will do: hand the bundled module over once, at start-up.
ResumableSha256.useWasm(sha256Wasm);
ResumableSha512.useWasm(sha512Wasm);
const WASM = SHA256_ENGINES.current;
const WASM_512 = SHA512_ENGINES.current;

function resumable(engine: HashEngine): (mib: number) => string {
  return (mib) => {
    SHA256_ENGINES.set(engine);
    const hasher = new ResumableSha256();
    for (const chunk of chunks(mib)) hasher.update(chunk);
    return hasher.digestHex();
  };
}

function resumable512(engine: HashEngine): (mib: number) => string {
  return (mib) => {
    SHA512_ENGINES.set(engine);
    const hasher = new ResumableSha512();
    for (const chunk of chunks(mib)) hasher.update(chunk);
    return hasher.digestHex();
  };
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** workerd's streaming WebCrypto digest: not resumable, shown as the runtime's native ceiling. */
interface DigestStreamLike extends WritableStream<Uint8Array> {
  digest: Promise<ArrayBuffer>;
}
const { DigestStream } = crypto as unknown as { DigestStream: new (algorithm: string) => DigestStreamLike };

/** The contestants by name (the bench asks for them in `?run=`). */
const CONTESTANTS: Record<string, (mib: number) => string | Promise<string>> = {
  'ResumableSha256 (wasm)': resumable(WASM),
  'ResumableSha256 (noble)': resumable(NOBLE_SHA256),
  'noble sha256.create().update()': (mib) => {
    const hash = sha256.create();
    for (const chunk of chunks(mib)) hash.update(chunk);
    return hex(hash.digest());
  },
  'ResumableSha512 (wasm)': resumable512(WASM_512),
  'ResumableSha512 (noble)': resumable512(NOBLE_SHA512),
  'noble sha512.create().update()': (mib) => {
    const hash = sha512.create();
    for (const chunk of chunks(mib)) hash.update(chunk);
    return hex(hash.digest());
  },
  // What an OCI upload part costs: both digests of the same bytes, in one pass.
  'SHA-256 + SHA-512 (wasm, one pass)': (mib) => {
    SHA256_ENGINES.set(WASM);
    SHA512_ENGINES.set(WASM_512);
    const [a, b] = [new ResumableSha256(), new ResumableSha512()];
    for (const chunk of chunks(mib)) {
      a.update(chunk);
      b.update(chunk);
    }
    return `${a.digestHex()}:${b.digestHex()}`;
  },
  'crypto.DigestStream (not resumable)': async (mib) => {
    const stream = new DigestStream('SHA-256');
    const writer = stream.getWriter();
    for (const chunk of chunks(mib)) await writer.write(chunk);
    await writer.close();
    return hex(new Uint8Array(await stream.digest));
  },
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const run = CONTESTANTS[url.searchParams.get('run') ?? ''];
    if (!run) return new Response(`run= one of ${Object.keys(CONTESTANTS).join(', ')}`, { status: 400 });
    const hex = await run(Number(url.searchParams.get('mib') ?? 0));
    return Response.json({ hex });
  },
};
