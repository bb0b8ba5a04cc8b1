/** The size of the chunks a request body travels in to its upload object (as the ECR door sends them). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A request body regrouped into 1 MiB chunks for the RPC to the upload object: an incoming body arrives in
 * 4 KiB pieces, and each piece crossing RPC on its own costs more than its bytes. workerd's BYOB
 * `readAtLeast` fills each chunk natively, one await per MiB; gathering the pieces in JavaScript took 1.7x as
 * long as this (the stage bench, bench/workerd/stages.ts).
 */
export function rechunked(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  if (body === null) return new ReadableStream({ start: (controller) => controller.close() });
  const reader = body.getReader({ mode: 'byob' });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Fewer bytes than asked for only at the end of the body.
      const { done, value } = await reader.readAtLeast(CHUNK_BYTES, new Uint8Array(CHUNK_BYTES));
      if (value && value.length > 0) controller.enqueue(value);
      if (done || !value || value.length < CHUNK_BYTES) controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
