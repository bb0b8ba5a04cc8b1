// The AWS conventions: endpoint and keys from the environment, or a profile of ~/.aws/credentials and config.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/config.ts';
import { CliFailure, UsageError } from '../../src/exitCodes.ts';
import { parseImageReference, parseTarget } from '../../src/target.ts';

const saved = { ...process.env };
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'edgecr-aws-'));
  await writeFile(
    join(folder, 'credentials'),
    '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n' +
      '[team]\naws_access_key_id = AKIATEAM\naws_secret_access_key = team-secret\naws_session_token = tok\n',
  );
  await writeFile(join(folder, 'config'), '[profile team]\nregion = eu-west-3\n');
});

afterEach(() => {
  process.env = { ...saved };
});

afterAll(() => rm(folder, { recursive: true, force: true }));

/** Only the files of this test: no keys or profile from the machine running it. */
function isolate(extra: NodeJS.ProcessEnv = {}): void {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, {
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'credentials'),
    AWS_CONFIG_FILE: join(folder, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
}

const none = { endpointUrl: undefined, profile: undefined, region: undefined };

describe('resolveConnection', () => {
  it('takes keys and region from the environment, and the endpoint from AWS_ENDPOINT_URL_ECR', async () => {
    isolate({
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_DEFAULT_REGION: 'ap-south-1',
      AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:8787',
    });
    expect(await resolveConnection(none)).toEqual({
      endpoint: 'http://127.0.0.1:8787',
      region: 'ap-south-1',
      credentials: { accessKeyId: 'AKIAENV', secretAccessKey: 'env-secret' },
    });
  });

  it('reads a profile from the credentials and config files; --region and --endpoint-url win', async () => {
    isolate({ AWS_PROFILE: 'team' });
    const team = await resolveConnection({ ...none, endpointUrl: 'http://e' });
    expect(team).toEqual({
      endpoint: 'http://e',
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIATEAM', secretAccessKey: 'team-secret', sessionToken: 'tok' },
    });
    isolate();
    const byFlag = await resolveConnection({
      endpointUrl: 'http://f',
      profile: undefined,
      region: 'us-west-2',
    });
    expect(byFlag).toMatchObject({ region: 'us-west-2', credentials: { accessKeyId: 'AKIADEFAULT' } });
  });

  it('is a usage error without an endpoint, and a plain failure without credentials', async () => {
    isolate();
    await expect(resolveConnection(none)).rejects.toBeInstanceOf(UsageError);
    isolate({
      AWS_SHARED_CREDENTIALS_FILE: join(folder, 'missing'),
      AWS_CONFIG_FILE: join(folder, 'missing'),
    });
    await expect(resolveConnection({ ...none, endpointUrl: 'http://e' })).rejects.toBeInstanceOf(CliFailure);
  });
});

describe('parseTarget', () => {
  it('splits repository and tag at the last colon after the last slash', () => {
    expect(parseTarget('team/app:1.0')).toEqual({ repositoryName: 'team/app', tag: '1.0' });
    expect(parseTarget('team/app')).toEqual({ repositoryName: 'team/app', tag: undefined });
    expect(() => parseTarget('app:')).toThrow(UsageError);
    expect(() => parseTarget(':1')).toThrow(UsageError);
  });
});

describe('parseImageReference', () => {
  it('reads repository:tag and repository@digest, and refuses a bare repository', () => {
    expect(parseImageReference('team/app:1.0')).toEqual({ repositoryName: 'team/app', imageTag: '1.0' });
    expect(parseImageReference('team/app@sha256:abc')).toEqual({
      repositoryName: 'team/app',
      imageDigest: 'sha256:abc',
    });
    expect(() => parseImageReference('team/app')).toThrow(/names no image/);
    expect(() => parseImageReference('@sha256:abc')).toThrow(UsageError);
    expect(() => parseImageReference('app@')).toThrow(UsageError);
  });
});
