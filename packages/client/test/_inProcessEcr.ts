// An in-process ECR endpoint for the engine's tests: the registry's real rules (@edgecr/registry on its memory
// adapter) behind the real ECR door (@edgecr/doors: SigV4, framing, validation, the handler table), reached by
// the real EcrClient over an in-process transport, plus the fault injection the tests need: failed or lost
// answers, a pause inside a part, an endpoint that lost writes or uploads.
import { createHash } from 'node:crypto';
import { type Endpoint, portableBodyStreams, route } from '@edgecr/doors';
import type {
  BatchCheckLayerAvailabilityRequest,
  BatchCheckLayerAvailabilityResponse,
  BatchGetImageRequest,
  BatchGetImageResponse,
  CompleteLayerUploadRequest,
  CompleteLayerUploadResponse,
  GetDownloadUrlForLayerRequest,
  GetDownloadUrlForLayerResponse,
  InitiateLayerUploadRequest,
  InitiateLayerUploadResponse,
  OperationName,
  Operations,
  PutImageRequest,
  PutImageResponse,
  UploadLayerPartResponse,
} from '@edgecr/protocol';
import { MIN_LAYER_PART_BYTES } from '@edgecr/protocol';
import { MemoryHost, type MemoryUploadSnapshot, type RegistryService } from '@edgecr/registry';
import {
  type CallOptions,
  EcrClient,
  type HttpTransport,
  type ImageApi,
  type LayerPartInput,
  type UploadPartOptions,
} from '../src/index.ts';

type Op =
  | 'InitiateLayerUpload'
  | 'UploadLayerPart'
  | 'CompleteLayerUpload'
  | 'BatchCheckLayerAvailability'
  | 'GetDownloadUrlForLayer'
  | 'PutImage'
  | 'BatchGetImage';

/** A fault: the error to throw instead of answering, and whether the call still takes effect first. */
interface Fault {
  op: Op;
  error: () => unknown;
  /** The server does the work and the answer is lost (a response cut off on the way back). */
  afterEffect?: boolean;
  /** Only for UploadLayerPart at this first byte. */
  at?: number;
}

/** The registry the endpoint serves, its address, and the admin key the client signs with. */
const REGISTRY_ID = '123456789012';
const ENDPOINT = 'http://ecr.test';
const KEY = { accessKeyId: 'AKIAEDGECRCLIENTTEST', secretAccessKey: 'edgecr-client-test-secret' };

/** Headers a browser sets itself: the transports leave them out, the signature covers `host` all the same. */
const BROWSER_OWNED = new Set(['host', 'content-length', 'connection']);

/** How long an upload lives, as the Worker's default. */
const UPLOAD_TTL_SECONDS = 86_400;

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The ECR endpoint in process, with repository `app`; parts are cut at ECR's 5 MiB minimum. */
export class InProcessEcr implements ImageApi {
  readonly calls: { op: Op; input: Record<string, unknown> }[] = [];
  readonly faults: Fault[] = [];
  /** Called inside UploadLayerPart before it answers: lets a test pause in the middle of a part. */
  onPart: ((input: LayerPartInput) => Promise<void> | void) | undefined;
  /** The registry the endpoint serves. */
  readonly registry: RegistryService;
  readonly #host: MemoryHost;
  readonly #endpoint: Endpoint;
  readonly #client: EcrClient;
  readonly #ready: Promise<unknown>;
  /** The clock of upload expiry. */
  #now = Date.now();
  /** Each upload's state after each acknowledged part, by `uploadId:received`, to roll back to. */
  readonly #saved = new Map<string, MemoryUploadSnapshot>();

  constructor() {
    this.#host = new MemoryHost({ now: () => this.#now });
    this.registry = this.#host.registry(REGISTRY_ID, {
      partSize: MIN_LAYER_PART_BYTES,
      uploadTtlSeconds: UPLOAD_TTL_SECONDS,
    });
    this.#endpoint = {
      hosting: this.#host,
      blobs: this.#host.blobs,
      bodies: portableBodyStreams,
      settings: {
        region: 'us-east-1',
        regions: undefined,
        partSize: MIN_LAYER_PART_BYTES,
        uploadTtlSeconds: UPLOAD_TTL_SECONDS,
        downloadUrlTtlSeconds: 600,
        authorizationTokenTtlSeconds: 3600,
        requireImageReference: false,
        unreferencedLayerGraceSeconds: null,
        holdingCacheSeconds: 60,
        tagCacheSeconds: 5,
        allowedOrigins: [],
        urlSigningKey: 'edgecr-client-test-url-signing-key',
        credentials: JSON.stringify({
          [KEY.accessKeyId]: {
            secretAccessKey: KEY.secretAccessKey,
            registryId: REGISTRY_ID,
            permission: 'admin',
          },
        }),
      },
    };
    this.#client = new EcrClient({
      endpoint: ENDPOINT,
      region: 'us-east-1',
      credentials: KEY,
      transport: this.#transport,
    });
    this.#ready = this.registry.catalog.createRepository({ repositoryName: 'app' });
  }

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

  /** The uploads the endpoint still holds. */
  openUploads(): Promise<string[]> {
    return this.#host.openUploads();
  }

  /** Lets every upload pass its deadline and expire, as an endpoint that no longer has them. */
  async expireUploads(): Promise<void> {
    this.#now += (UPLOAD_TTL_SECONDS + 1) * 1000;
    await this.#host.runDueWakeUps();
  }

  /** Rolls the upload back by its last `bytes` bytes, as a server that lost those writes would. */
  async truncate(uploadId: string, bytes: number): Promise<void> {
    const store = this.#host.uploadStore(uploadId);
    const received = (await store?.read())?.received ?? 0;
    const earlier = this.#saved.get(`${uploadId}:${received - bytes}`);
    if (!store || !earlier) throw new Error(`Upload ${uploadId} never held ${received - bytes} bytes`);
    store.restore(earlier);
  }

  /** The bytes of a layer the repository holds, or undefined. */
  async layer(repositoryName: string, digest: string): Promise<Uint8Array | undefined> {
    const record = await this.registry.catalog.findLayer(repositoryName, digest);
    const object = record && (await this.#host.blobs.get(record.objectKey));
    return object ? new Uint8Array(await new Response(object.body).arrayBuffer()) : undefined;
  }

  #takeFault(op: Op, at?: number): Fault | undefined {
    const index = this.faults.findIndex((f) => f.op === op && (f.at === undefined || f.at === at));
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  /** One call through the ECR door, signed and sent by the real client. */
  #serve<O extends OperationName>(op: O, input: Operations[O]['input']): Promise<Operations[O]['output']> {
    return this.#client.send(op, input);
  }

  /** What the client sends through: the endpoint's router, in process. */
  readonly #transport: HttpTransport = async (request) => {
    const response = await this.fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !BROWSER_OWNED.has(name.toLowerCase())),
      ),
      ...(request.body && { body: request.body as Uint8Array<ArrayBuffer> }),
    });
    request.onUploadProgress?.(request.body?.length ?? 0);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  /** A fetch of this endpoint (its download URLs included). */
  readonly fetch = ((url: string | URL | Request, init?: RequestInit) =>
    route(
      new Request(url, init),
      this.#endpoint,
      async () => new Response(null, { status: 404 }),
    )) as typeof fetch;

  async #call<T>(
    op: Op,
    input: Record<string, unknown>,
    options: CallOptions | undefined,
    work: () => Promise<T>,
    at?: number,
  ): Promise<T> {
    options?.signal?.throwIfAborted();
    this.calls.push({ op, input });
    await this.#ready;
    const fault = this.#takeFault(op, at);
    if (fault && !fault.afterEffect) throw fault.error();
    const value = await work();
    if (fault) throw fault.error();
    options?.signal?.throwIfAborted();
    return value;
  }

  initiateLayerUpload(
    input: InitiateLayerUploadRequest,
    options?: CallOptions,
  ): Promise<InitiateLayerUploadResponse> {
    return this.#call('InitiateLayerUpload', { ...input }, options, async () => {
      const output = await this.#serve('InitiateLayerUpload', input);
      await this.#save(output.uploadId as string);
      return output;
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
      async () => {
        const output = await this.#client.uploadLayerPart(input, {
          ...(options?.onUploadProgress && { onUploadProgress: options.onUploadProgress }),
        });
        await this.#save(input.uploadId);
        return output;
      },
      input.partFirstByte,
    );
  }

  completeLayerUpload(
    input: CompleteLayerUploadRequest,
    options?: CallOptions,
  ): Promise<CompleteLayerUploadResponse> {
    return this.#call('CompleteLayerUpload', { ...input }, options, () =>
      this.#serve('CompleteLayerUpload', input),
    );
  }

  batchCheckLayerAvailability(
    input: BatchCheckLayerAvailabilityRequest,
    options?: CallOptions,
  ): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.#call('BatchCheckLayerAvailability', { ...input }, options, () =>
      this.#serve('BatchCheckLayerAvailability', input),
    );
  }

  getDownloadUrlForLayer(
    input: GetDownloadUrlForLayerRequest,
    options?: CallOptions,
  ): Promise<GetDownloadUrlForLayerResponse> {
    return this.#call('GetDownloadUrlForLayer', { ...input }, options, () =>
      this.#serve('GetDownloadUrlForLayer', input),
    );
  }

  putImage(input: PutImageRequest, options?: CallOptions): Promise<PutImageResponse> {
    return this.#call('PutImage', { ...input }, options, () => this.#serve('PutImage', input));
  }

  batchGetImage(input: BatchGetImageRequest, options?: CallOptions): Promise<BatchGetImageResponse> {
    return this.#call('BatchGetImage', { ...input }, options, () => this.#serve('BatchGetImage', input));
  }

  /** Keeps the upload's state as it is now, for {@link InProcessEcr.truncate}. */
  async #save(uploadId: string): Promise<void> {
    const store = this.#host.uploadStore(uploadId);
    const received = (await store?.read())?.received;
    if (store && received !== undefined) this.#saved.set(`${uploadId}:${received}`, store.snapshot());
  }
}
