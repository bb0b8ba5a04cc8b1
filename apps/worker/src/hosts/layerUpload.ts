import { DurableObject } from 'cloudflare:workers';
import { ResumableSha256, ResumableSha512 } from '@edgecr/chunker';
import sha256Wasm from '@edgecr/chunker/sha256.wasm';
import sha512Wasm from '@edgecr/chunker/sha512.wasm';
import { LayerUploadRules, SerialQueue, UPLOAD_METHODS, type UploadProgress } from '@edgecr/registry';
import { layerCatalog } from '../adapters/cloudflareHosting.ts';
import { type Outcome, serve } from '../adapters/outcome.ts';
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

  /** The one RPC: an upload rule (of UPLOAD_METHODS) by name, with its arguments, one call at a time. */
  call(method: string, args: unknown[]): Promise<Outcome<unknown>> {
    return this.queue.run(() => serve(this.rules, UPLOAD_METHODS, method, args));
  }

  override async alarm(): Promise<void> {
    await this.queue.run(() => this.rules.expire());
  }

  /** Test and operator view: the upload's progress, or null once it is gone. */
  inspect(): Promise<UploadProgress | null> {
    return this.rules.inspect();
  }
}
