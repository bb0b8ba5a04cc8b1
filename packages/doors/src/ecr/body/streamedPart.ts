import { EcrError, streamOf, type UploadLayerPartRequest } from '@edgecr/protocol';
import type { Caller } from '../../auth/authenticate.ts';
import type { BodyStreams } from '../../body/bodyStreams.ts';
import type { StreamedUploadLayerPartRequest } from '../context.ts';
import { blobTooLarge } from './layerPartBlob.ts';
import { contentLength, type HashedBody, hashBody, unread } from './requestBody.ts';
import { MAX_UPLOAD_LAYER_PART_BODY_BYTES, readUploadLayerPartBody } from './uploadLayerPartBody.ts';

/** Decoded bytes buffered between the request parser and the upload object, so both keep working. */
const PIPE_BYTES = 1024 * 1024;

/**
 * How far a refused body is still read (and hashed, for the signature check) so that its client, which sends
 * the whole body before it reads the answer, gets the answer rather than a reset connection. Cloudflare's
 * request body limit on the Free and Pro plans: every body that reaches the Worker there is answered, at the
 * cost of time only (nothing is kept). A longer body is hopeless; it is answered at once, closing the connection.
 */
const MAX_DRAINED_BODY_BYTES = 100_000_000;

/**
 * Answers `error` after reading the rest of the body, so the client reads the answer; a caller whose signature
 * does not hold gets the signature error instead, as from AWS. A body past the drain bound is left unread.
 */
async function refuseAfterDraining(body: HashedBody, caller: Caller, error: EcrError): Promise<never> {
  // A body that breaks off while drained has no client left to answer.
  if (!(await body.drain(MAX_DRAINED_BODY_BYTES).catch(() => false))) throw unread(error);
  await caller.verify(await body.sha256);
  throw error;
}

/** The members that say where a part belongs; once all are read, its bytes can stream to the upload. */
const PLACEMENT = ['repositoryName', 'uploadId', 'partFirstByte', 'partLastByte'] as const;

/**
 * A writer that keeps the last chunk back until `commit`. The upload commits a part only when its stream ends
 * with every byte; ending it one chunk short is how a request found bad after its blob (a duplicate member,
 * trailing garbage, a bad signature) is abandoned without erroring the stream across RPC.
 */
class HoldBackWriter {
  private held: Uint8Array | undefined;
  constructor(private readonly writer: WritableStreamDefaultWriter<Uint8Array>) {}

  async write(chunk: Uint8Array): Promise<void> {
    const previous = this.held;
    this.held = chunk;
    if (previous) await this.writer.write(previous);
  }

  async commit(): Promise<void> {
    if (this.held) await this.writer.write(this.held);
    this.held = undefined;
    await this.writer.close();
  }

  async abandon(): Promise<void> {
    this.held = undefined;
    await this.writer.close().catch(() => undefined);
  }
}

/**
 * Runs UploadLayerPart on a request whose body streams. The body is parsed as it arrives; as soon as the
 * members that place the part are known (SDKs write the blob last) `run` gets the input, its blob a stream
 * of the decoded bytes, and the upload hashes them and writes R2 parts while the rest is still arriving.
 * Only a request read to its end, with a valid signature over the whole body, delivers the part's last
 * bytes, so a bad or forged one commits nothing.
 * @param check Validates and authorises the members, the blob stood in for by an empty placeholder (its
 *   bounds are enforced as it streams). Called when the part is placed and again over every member at the
 *   end, which refuses a placing member that appears twice with another value.
 * @param run The operation's handler.
 */
export async function runStreamedPart<T>(
  request: Request,
  streams: BodyStreams,
  caller: Caller,
  check: (raw: unknown) => UploadLayerPartRequest,
  run: (input: StreamedUploadLayerPartRequest) => Promise<T>,
): Promise<T> {
  const body = hashBody(request, streams);
  const pipe = streams.pipe(PIPE_BYTES);
  const sink = new HoldBackWriter(pipe.writable.getWriter());
  let placed: UploadLayerPartRequest | undefined;
  let call: Promise<T> | undefined;
  const send = (input: UploadLayerPartRequest, blob: ReadableStream<Uint8Array>) => {
    placed = input;
    call = run({ ...input, layerPartBlob: blob });
    // Awaited below; until then a refusal must not count as unhandled.
    call.catch(() => undefined);
  };
  const placeholder = (members: Record<string, unknown>) =>
    check({ ...members, layerPartBlob: new Uint8Array(0) });
  const declared = contentLength(request);
  if (declared !== null && declared > MAX_UPLOAD_LAYER_PART_BODY_BYTES) {
    // The part is too large whatever the body holds: ECR's answer is the blob's length constraint.
    if (declared > MAX_DRAINED_BODY_BYTES) throw unread(blobTooLarge());
    return await refuseAfterDraining(body, caller, blobTooLarge());
  }
  try {
    const reading = readUploadLayerPartBody(body, declared, (before) => {
      if (PLACEMENT.some((name) => before[name] === undefined)) return undefined;
      send(placeholder(before), pipe.readable);
      return sink;
    });
    const members = await reading.catch(async (error: unknown) => {
      if (error instanceof EcrError) await refuseAfterDraining(body, caller, error);
      throw error;
    });
    await caller.verify(await body.sha256);
    if (placed) {
      const input = placeholder(members);
      if (PLACEMENT.some((name) => input[name] !== placed?.[name])) {
        throw new EcrError(
          'SerializationException',
          'A member that places the part appears twice with different values',
        );
      }
      await sink.commit();
    } else {
      const input = check(members);
      send(input, streamOf(input.layerPartBlob as Uint8Array));
    }
    return await (call as Promise<T>);
  } catch (error) {
    await sink.abandon();
    const refusal = await call?.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    // A request error of our own (bad JSON, a bad member) is the answer. Otherwise the upload refused the part
    // (an unknown upload id, a wrong offset) and stopped reading, which is what broke our side: its answer.
    if (!(error instanceof EcrError) && refusal instanceof EcrError) throw refusal;
    throw error;
  }
}
