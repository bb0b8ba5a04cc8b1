/**
 * Reading a fetched body in large pieces, as fast as it arrives.
 * @module
 */

/**
 * `body` read in pieces of up to `max` bytes: whatever has arrived at each read (a BYOB read, on a body that
 * supports one, as fetch bodies do), so a fast transfer moves in few large pieces and a slow one still
 * streams its bytes at once. A fetch body otherwise comes in pieces of a few KiB, each costing a turn of
 * every stream it passes through; read this way, the pull-through path spends its time on bytes. A piece
 * that fills little of its buffer is copied out, so no small piece holds a large buffer.
 * @example
 * const pieces = largeReads(response.body, 1024 * 1024);
 */
export function largeReads(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: 'byob' });
  } catch {
    return body;
  }
  let buffer: ArrayBuffer | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read(new Uint8Array(buffer ?? new ArrayBuffer(max)));
        buffer = undefined;
        if (done || !value) return controller.close();
        if (value.byteLength * 4 >= max) return controller.enqueue(value);
        controller.enqueue(value.slice());
        buffer = value.buffer as ArrayBuffer;
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
