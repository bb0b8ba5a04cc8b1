// The OCI door's client: curl pushing a blob in chunks (POST, one PATCH with Content-Range per part file,
// then PUT ?digest=), one curl process per request as a shell script would, with the same login on each.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PartFiles } from './layer.ts';

const run = promisify(execFile);

/** One request with curl: its status and Location header. */
async function curlRequest(args: string[]): Promise<{ status: number; location: string }> {
  const { stdout } = await run('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %header{location}',
    ...args,
  ]);
  const [status, location = ''] = stdout.trim().split(' ');
  return { status: Number(status), location };
}

/**
 * Pushes `layer` to `repository` at an OCI registry; returns the time taken in ms.
 * @param authorization An `Authorization` header value sent with every request (edgecr's door wants
 *   `Basic` with `AWS:<token>`); none for registries that take anonymous pushes.
 */
export async function curlPush(
  endpoint: string,
  repository: string,
  layer: PartFiles,
  authorization?: string,
): Promise<number> {
  const absolute = (location: string) => new URL(location, endpoint).href;
  const login = authorization === undefined ? [] : ['-H', `authorization: ${authorization}`];
  const curl = (args: string[]) => curlRequest([...login, ...args]);
  const started = performance.now();
  const begun = await curl(['-X', 'POST', `${endpoint}/v2/${repository}/blobs/uploads/`]);
  if (begun.status !== 202) throw new Error(`POST upload: HTTP ${begun.status}`);
  let location = absolute(begun.location);
  for (const part of layer.parts) {
    const patched = await curl([
      '-X',
      'PATCH',
      '-H',
      'content-type: application/octet-stream',
      '-H',
      `content-range: ${part.first}-${part.first + part.length - 1}`,
      '--data-binary',
      `@${part.path}`,
      location,
    ]);
    if (patched.status !== 202) throw new Error(`PATCH at ${part.first}: HTTP ${patched.status}`);
    location = absolute(patched.location);
  }
  const url = new URL(location);
  url.searchParams.set('digest', layer.digest);
  const put = await curl(['-X', 'PUT', url.href]);
  if (put.status !== 201) throw new Error(`PUT ?digest=: HTTP ${put.status}`);
  return performance.now() - started;
}
