// What the OCI rule tests share: a memory registry, streams, digests and refusals.
import { digestOf, EcrError, MiB } from '@edgecr/protocol';
import { MemoryHost } from '../src/index.ts';

export { streamOf } from '@edgecr/protocol';

/** The `sha256:` digest of bytes, by WebCrypto. */
export function sha256(bytes: Uint8Array): Promise<string> {
  return digestOf('sha256', new Uint8Array(bytes));
}

/** The `sha512:` digest of bytes, by WebCrypto. */
export function sha512(bytes: Uint8Array): Promise<string> {
  return digestOf('sha512', new Uint8Array(bytes));
}

/** The EcrError a promise rejects with. */
export async function refusal(promise: Promise<unknown>): Promise<EcrError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof EcrError)) throw new Error(`expected an EcrError, got ${String(error)}`);
  return error;
}

/** A memory registry with repository `app`, parts of 5 MiB. */
export async function setUp() {
  const host = new MemoryHost();
  const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
  await registry.catalog.createRepository({ repositoryName: 'app' });
  return { host, registry };
}
