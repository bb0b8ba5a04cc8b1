/**
 * The UploadLayerPart request body, built once per part: written straight into one buffer, and kept with its
 * SigV4 payload hash for as long as the part's bytes live, so a part prepared ahead or sent again costs nothing.
 * @module
 */
import { encodeBase64 } from '@edgecr/protocol';
import { sha256Hex } from './_sha256Hex.ts';

/** UploadLayerPart's input with the blob as bytes (never a base64 string: the client encodes it). */
export interface LayerPartInput {
  repositoryName: string;
  uploadId: string;
  partFirstByte: number;
  partLastByte: number;
  layerPartBlob: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * The UploadLayerPart body as bytes, exactly as `encodeRequest` would frame it with the blob as the last
 * member, but written straight into one buffer: the base64 text exists once, instead of again inside a
 * JSON string and again as UTF-8 (a 10 MiB part is a 14 MB body).
 * @example
 * const body = encodeLayerPartBody({ repositoryName, uploadId, partFirstByte: 0, partLastByte: 9, layerPartBlob });
 */
export function encodeLayerPartBody(input: LayerPartInput & { registryId?: string }): Uint8Array {
  const { layerPartBlob, ...members } = input;
  // `…,"layerPartBlob":""}` less its last two characters ends at the opening quote of the blob's value.
  const head = encoder.encode(JSON.stringify({ ...members, layerPartBlob: '' }).slice(0, -2));
  const base64 = encodeBase64(layerPartBlob);
  const body = new Uint8Array(head.length + base64.length + 2);
  body.set(head);
  encoder.encodeInto(base64, body.subarray(head.length));
  body[body.length - 2] = 0x22; // "
  body[body.length - 1] = 0x7d; // }
  return body;
}

/** A part's request body and SigV4 payload hash, built once however often the part is sent. */
export interface PreparedPart {
  /** The members besides the blob, as JSON: a part sent with other members is built again. */
  members: string;
  body: Uint8Array;
  payloadHash: Promise<string>;
}

/** The prepared bodies of one client, by part bytes: each lives as long as the bytes of its part. */
export class PreparedParts {
  readonly #bodies = new WeakMap<Uint8Array, PreparedPart>();

  /**
   * The body and payload hash of `input` (with the `registryId` it is sent with), built now unless the same
   * bytes were prepared with the same members; the bytes must not change once prepared.
   */
  get(input: LayerPartInput & { registryId?: string }): PreparedPart {
    const { layerPartBlob, ...rest } = input;
    const members = JSON.stringify(rest);
    const known = this.#bodies.get(layerPartBlob);
    if (known?.members === members) return known;
    const body = encodeLayerPartBody(input);
    const prepared = { members, body, payloadHash: sha256Hex(body) };
    // A part prepared and then abandoned (pause, cancel) must not leave an unhandled rejection behind.
    prepared.payloadHash.catch(() => {});
    this.#bodies.set(layerPartBlob, prepared);
    return prepared;
  }
}
