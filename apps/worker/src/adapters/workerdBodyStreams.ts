import type { BodyStreams } from '@edgecr/doors';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The doors' body streams on workerd's native parts: BYOB `readAtLeast` fills each chunk natively, one await
 * per MiB (gathering 4 KiB pieces in JavaScript took 1.7x as long, and a `TransformStream` 3x: the stage
 * bench, bench/workerd/stages.ts); WebCrypto's DigestStream hashes at ~1 GB/s; an IdentityTransformStream is
 * a byte pipe whose readable end crosses RPC to the upload object; a FixedLengthStream is how workerd sends a
 * streamed body with its Content-Length (it drops the header on any other stream).
 */
export const workerdBodyStreams: BodyStreams = {
  chunks(body, size) {
    const reader = body.getReader({ mode: 'byob' });
    let ended = false;
    return {
      async read() {
        if (ended) return { done: true, value: undefined };
        const { done, value } = await reader.readAtLeast(size, new Uint8Array(size));
        // Fewer bytes than asked for only at the end of the body.
        if (done || !value || value.length < size) ended = true;
        return value && value.length > 0 ? { done: false, value } : { done: true, value: undefined };
      },
      cancel: (reason) => reader.cancel(reason),
    };
  },
  sha256() {
    const stream = new crypto.DigestStream('SHA-256');
    const writer = stream.getWriter();
    return {
      write: (bytes) => writer.write(bytes),
      async digest() {
        await writer.close();
        return bytesToHex(new Uint8Array(await stream.digest));
      },
    };
  },
  pipe: (bytes) => new IdentityTransformStream({ highWaterMark: bytes }),
  sized: (length) => new FixedLengthStream(length),
};
