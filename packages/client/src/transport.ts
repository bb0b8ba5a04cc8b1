/**
 * The HTTP stack the client sends through, injected so that the same engine runs on `fetch` (Node, tests) or
 * on `XMLHttpRequest` in a browser, which alone reports upload progress within a request.
 * @module
 */
import { NetworkError, RequestTimeoutError } from './errors.ts';

/** One request. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
  /** A request with no answer after this long fails with {@link RequestTimeoutError}. */
  timeoutMs?: number;
  /** Called as the body goes out, with the bytes sent so far, where the transport can tell. */
  onUploadProgress?: (loaded: number) => void;
}

/** A whole response; bodies of the ECR API are small JSON documents. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Sends one request. Rejects with {@link NetworkError} when there is no answer, with
 * {@link RequestTimeoutError} after `timeoutMs`, and with the signal's reason when it aborts; any HTTP answer
 * (4xx and 5xx included) resolves.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Headers that browsers set themselves and refuse from scripts; the signature covers `host` all the same. */
const BROWSER_OWNED = new Set(['host', 'content-length', 'connection']);

function sendableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !BROWSER_OWNED.has(name.toLowerCase())),
  );
}

/**
 * A transport on `fetch`. Upload progress is reported once, when the body has gone.
 * @example
 * const client = new EcrClient({ ...settings, transport: fetchTransport() });
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): HttpTransport {
  return async (request) => {
    const { signal, cleanup, timedOut } = withTimeout(request.signal, request.timeoutMs);
    try {
      let response: Response;
      try {
        response = await fetchImpl(request.url, {
          method: request.method,
          headers: sendableHeaders(request.headers),
          body: request.body as BodyInit | undefined,
          signal,
        });
      } catch (error) {
        throw settle(error, request.signal, timedOut(), request);
      }
      request.onUploadProgress?.(request.body?.length ?? 0);
      try {
        const text = await response.text();
        return { status: response.status, headers: response.headers, text };
      } catch (error) {
        throw settle(error, request.signal, timedOut(), request);
      }
    } finally {
      cleanup();
    }
  };
}

/**
 * A transport on `XMLHttpRequest`, which reports upload progress as the body goes out: a 10 MiB part is ten
 * seconds at 1 MB/s, far too long to show nothing.
 * @example
 * const client = new EcrClient({ ...settings, transport: xhrTransport() });
 */
export function xhrTransport(): HttpTransport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      for (const [name, value] of Object.entries(sendableHeaders(request.headers))) {
        xhr.setRequestHeader(name, value);
      }
      if (request.timeoutMs !== undefined) xhr.timeout = request.timeoutMs;
      const onAbort = () => xhr.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      const { onUploadProgress } = request;
      if (onUploadProgress) xhr.upload.onprogress = (event) => onUploadProgress(event.loaded);
      xhr.onload = () => {
        done();
        resolve({
          status: xhr.status,
          headers: parseHeaders(xhr.getAllResponseHeaders()),
          text: xhr.responseText,
        });
      };
      xhr.onerror = () => {
        done();
        reject(new NetworkError(`${request.method} ${request.url} failed: no response`));
      };
      xhr.ontimeout = () => {
        done();
        reject(new RequestTimeoutError(request.timeoutMs ?? 0));
      };
      xhr.onabort = () => {
        done();
        reject(signal?.reason ?? new DOMException('The request was aborted', 'AbortError'));
      };
      // A Blob, not the bytes: Chromium copies a bytes body into the request on the calling thread (and, with
      // DevTools open, again for the inspector), while a Blob body is read by the network stack as it sends.
      xhr.send(request.body ? new Blob([request.body as Uint8Array<ArrayBuffer>]) : null);
    });
}

/**
 * `xhrTransport` where `XMLHttpRequest` exists (browsers), `fetchTransport` elsewhere.
 * @example
 * const transport = defaultTransport();
 */
export function defaultTransport(): HttpTransport {
  return typeof XMLHttpRequest === 'function' ? xhrTransport() : fetchTransport();
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

function withTimeout(
  outer: AbortSignal | undefined,
  timeoutMs: number | undefined,
): { signal: AbortSignal | undefined; cleanup: () => void; timedOut: () => boolean } {
  if (timeoutMs === undefined) return { signal: outer, cleanup: () => {}, timedOut: () => false };
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new RequestTimeoutError(timeoutMs));
  }, timeoutMs);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    cleanup: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
    timedOut: () => expired,
  };
}

/** The caller's abort reason when it aborted, a timeout, or a network failure: never fetch's bare TypeError. */
function settle(
  error: unknown,
  outer: AbortSignal | undefined,
  timedOut: boolean,
  request: HttpRequest,
): unknown {
  if (outer?.aborted) return outer.reason;
  if (timedOut) return new RequestTimeoutError(request.timeoutMs ?? 0);
  return new NetworkError(`${request.method} ${request.url} failed: no response`, { cause: error });
}
