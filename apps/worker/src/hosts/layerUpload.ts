import { DurableObject } from 'cloudflare:workers';
import { ResumableSha256, ResumableSha512 } from '@edgecr/chunker';
import sha256Wasm from '@edgecr/chunker/sha256.wasm';
import sha512Wasm from '@edgecr/chunker/sha512.wasm';
import {
  type BeginUpload,
  LayerUploadRules,
  type OpenPartRange,
  SerialQueue,
  type UploadProgress,
  type UploadRef,
} from '@edgecr/registry';
import { layerCatalog } from '../adapters/cloudflareHosting.ts';
import { capture, type Outcome } from '../adapters/outcome.ts';
import { R2BlobStore } from '../adapters/r2BlobStore.ts';
import { SqlUploadStore } from '../adapters/sqlUploadStore.ts';

// The layer's SHA-256 runs here, on every byte of every part (and its SHA-512 too on an OCI upload):
// WebAssembly hashes several times as fast as noble inside workerd, and a Worker may not compile WebAssembly at
// run time, so the bundled modules are handed over.
ResumableSha256.useWasm(sha256Wasm);
ResumableSha512.useWasm(sha512Wasm);

/**
 * Hosts one layer upload (named by its upload id): the core's LayerUploadRules over this object's SQLite
 * storage and R2. The object gives what the rules need of a host: state that outlives the isolate, one call
 * at a time (the queue: the input gate opens while a call awaits R2), and the alarm that expires the upload.
 */
export class LayerUpload extends DurableObject<Env> {
  private readonly rules: LayerUploadRules;
  private readonly queue = new SerialQueue();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.rules = new LayerUploadRules(new SqlUploadStore(ctx.storage), new R2BlobStore(env.LAYERS), (id) =>
      layerCatalog(env, id),
    );
  }

  begin(input: BeginUpload): Promise<Outcome<void>> {
    return this.serial(() => this.rules.begin(input));
  }

  /** Streams a part in; see LayerUploadRules.uploadPart. */
  uploadPart(
    ref: UploadRef,
    range: OpenPartRange,
    body: ReadableStream<Uint8Array>,
  ): Promise<Outcome<number>> {
    return this.serial(() => this.rules.uploadPart(ref, range, body));
  }

  complete(ref: UploadRef, layerDigests: string[]): Promise<Outcome<string>> {
    return this.serial(() => this.rules.complete(ref, layerDigests));
  }

  /** Closes an OCI blob upload by the digest its client names; see LayerUploadRules.completeBlob. */
  completeBlob(ref: UploadRef, digest: string): Promise<Outcome<string>> {
    return this.serial(() => this.rules.completeBlob(ref, digest));
  }

  received(ref: UploadRef): Promise<Outcome<number>> {
    return this.serial(() => this.rules.received(ref));
  }

  cancel(ref: UploadRef): Promise<Outcome<void>> {
    return this.serial(() => this.rules.cancel(ref));
  }

  override async alarm(): Promise<void> {
    await this.queue.run(() => this.rules.expire());
  }

  /** Test and operator view: the upload's progress, or null once it is gone. */
  inspect(): Promise<UploadProgress | null> {
    return this.rules.inspect();
  }

  private serial<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
    return this.queue.run(() => capture(fn));
  }
}
