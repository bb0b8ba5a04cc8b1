/** The size of the chunks a request body travels in to its upload object (as the ECR door sends them). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A request body regrouped into 1 MiB chunks for the RPC to the upload object: an incoming body arrives in
 * pieces of a few KiB, and each piece crossing RPC on its own costs more than its bytes.
 */
export function rechunked(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  if (body === null) return new ReadableStream({ start: (controller) => controller.close() });
  const reader = body.getReader();
  let leftover: Uint8Array = new Uint8Array(0);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = new Uint8Array(CHUNK_BYTES);
      let filled = 0;
      for (;;) {
        let piece = leftover;
        leftover = new Uint8Array(0);
        if (piece.length === 0) {
          const { done, value } = await reader.read();
          if (done) {
            if (filled > 0) controller.enqueue(buffer.subarray(0, filled));
            controller.close();
            return;
          }
          piece = value;
        }
        const taken = Math.min(CHUNK_BYTES - filled, piece.length);
        buffer.set(piece.subarray(0, taken), filled);
        filled += taken;
        leftover = piece.subarray(taken);
        if (filled === CHUNK_BYTES) {
          controller.enqueue(buffer);
          return;
        }
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
