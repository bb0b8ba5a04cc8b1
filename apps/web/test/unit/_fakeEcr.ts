// An in-memory ECR for engine tests: the layer calls with the Worker's rules (parts in order, the last part
// accepted again when sent again unchanged, InvalidLayerPartException with lastValidByteReceived), plus fault
// injection.
import { createHash } from 'node:crypto';
import type {
  BatchCheckLayerAvailabilityRequest,
  BatchCheckLayerAvailabilityResponse,
  CompleteLayerUploadRequest,
  CompleteLayerUploadResponse,
  GetDownloadUrlForLayerRequest,
  GetDownloadUrlForLayerResponse,
  InitiateLayerUploadRequest,
  InitiateLayerUploadResponse,
  UploadLayerPartResponse,
} from '@edgecr/protocol';
import { EcrError, MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import type { CallOptions, LayerApi, LayerPartInput, UploadPartOptions } from '../../src/engine/index.ts';

type Op =
  | 'InitiateLayerUpload'
  | 'UploadLayerPart'
  | 'CompleteLayerUpload'
  | 'BatchCheckLayerAvailability'
  | 'GetDownloadUrlForLayer';

interface Upload {
  repositoryName: string;
  chunks: Uint8Array[];
  received: number;
  lastPart?: { first: number; last: number; sha256: string };
}

/** A fault: the error to throw instead of answering, and whether the call still takes effect first. */
interface Fault {
  op: Op;
  error: () => unknown;
  /** The server does the work and the answer is lost (a response cut off on the way back). */
  afterEffect?: boolean;
  /** Only for UploadLayerPart at this first byte. */
  at?: number;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic bytes for a test layer. */
export function layerBytes(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export class FakeEcr implements LayerApi {
  partSize = MIN_LAYER_PART_BYTES;
  readonly repositories = new Set(['app']);
  readonly uploads = new Map<string, Upload>();
  /** `repository@digest` → the layer's bytes. */
  readonly layers = new Map<string, Uint8Array>();
  readonly calls: { op: Op; input: Record<string, unknown> }[] = [];
  readonly faults: Fault[] = [];
  /** Called inside UploadLayerPart before it answers: lets a test pause in the middle of a part. */
  onPart: ((input: LayerPartInput) => Promise<void> | void) | undefined;
  #nextId = 0;

  /** Makes the next `times` calls of `op` fail with `error`. */
  fail(op: Op, error: () => unknown, times = 1, extra: Partial<Fault> = {}): void {
    for (let i = 0; i < times; i++) this.faults.push({ op, error, ...extra });
  }

  /** The first bytes of the UploadLayerPart calls, in order. */
  partStarts(): number[] {
    return this.calls.filter((c) => c.op === 'UploadLayerPart').map((c) => c.input.partFirstByte as number);
  }

  count(op: Op): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  #takeFault(op: Op, at?: number): Fault | undefined {
    const index = this.faults.findIndex((f) => f.op === op && (f.at === undefined || f.at === at));
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  async #call<T>(
    op: Op,
    input: Record<string, unknown>,
    options: CallOptions | undefined,
    work: () => T,
    at?: number,
  ) {
    options?.signal?.throwIfAborted();
    this.calls.push({ op, input });
    await Promise.resolve();
    const fault = this.#takeFault(op, at);
    if (fault && !fault.afterEffect) throw fault.error();
    const value = work();
    if (fault) throw fault.error();
    options?.signal?.throwIfAborted();
    return value;
  }

  #repository(name: string): void {
    if (!this.repositories.has(name)) {
      throw new EcrError('RepositoryNotFoundException', `The repository with name '${name}' does not exist`);
    }
  }

  #upload(id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload) throw new EcrError('UploadNotFoundException', `Upload ${id} not found`);
    return upload;
  }

  initiateLayerUpload(
    input: InitiateLayerUploadRequest,
    options?: CallOptions,
  ): Promise<InitiateLayerUploadResponse> {
    return this.#call('InitiateLayerUpload', { ...input }, options, () => {
      this.#repository(input.repositoryName);
      const uploadId = `upload-${++this.#nextId}`;
      this.uploads.set(uploadId, { repositoryName: input.repositoryName, chunks: [], received: 0 });
      return { uploadId, partSize: this.partSize };
    });
  }

  async uploadLayerPart(
    input: LayerPartInput,
    options?: UploadPartOptions,
  ): Promise<UploadLayerPartResponse> {
    const { layerPartBlob, ...members } = input;
    await this.onPart?.(input);
    return this.#call(
      'UploadLayerPart',
      { ...members, length: layerPartBlob.length },
      options,
      () => {
        const upload = this.#upload(input.uploadId);
        const { partFirstByte: first, partLastByte: last } = input;
        const hash = sha256(layerPartBlob);
        const refuse = (message: string) =>
          new EcrError('InvalidLayerPartException', message, {
            fields: { uploadId: input.uploadId, lastValidByteReceived: upload.received - 1 },
          });
        if (upload.lastPart && upload.lastPart.first === first && upload.lastPart.last === last) {
          if (upload.lastPart.sha256 === hash) return { lastByteReceived: upload.received - 1 };
          throw refuse('already received with different content');
        }
        if (first !== upload.received || last - first + 1 !== layerPartBlob.length)
          throw refuse('out of order');
        upload.chunks.push(layerPartBlob.slice());
        upload.received += layerPartBlob.length;
        upload.lastPart = { first, last, sha256: hash };
        options?.onUploadProgress?.(layerPartBlob.length);
        return { lastByteReceived: last };
      },
      input.partFirstByte,
    );
  }

  /** Drops the last `bytes` bytes the upload received, as a server that lost them would. */
  truncate(uploadId: string, bytes: number): void {
    const upload = this.#upload(uploadId);
    const all = Buffer.concat(upload.chunks);
    upload.chunks = [all.subarray(0, all.length - bytes)];
    upload.received -= bytes;
    upload.lastPart = undefined;
  }

  completeLayerUpload(
    input: CompleteLayerUploadRequest,
    options?: CallOptions,
  ): Promise<CompleteLayerUploadResponse> {
    return this.#call('CompleteLayerUpload', { ...input }, options, () => {
      const upload = this.#upload(input.uploadId);
      const bytes = new Uint8Array(Buffer.concat(upload.chunks));
      const digest = `sha256:${sha256(bytes)}`;
      if (!input.layerDigests.includes(digest)) {
        throw new EcrError(
          'InvalidLayerException',
          `digest ${input.layerDigests[0]} does not match ${digest}`,
        );
      }
      this.uploads.delete(input.uploadId);
      const key = `${upload.repositoryName}@${digest}`;
      if (this.layers.has(key)) {
        throw new EcrError('LayerAlreadyExistsException', `The layer ${digest} already exists`);
      }
      this.layers.set(key, bytes);
      return { uploadId: input.uploadId, layerDigest: digest };
    });
  }

  batchCheckLayerAvailability(
    input: BatchCheckLayerAvailabilityRequest,
    options?: CallOptions,
  ): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.#call('BatchCheckLayerAvailability', { ...input }, options, () => {
      this.#repository(input.repositoryName);
      return {
        layers: input.layerDigests
          .filter((digest) => this.layers.has(`${input.repositoryName}@${digest}`))
          .map((digest) => ({
            layerDigest: digest,
            layerAvailability: 'AVAILABLE' as const,
            layerSize: this.layers.get(`${input.repositoryName}@${digest}`)?.length,
          })),
        failures: input.layerDigests
          .filter((digest) => !this.layers.has(`${input.repositoryName}@${digest}`))
          .map((digest) => ({ layerDigest: digest, failureCode: 'MissingLayerDigest' as const })),
      };
    });
  }

  getDownloadUrlForLayer(
    input: GetDownloadUrlForLayerRequest,
    options?: CallOptions,
  ): Promise<GetDownloadUrlForLayerResponse> {
    return this.#call('GetDownloadUrlForLayer', { ...input }, options, () => ({
      downloadUrl: `https://fake.example/layers/${input.repositoryName}/${input.layerDigest}`,
      layerDigest: input.layerDigest,
    }));
  }
}
