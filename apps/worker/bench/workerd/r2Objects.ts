// Bench-only Worker entry: the same bytes stored in local R2 as one object and as a multipart object, read back
// through the Worker, so the benchmark compares the two in the same stack (`wrangler dev`, wrangler.jsonc's
// LAYERS bucket). Every edgecr blob is a multipart object; the single object is what local R2 reads at the
// speed of its files.
//   PUT /<key>[?part=M]  stores the body (with its Content-Length), in parts of M bytes when `part` is given
//   GET /<key>           answers the object's body (a `Range: bytes=a-b` header is passed to R2)
//   GET /ping            answers a constant: the stack's own ceiling for small answers
export { LayerUpload, Registry } from '../../src/index.ts';

/** Stores the request's body under `key`: one `put`, or a multipart upload of `partSize`-byte parts. */
async function store(bucket: R2Bucket, key: string, body: ReadableStream, partSize?: number): Promise<void> {
  if (!partSize) {
    await bucket.put(key, body);
    return;
  }
  const upload = await bucket.createMultipartUpload(key);
  const parts: R2UploadedPart[] = [];
  const reader = body.getReader({ mode: 'byob' });
  for (;;) {
    const { value } = await reader.readAtLeast(partSize, new Uint8Array(partSize));
    if (!value || value.byteLength === 0) break;
    parts.push(await upload.uploadPart(parts.length + 1, value));
    if (value.byteLength < partSize) break;
  }
  await upload.complete(parts);
}

/** `bytes=a-b` as an R2 range; anything else reads the whole object. */
function range(header: string | null): R2Range | undefined {
  const match = /^bytes=(\d+)-(\d+)$/.exec(header ?? '');
  if (!match) return undefined;
  const offset = Number(match[1]);
  return { offset, length: Number(match[2]) - offset + 1 };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/ping') return Response.json({ ok: true });
    const key = `bench${url.pathname}`;
    if (request.method === 'PUT') {
      const part = url.searchParams.get('part');
      if (!request.body) return new Response('a body is required', { status: 400 });
      await store(env.LAYERS, key, request.body, part ? Number(part) : undefined);
      return new Response(null, { status: 204 });
    }
    const object = await env.LAYERS.get(key, { range: range(request.headers.get('range')) });
    return object ? new Response(object.body) : new Response('no such object', { status: 404 });
  },
} satisfies ExportedHandler<Env>;
