import { EcrError, errorResponse } from '@edgecr/protocol';
import { handleApi } from './api.ts';
import { readSettings } from './config.ts';
import { DOWNLOAD_PATH_PREFIX, serveDownload } from './downloads.ts';

export { LayerUpload } from './layerUpload.ts';
export { Registry } from './registry.ts';

export default {
  async fetch(request, env) {
    const settings = readSettings(env);
    const url = new URL(request.url);
    const registry = env.REGISTRY.get(env.REGISTRY.idFromName(settings.registryId));
    if (url.pathname.startsWith(DOWNLOAD_PATH_PREFIX)) return serveDownload(request, env, settings, registry);
    if (url.pathname === '/' && request.method === 'POST') {
      return handleApi(request, { env, settings, registry, origin: url.origin });
    }
    return errorResponse(
      new EcrError('UnknownOperationException', `No operation at ${request.method} ${url.pathname}`),
    );
  },
} satisfies ExportedHandler<Env>;
