// The registry's doors, runtime-neutral (web-platform APIs only): each a web-standard Request to Response over
// an Endpoint (the registry hosting, the blob store, the body streams and the settings).
export { accessKeys, authenticate, type Caller } from './auth/authenticate.ts';
export { issueAuthorizationToken, verifyAuthorizationToken } from './auth/authorizationToken.ts';
export { type AccessKey, type Permission, parseCredentials } from './auth/credentials.ts';
export { type BlobRead, readBlob } from './blobReader.ts';
export {
  type BodyStreams,
  type ChunkReader,
  portableBodyStreams,
  rechunked,
} from './body/bodyStreams.ts';
export { DOWNLOAD_PATH_PREFIX, serveDownload, signDownloadUrl } from './downloads.ts';
export { hashBody } from './ecr/body/requestBody.ts';
export {
  type EcrContext,
  type EcrHandler,
  type EcrInput,
  ecrContext,
  type StreamedUploadLayerPartRequest,
} from './ecr/context.ts';
export { handleEcr } from './ecr/door.ts';
export { ecrHandler } from './ecr/handlers.ts';
export { type EdgeCache, MemoryEdgeCache } from './edgeCache.ts';
export { type Endpoint, registryService } from './endpoint.ts';
export { handleOci, OCI_PATH_PREFIX } from './oci/door.ts';
export { type PullLayer, pullHosting } from './pullHosting.ts';
export { PullMemo, type PullMemoSettings } from './pullMemo.ts';
export { route } from './router.ts';
export type { Settings } from './settings.ts';
