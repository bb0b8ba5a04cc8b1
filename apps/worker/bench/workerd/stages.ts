// Bench-only Worker: each upload stage's primitive, on its own, inside workerd, on the bytes of one 20 MiB
// UploadLayerPart. workerd's clock stands still while JavaScript runs (it moves only on I/O), so the caller
// times each request from outside and subtracts an empty request's time.
//
// POST /load      keeps the body (an UploadLayerPart JSON) and its decoded blob for the stages below
// POST /read      reads the request body to its end (the Worker's request body read)
// POST /read-hash reads it through a TransformStream into DigestStream (the SigV4 payload hash, as hashBody does)
// GET  /decode    TextDecoder + JSON.parse + Uint8Array.fromBase64 on the kept body (JSON + base64 decode)
// GET  /rpc       the blob in 1 MiB chunks through an IdentityTransformStream to a Durable Object over RPC
// GET  /digest    DigestStream over the blob in 1 MiB writes (the per-part digest)
// GET  /r2        the blob as two 10 MiB R2 multipart parts, awaited one by one (the R2 part writes)
// GET  /noble     @noble/hashes SHA-256 over the blob in 1 MiB updates (the layer digest)
// GET  /noop      nothing (the request's own cost)
import { DurableObject } from 'cloudflare:workers';
import { sha256 } from '@noble/hashes/sha2.js';

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
}

const stages: Record<string, (request: Request, env: Env, blob: Uint8Array) => Promise<unknown>> = {
  read: (request) => readAll(request.body),
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
  decode: async () => decode((kept as { body: Uint8Array }).body).length,
  rpc: async (_request, env, blob) => {
    const pipe = new IdentityTransformStream({ highWaterMark: CHUNK });
    const received = env.SINK.get(env.SINK.idFromName('sink')).consume(pipe.readable);
    const writer = pipe.writable.getWriter();
    for (const chunk of chunks(blob)) await writer.write(chunk);
    await writer.close();
    const length = await received;
    if (length !== blob.length) throw new Error(`the object received ${length} of ${blob.length} bytes`);
    return length;
  },
  digest: async (_request, _env, blob) => {
    const digest = new crypto.DigestStream('SHA-256');
    const writer = digest.getWriter();
    for (const chunk of chunks(blob)) await writer.write(chunk);
    await writer.close();
    return digest.digest;
  },
  r2: async (_request, env, blob) => {
    const upload = await env.BUCKET.createMultipartUpload('stage');
    for (let offset = 0, part = 1; offset < blob.length; offset += R2_PART, part++)
      await upload.uploadPart(part, blob.subarray(offset, offset + R2_PART));
    await upload.abort();
  },
  noble: async (_request, _env, blob) => {
    const hash = sha256.create();
    for (const chunk of chunks(blob)) hash.update(chunk);
    return hash.digest();
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
