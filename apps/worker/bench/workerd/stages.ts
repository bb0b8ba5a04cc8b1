// Bench-only Worker: each upload stage's primitive, on its own, inside workerd, on the bytes of one 20 MiB
// UploadLayerPart. workerd's clock stands still while JavaScript runs (it moves only on I/O), so the caller
// times each request from outside and subtracts an empty request's time.
//
// POST /load      keeps the body (an UploadLayerPart JSON) and its decoded blob for the stages below
// POST /read      reads the request body to its end, 1 MiB at a time (workerd's BYOB readAtLeast)
// POST /read-loop the same through the ECR door's hashBody: each MiB into a DigestStream (the SigV4 payload hash)
// POST /read-4k   reads it in the 4 KiB pieces workerd delivers by default (the body read, as it was)
// POST /read-hash reads them through a TransformStream into DigestStream (the SigV4 payload hash, as it was)
// POST /read-tee  tees it: one branch piped into DigestStream, the other read (the SigV4 hash by tee)
// POST /raw       reads a raw body (an OCI PATCH) through the OCI door's rechunked(): 1 MiB BYOB reads
// POST /raw-4k    reads it in 4 KiB pieces gathered into 1 MiB chunks in JavaScript (the OCI door, as it was)
// GET  /decode    TextDecoder + JSON.parse + Uint8Array.fromBase64 on the kept body (JSON + base64 decode)
// GET  /rpc       the blob in 1 MiB chunks through an IdentityTransformStream to a Durable Object over RPC
// GET  /rpc-r2   the same stream, the object laying it out into 10 MiB R2 parts, each awaited before reading on
// GET  /rpc-r2-overlap  the same, one R2 part in flight while the next fills (as PartLayout does)
// GET  /rpc-r2-overlap-20  the same with 20 MiB R2 parts
// GET  /r2        the blob as two 10 MiB R2 multipart parts, awaited one by one (the R2 part writes)
// GET  /r2-20     the blob as one 20 MiB R2 part
// GET  /noble     @noble/hashes SHA-256 over the blob in 1 MiB updates (the layer digest, as it was)
// GET  /wasm      ResumableSha256 on the bundled sha256.wasm, 1 MiB updates (the layer digest, as it is)
// GET  /wasm512   ResumableSha512 on the bundled sha512.wasm, 1 MiB updates (the OCI door's second digest)
// GET  /noop      nothing (the request's own cost)
import { DurableObject } from 'cloudflare:workers';
import { ResumableSha256, ResumableSha512 } from '@edgecr/chunker';
import sha256Wasm from '@edgecr/chunker/sha256.wasm';
import sha512Wasm from '@edgecr/chunker/sha512.wasm';
import { hashBody, rechunked } from '@edgecr/doors';
import { sha256 } from '@noble/hashes/sha2.js';
import { workerdBodyStreams } from '../../src/adapters/workerdBodyStreams.ts';

ResumableSha256.useWasm(sha256Wasm);
ResumableSha512.useWasm(sha512Wasm);

interface Env {
  SINK: DurableObjectNamespace<Sink>;
  BUCKET: R2Bucket;
}

const CHUNK = 1024 * 1024;
const R2_PART = 10 * CHUNK;

/** The last body /load received, and its blob decoded. */
let kept: { body: Uint8Array; blob: Uint8Array } | undefined;

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<number> {
  let length = 0;
  if (!stream) return length;
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) length += next.value.length;
  return length;
}

function decode(body: Uint8Array): Uint8Array {
  const members = JSON.parse(new TextDecoder().decode(body)) as { layerPartBlob: string };
  return (Uint8Array as unknown as { fromBase64(text: string): Uint8Array }).fromBase64(
    members.layerPartBlob,
  );
}

function* chunks(bytes: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) yield bytes.subarray(offset, offset + CHUNK);
}

/** Receives a stream over RPC and counts it: the far end of the Worker → upload object stream. */
export class Sink extends DurableObject<Env> {
  consume(stream: ReadableStream<Uint8Array>): Promise<number> {
    return readAll(stream);
  }

  /** Lays the stream out into R2 parts of `partSize`; `overlap` keeps one part in flight while the next fills. */
  async toR2(stream: ReadableStream<Uint8Array>, overlap: boolean, partSize = R2_PART): Promise<number> {
    const upload = await this.env.BUCKET.createMultipartUpload('stage');
    let part = 1;
    let fill = 0;
    let buffer = new Uint8Array(partSize);
    let inFlight: Promise<unknown> = Promise.resolve();
    const flush = async (bytes: Uint8Array) => {
      await inFlight;
      inFlight = upload.uploadPart(part++, bytes);
      if (!overlap) await inFlight;
    };
    let length = 0;
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      buffer.set(next.value, fill);
      fill += next.value.length;
      length += next.value.length;
      if (fill === partSize) {
        await flush(buffer);
        buffer = new Uint8Array(partSize);
        fill = 0;
      }
    }
    await inFlight;
    await upload.abort();
    return length;
  }
}

/** The blob in 1 MiB chunks through an IdentityTransformStream to the Sink object, which `consume`s it. */
async function streamToSink(
  env: Env,
  blob: Uint8Array,
  consume: (sink: DurableObjectStub<Sink>, stream: ReadableStream<Uint8Array>) => Promise<number>,
): Promise<number> {
  const pipe = new IdentityTransformStream({ highWaterMark: CHUNK });
  const received = consume(env.SINK.get(env.SINK.idFromName('sink')), pipe.readable);
  const writer = pipe.writable.getWriter();
  for (const chunk of chunks(blob)) await writer.write(chunk);
  await writer.close();
  const length = await received;
  if (length !== blob.length) throw new Error(`the object received ${length} of ${blob.length} bytes`);
  return length;
}

/** The blob as R2 multipart parts of `partSize`, awaited one by one. */
async function r2Parts(env: Env, blob: Uint8Array, partSize: number): Promise<void> {
  const upload = await env.BUCKET.createMultipartUpload('stage');
  for (let offset = 0, part = 1; offset < blob.length; offset += partSize, part++)
    await upload.uploadPart(part, blob.subarray(offset, offset + partSize));
  await upload.abort();
}

/** Reads a byte stream in chunks of at least `CHUNK` bytes (workerd's BYOB `readAtLeast`). */
async function readByob(stream: ReadableStream<Uint8Array> | null): Promise<number> {
  if (!stream) return 0;
  const reader = stream.getReader({ mode: 'byob' });
  let length = 0;
  for (;;) {
    const { done, value } = await reader.readAtLeast(CHUNK, new Uint8Array(CHUNK));
    if (value) length += value.length;
    if (done || !value || value.length < CHUNK) break;
  }
  return length;
}

/** The body's 4 KiB pieces gathered into 1 MiB chunks in JavaScript: how the OCI door regrouped bodies before. */
function gathered(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let leftover: Uint8Array = new Uint8Array(0);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = new Uint8Array(CHUNK);
      let filled = 0;
      while (filled < CHUNK) {
        let piece = leftover;
        if (piece.length === 0) {
          const { done, value } = await reader.read();
          if (done) {
            if (filled > 0) controller.enqueue(buffer.subarray(0, filled));
            controller.close();
            return;
          }
          piece = value;
        }
        const taken = Math.min(CHUNK - filled, piece.length);
        buffer.set(piece.subarray(0, taken), filled);
        filled += taken;
        leftover = piece.subarray(taken);
      }
      controller.enqueue(buffer);
    },
  });
}

const stages: Record<string, (request: Request, env: Env, blob: Uint8Array) => Promise<unknown>> = {
  read: (request) => readByob(request.body),
  'read-loop': async (request) => {
    const body = hashBody(request, workerdBodyStreams);
    for (let next = await body.read(); !next.done; next = await body.read());
    return body.sha256;
  },
  'read-4k': (request) => readAll(request.body),
  'read-hash': async (request) => {
    const digest = new crypto.DigestStream('SHA-256');
    const writer = digest.getWriter();
    const hashed = (request.body as ReadableStream<Uint8Array>).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        async transform(chunk, controller) {
          await writer.write(chunk);
          controller.enqueue(chunk);
        },
        async flush() {
          await writer.close();
        },
      }),
    );
    await readAll(hashed);
    return digest.digest;
  },
  'read-tee': async (request) => {
    const [forHash, forReader] = (request.body as ReadableStream<Uint8Array>).tee();
    const digest = new crypto.DigestStream('SHA-256');
    const hashed = forHash.pipeTo(digest);
    await readAll(forReader);
    await hashed;
    return digest.digest;
  },
  raw: (request) => readAll(rechunked(workerdBodyStreams, request.body, CHUNK)),
  'raw-4k': (request) => readAll(gathered(request.body as ReadableStream<Uint8Array>)),
  decode: async () => decode((kept as { body: Uint8Array }).body).length,
  rpc: (_request, env, blob) => streamToSink(env, blob, (sink, stream) => sink.consume(stream)),
  'rpc-r2': (_request, env, blob) => streamToSink(env, blob, (sink, stream) => sink.toR2(stream, false)),
  'rpc-r2-overlap': (_request, env, blob) =>
    streamToSink(env, blob, (sink, stream) => sink.toR2(stream, true)),
  'rpc-r2-overlap-20': (_request, env, blob) =>
    streamToSink(env, blob, (sink, stream) => sink.toR2(stream, true, 2 * R2_PART)),
  r2: (_request, env, blob) => r2Parts(env, blob, R2_PART),
  'r2-20': (_request, env, blob) => r2Parts(env, blob, 2 * R2_PART),
  noble: async (_request, _env, blob) => {
    const hash = sha256.create();
    for (const chunk of chunks(blob)) hash.update(chunk);
    return hash.digest();
  },
  wasm: async (_request, _env, blob) => {
    if (ResumableSha256.implementation !== 'wasm') throw new Error('the wasm SHA-256 did not load');
    const hash = new ResumableSha256();
    for (const chunk of chunks(blob)) hash.update(chunk);
    return hash.digestHex();
  },
  wasm512: async (_request, _env, blob) => {
    if (ResumableSha512.implementation !== 'wasm') throw new Error('the wasm SHA-512 did not load');
    const hash = new ResumableSha512();
    for (const chunk of chunks(blob)) hash.update(chunk);
    return hash.digestHex();
  },
  noop: async () => undefined,
};

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.slice(1);
    if (name === 'load') {
      const body = new Uint8Array(await request.arrayBuffer());
      kept = { body, blob: decode(body) };
      return new Response(String(kept.blob.length));
    }
    const stage = stages[name];
    if (!stage) return new Response(`no stage ${name}`, { status: 404 });
    if (!kept && request.method === 'GET') return new Response('POST /load first', { status: 409 });
    await stage(request, env, kept?.blob ?? new Uint8Array(0));
    return new Response('ok');
  },
} satisfies ExportedHandler<Env>;
