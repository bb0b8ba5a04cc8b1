// The ECR door's client: boto3 (the machine's python3) running boto3_push.py.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localAwsEnvironment } from '../test/e2e/_layers.ts';
import type { PartFiles } from './layer.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./boto3_push.py', import.meta.url));

/** What boto3_push.py reports. */
export interface Boto3Push {
  totalMs: number;
  partsMs: number;
  completeMs: number;
}

/** Pushes `layer` through the ECR API at `endpoint` with boto3, one UploadLayerPart per part file. */
export async function boto3Push(endpoint: string, repository: string, layer: PartFiles): Promise<Boto3Push> {
  const { stdout } = await run(
    'python3',
    [SCRIPT, endpoint, repository, ...layer.parts.map((part) => part.path)],
    {
      env: localAwsEnvironment(),
      maxBuffer: 1024 * 1024,
    },
  );
  const result = JSON.parse(stdout) as Boto3Push & { digest: string; bytes: number };
  if (result.digest !== layer.digest || result.bytes !== layer.size)
    throw new Error(`boto3 pushed ${result.bytes} bytes as ${result.digest}, expected ${layer.digest}`);
  return result;
}
