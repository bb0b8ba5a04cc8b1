import { EcrError, errorResponse } from '@edgecr/protocol';
import { readSettings } from './config.ts';
import { preflight, withCors } from './cors.ts';
import { DOWNLOAD_PATH_PREFIX, serveDownload } from './doors/downloads.ts';
import { handleApi } from './doors/ecr/api.ts';
import { handleOci, OCI_PATH_PREFIX } from './doors/oci/door.ts';

export { LayerUpload } from './hosts/layerUpload.ts';
export { Registry } from './hosts/registry.ts';

export default {
  async fetch(request, env) {
    const settings = readSettings(env);
    const url = new URL(request.url);
    if (request.method === 'OPTIONS') return preflight(request, settings);
    let response: Response;
    if (url.pathname.startsWith(DOWNLOAD_PATH_PREFIX)) response = await serveDownload(request, env, settings);
    else if (url.pathname === OCI_PATH_PREFIX || url.pathname.startsWith(`${OCI_PATH_PREFIX}/`)) {
      response = await handleOci(request, env, settings);
    } else if (url.pathname === '/' && request.method === 'POST') {
      response = await handleApi(request, env, settings);
    } else if (request.method === 'GET' || request.method === 'HEAD') {
      // The uploader's page and its files.
      response = await env.ASSETS.fetch(request);
    } else {
      response = errorResponse(
        new EcrError('UnknownOperationException', `No operation at ${request.method} ${url.pathname}`),
      );
    }
    return withCors(request, response, settings);
  },
} satisfies ExportedHandler<Env>;
