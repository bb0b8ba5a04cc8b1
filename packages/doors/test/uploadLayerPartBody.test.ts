import { testLayerBytes as randomBytes } from '@edgecr/chunker/testing';
import { EcrError, encodeBase64, MAX_LAYER_PART_BYTES } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { readUploadLayerPartBody, STREAMED_BLOB_LENGTH } from '../src/ecr/body/uploadLayerPartBody.ts';

const encoder = new TextEncoder();

/** A body stream that delivers `text` in chunks cut at the given offsets. */
function streamOf(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i + 1 < edges.length; i++) controller.enqueue(bytes.slice(edges[i], edges[i + 1]));
      controller.close();
    },
  });
}

async function errorOf(promise: Promise<unknown>): Promise<EcrError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EcrError) return error;
    throw error;
  }
  throw new Error('expected an EcrError');
}

describe('readUploadLayerPartBody', () => {
  const blob = randomBytes(301, 9);
  const members = {
    registryId: '123456789012',
    repositoryName: 'a/b',
    uploadId: '0a2b3c4d-0000-4000-8000-000000000000',
    partFirstByte: 0,
    partLastByte: 300,
  };
  const text = ` { "repositoryName" : "a\\/b", "uploadId":"${members.uploadId}","layerPartBlob":"${encodeBase64(blob)}",
    "partFirstByte":0,"partLastByte" :300, "registryId":"123456789012" } `;

  it('reads the same members as JSON.parse whatever the chunking', async () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const parsed = await readUploadLayerPartBody(streamOf(text, [cut, cut + 1, cut + 5]), text.length);
      expect(parsed).toEqual({ ...members, layerPartBlob: blob });
    }
  });

  it('keeps nested values and literals of other members as JSON has them', async () => {
    const parsed = await readUploadLayerPartBody(
      streamOf('{"a":{"b":[1,"}",{"c":null}]},"d":true,"e":-1.5e3,"layerPartBlob":""}', [3, 9, 17]),
      null,
    );
    expect(parsed).toEqual({
      a: { b: [1, '}', { c: null }] },
      d: true,
      e: -1500,
      layerPartBlob: new Uint8Array(0),
    });
  });

  it.each([
    ['not an object', '[1]'],
    ['truncated', '{"uploadId":"x"'],
    ['trailing data', '{"a":1} x'],
    ['a trailing comma', '{"a":1,}'],
    ['a blob with escapes', '{"layerPartBlob":"AA\\u003d="}'],
    ['a blob that is not base64', '{"layerPartBlob":"A$=="}'],
    ['a blob without padding', '{"layerPartBlob":"AAA"}'],
    ['a broken number', '{"a":1-2}'],
  ])('answers %s with SerializationException', async (_label, body) => {
    expect((await errorOf(readUploadLayerPartBody(streamOf(body, [2]), body.length))).code).toBe(
      'SerializationException',
    );
  });

  it('stops at a blob over the maximum part size with InvalidParameterException', async () => {
    const big = 'A'.repeat(Math.ceil((MAX_LAYER_PART_BYTES + 3) / 3) * 4);
    const body = `{"layerPartBlob":"${big}"}`;
    const error = await errorOf(readUploadLayerPartBody(streamOf(body, [65536]), null));
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).toContain("'layerPartBlob'");
  });
});

describe('readUploadLayerPartBody with a sink', () => {
  it('streams the blob to the sink once the members before it are read, in order and complete', async () => {
    const blob = randomBytes(200_000, 3);
    const text = `{"uploadId":"u","partFirstByte":0,"layerPartBlob":"${encodeBase64(blob)}","partLastByte":199999}`;
    const received: Uint8Array[] = [];
    let seen: Record<string, unknown> | undefined;
    const sink = new WritableStream<Uint8Array>({ write: (chunk) => void received.push(chunk) }).getWriter();
    const members = await readUploadLayerPartBody(
      streamOf(text, [100, 5000, 70_000, 150_000]),
      null,
      (before) => {
        seen = { ...before };
        return sink;
      },
    );
    expect(seen).toEqual({ uploadId: 'u', partFirstByte: 0 });
    expect(members).toEqual({
      uploadId: 'u',
      partFirstByte: 0,
      partLastByte: 199_999,
      [STREAMED_BLOB_LENGTH]: 200_000,
    });
    const joined = new Uint8Array(200_000);
    let offset = 0;
    for (const chunk of received) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    expect(offset).toBe(200_000);
    expect(joined).toEqual(blob);
  });

  it('refuses a second blob member', async () => {
    const body = '{"layerPartBlob":"AA==","layerPartBlob":"AA=="}';
    expect((await errorOf(readUploadLayerPartBody(streamOf(body, []), body.length))).code).toBe(
      'SerializationException',
    );
  });
});
