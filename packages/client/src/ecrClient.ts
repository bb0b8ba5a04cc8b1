/**
 * A small ECR client for browsers and Node: AWS JSON 1.1 framing from `@edgecr/protocol`, SigV4 from
 * `@edgecr/sigv4`, errors decoded into `EcrError`, over an injected {@link HttpTransport}.
 * @module
 */
import {
  type BatchCheckLayerAvailabilityRequest,
  type BatchCheckLayerAvailabilityResponse,
  type BatchDeleteImageRequest,
  type BatchDeleteImageResponse,
  type BatchGetImageRequest,
  type BatchGetImageResponse,
  type CompleteLayerUploadRequest,
  type CompleteLayerUploadResponse,
  type CreateRepositoryRequest,
  type CreateRepositoryResponse,
  type DescribeImagesRequest,
  type DescribeImagesResponse,
  type DescribeRepositoriesRequest,
  type DescribeRepositoriesResponse,
  decodeError,
  encodeRequest,
  type GetDownloadUrlForLayerRequest,
  type GetDownloadUrlForLayerResponse,
  type InitiateLayerUploadRequest,
  type InitiateLayerUploadResponse,
  type OperationName,
  type Operations,
  type PutImageRequest,
  type PutImageResponse,
  type Repository,
  type UploadLayerPartResponse,
} from '@edgecr/protocol';
import { type Credentials, signRequest } from '@edgecr/sigv4';
import { sha256Hex } from './_sha256Hex.ts';
import { NetworkError } from './errors.ts';
import { type LayerPartInput, PreparedParts } from './layerPartBody.ts';
import { defaultTransport, type HttpTransport } from './transport.ts';

/** Options of every call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** A request with no answer after this long fails with `RequestTimeoutError`. */
  timeoutMs?: number;
}

/** Options of UploadLayerPart. */
export interface UploadPartOptions extends CallOptions {
  /** Called as the part goes out, with the part's bytes sent so far (estimated from the request body's). */
  onUploadProgress?: (partBytesSent: number) => void;
}

/**
 * The ECR calls that upload a layer: what the upload engine needs from a client. {@link EcrClient} is the real
 * one; tests pass an in-memory fake.
 */
export interface LayerApi {
  initiateLayerUpload(
    input: InitiateLayerUploadRequest,
    options?: CallOptions,
  ): Promise<InitiateLayerUploadResponse>;
  uploadLayerPart(input: LayerPartInput, options?: UploadPartOptions): Promise<UploadLayerPartResponse>;
  /**
   * Starts building the request of a part that {@link LayerApi.uploadLayerPart} will send next, so that the work
   * runs while the part before it is on the wire. `input.layerPartBlob` must not change afterwards.
   */
  prepareLayerPart?(input: LayerPartInput): void;
  completeLayerUpload(
    input: CompleteLayerUploadRequest,
    options?: CallOptions,
  ): Promise<CompleteLayerUploadResponse>;
  batchCheckLayerAvailability(
    input: BatchCheckLayerAvailabilityRequest,
    options?: CallOptions,
  ): Promise<BatchCheckLayerAvailabilityResponse>;
  getDownloadUrlForLayer(
    input: GetDownloadUrlForLayerRequest,
    options?: CallOptions,
  ): Promise<GetDownloadUrlForLayerResponse>;
}

/**
 * What pushing and pulling whole images needs beyond the layer calls: PutImage for manifests, BatchGetImage to
 * read them back. {@link EcrClient} is the real one.
 */
export interface ImageApi extends LayerApi {
  putImage(input: PutImageRequest, options?: CallOptions): Promise<PutImageResponse>;
  batchGetImage(input: BatchGetImageRequest, options?: CallOptions): Promise<BatchGetImageResponse>;
}

/** Where and as whom an {@link EcrClient} talks. */
export interface EcrClientConfig {
  /** The endpoint URL; the ECR API is at `POST` on it (`http://127.0.0.1:8787`). */
  endpoint: string;
  /** The region of the SigV4 credential scope. */
  region: string;
  /** The access key, or a function returning the current one (read for every request). */
  credentials: Credentials | (() => Credentials);
  /** Sent as `registryId` in every request when set; the endpoint's own registry otherwise. */
  registryId?: string;
  /** How requests are sent; `XMLHttpRequest` in browsers and `fetch` elsewhere by default. */
  transport?: HttpTransport;
  /** The signing clock; injectable for tests. */
  now?: () => Date;
}

const encoder = new TextEncoder();

/**
 * Sends ECR requests signed with SigV4. Error answers reject with the `EcrError` that `decodeError` reads from
 * them; no answer at all rejects with `NetworkError`. It never retries: the upload engine decides that.
 * @example
 * const ecr = new EcrClient({
 *   endpoint: 'http://127.0.0.1:8787',
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'AKIAEDGECRLOCALDEV01', secretAccessKey: 'edgecr-local-dev-secret' },
 * });
 * const { uploadId, partSize } = await ecr.initiateLayerUpload({ repositoryName: 'app' });
 */
export class EcrClient implements ImageApi {
  readonly #config: EcrClientConfig;
  readonly #transport: HttpTransport;
  readonly #url: string;
  readonly #prepared = new PreparedParts();

  constructor(config: EcrClientConfig) {
    this.#url = new URL(config.endpoint).href;
    this.#config = config;
    this.#transport = config.transport ?? defaultTransport();
  }

  /** The endpoint URL requests go to. */
  get endpoint(): string {
    return this.#url;
  }

  /**
   * Sends any operation. The input's `registryId` is the configured one unless the input names another.
   * @example
   * const { repositories } = await ecr.send('DescribeRepositories', {});
   */
  async send<Op extends OperationName>(
    op: Op,
    input: Operations[Op]['input'],
    options: CallOptions = {},
  ): Promise<Operations[Op]['output']> {
    const { headers, body } = encodeRequest(op, this.#withRegistry(input));
    return this.#post(headers, encoder.encode(body), options) as Promise<Operations[Op]['output']>;
  }

  async uploadLayerPart(
    input: LayerPartInput,
    options: UploadPartOptions = {},
  ): Promise<UploadLayerPartResponse> {
    const { headers } = encodeRequest('UploadLayerPart', { ...input, layerPartBlob: '' });
    const { body, payloadHash } = this.#prepared.get(this.#withRegistry(input));
    const { onUploadProgress } = options;
    const partBytes = input.layerPartBlob.length;
    // The body is the part as base64 plus a few hundred bytes: scale what has gone out back to part bytes.
    const progress =
      onUploadProgress &&
      ((sent: number) => onUploadProgress(Math.min(partBytes, Math.floor((sent * partBytes) / body.length))));
    return (await this.#post(headers, body, options, progress, payloadHash)) as UploadLayerPartResponse;
  }

  /**
   * Builds the UploadLayerPart body of `input` and starts hashing it, to be sent by
   * {@link EcrClient.uploadLayerPart} (and by its retries) without doing that again. In a page the base64 body
   * and its hash are a large share of the main thread's work: done while the previous part uploads, they
   * overlap the network instead of waiting for it.
   * @example
   * ecr.prepareLayerPart(next); // while the current part is on the wire
   * await ecr.uploadLayerPart(next);
   */
  prepareLayerPart(input: LayerPartInput): void {
    this.#prepared.get(this.#withRegistry(input));
  }

  initiateLayerUpload(
    input: InitiateLayerUploadRequest,
    options?: CallOptions,
  ): Promise<InitiateLayerUploadResponse> {
    return this.send('InitiateLayerUpload', input, options);
  }

  completeLayerUpload(
    input: CompleteLayerUploadRequest,
    options?: CallOptions,
  ): Promise<CompleteLayerUploadResponse> {
    return this.send('CompleteLayerUpload', input, options);
  }

  batchCheckLayerAvailability(
    input: BatchCheckLayerAvailabilityRequest,
    options?: CallOptions,
  ): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.send('BatchCheckLayerAvailability', input, options);
  }

  getDownloadUrlForLayer(
    input: GetDownloadUrlForLayerRequest,
    options?: CallOptions,
  ): Promise<GetDownloadUrlForLayerResponse> {
    return this.send('GetDownloadUrlForLayer', input, options);
  }

  putImage(input: PutImageRequest, options?: CallOptions): Promise<PutImageResponse> {
    return this.send('PutImage', input, options);
  }

  batchGetImage(input: BatchGetImageRequest, options?: CallOptions): Promise<BatchGetImageResponse> {
    return this.send('BatchGetImage', input, options);
  }

  describeImages(input: DescribeImagesRequest, options?: CallOptions): Promise<DescribeImagesResponse> {
    return this.send('DescribeImages', input, options);
  }

  batchDeleteImage(input: BatchDeleteImageRequest, options?: CallOptions): Promise<BatchDeleteImageResponse> {
    return this.send('BatchDeleteImage', input, options);
  }

  describeRepositories(
    input: DescribeRepositoriesRequest = {},
    options?: CallOptions,
  ): Promise<DescribeRepositoriesResponse> {
    return this.send('DescribeRepositories', input, options);
  }

  createRepository(input: CreateRepositoryRequest, options?: CallOptions): Promise<CreateRepositoryResponse> {
    return this.send('CreateRepository', input, options);
  }

  /**
   * Every repository, following `nextToken` across pages.
   * @example
   * const names = (await ecr.listRepositories()).map((r) => r.repositoryName);
   */
  async listRepositories(options?: CallOptions): Promise<Repository[]> {
    const all: Repository[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.describeRepositories(nextToken === undefined ? {} : { nextToken }, options);
      all.push(...(page.repositories ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  #withRegistry<T extends object>(input: T): T {
    const { registryId } = this.#config;
    return registryId && !('registryId' in input) ? { registryId, ...input } : input;
  }

  async #post(
    frame: Record<string, string>,
    body: Uint8Array,
    options: CallOptions,
    onUploadProgress?: (sent: number) => void,
    bodyHash: Promise<string> = sha256Hex(body),
  ): Promise<unknown> {
    const { credentials, region, now } = this.#config;
    const payloadHash = await bodyHash;
    let headers: Record<string, string>;
    try {
      headers = signRequest(
        { method: 'POST', url: this.#url, headers: frame, body },
        {
          credentials: typeof credentials === 'function' ? credentials() : credentials,
          region,
          service: 'ecr',
          payloadHash,
          ...(now && { date: now() }),
        },
      );
    } catch (error) {
      // Empty credentials: say it the way the endpoint would.
      throw decodeError(
        403,
        { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
        JSON.stringify({ message: error instanceof Error ? error.message : String(error) }),
      );
    }
    const response = await this.#transport({
      url: this.#url,
      method: 'POST',
      headers,
      body,
      ...(options.signal && { signal: options.signal }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(onUploadProgress && { onUploadProgress }),
    });
    if (response.status < 200 || response.status > 299) {
      throw decodeError(response.status, response.headers, response.text);
    }
    try {
      return JSON.parse(response.text === '' ? '{}' : response.text);
    } catch (cause) {
      throw new NetworkError(`The endpoint answered HTTP ${response.status} with a body that is not JSON`, {
        cause,
      });
    }
  }
}
