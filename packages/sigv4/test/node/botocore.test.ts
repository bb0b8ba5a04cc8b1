/// <reference types="node" />
// Node only: botocore (the signer of boto3 and the AWS CLI) signs requests in a python3 child process, and
// also builds real ECR calls with its ECR client, captured before they are sent. Our verifier must accept
// each and our signer must produce the same Authorization. Without python3 and botocore the file reports
// itself skipped, never passed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hexSha256, signRequest, uriEncode, verifyRequest } from '../../src/index.ts';

const CREDENTIALS = {
  accessKeyId: 'AKIAEDGECRBOTOCORE01',
  secretAccessKey: 'botocore/secret+key=0123456789',
};
const lookupSecret = (id: string) =>
  id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined;

const SCRIPT = String.raw`
import base64, datetime, json, sys
import botocore, botocore.auth, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

def text_headers(headers):
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in headers.items()}

job = json.load(sys.stdin)
akid, secret = job["accessKeyId"], job["secretAccessKey"]
out = {"version": botocore.__version__, "signed": [], "ecr": []}

for case in job["cases"]:
    when = datetime.datetime.fromtimestamp(case["time"], tz=datetime.timezone.utc)
    botocore.auth.get_current_datetime = lambda when=when: when
    request = AWSRequest(method=case["method"], url=case["url"], data=base64.b64decode(case["body"]),
                         headers=case["headers"])
    SigV4Auth(Credentials(akid, secret, case.get("token")), case["service"], case["region"]).add_auth(request)
    out["signed"].append(text_headers(request.headers))

botocore.auth.get_current_datetime = lambda: datetime.datetime.now(datetime.timezone.utc)
session = botocore.session.get_session()
client = session.create_client("ecr", region_name="us-east-1", endpoint_url="http://127.0.0.1:8787",
                               aws_access_key_id=akid, aws_secret_access_key=secret)

class Captured(Exception):
    pass

def capture(request, **kwargs):
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    out["ecr"].append({"method": request.method, "url": request.url, "headers": text_headers(request.headers),
                       "body": base64.b64encode(body).decode()})
    raise Captured()

client.meta.events.register("before-send", capture)
for call in (lambda: client.initiate_layer_upload(repositoryName="app"),
             lambda: client.upload_layer_part(repositoryName="app", uploadId="u-1", partFirstByte=0,
                                              partLastByte=4, layerPartBlob=b"\x00\x01\x02\x03\x04"),
             lambda: client.complete_layer_upload(repositoryName="app", uploadId="u-1",
                                                  layerDigests=["sha256:" + "a" * 64])):
    try:
        call()
    except Captured:
        pass
json.dump(out, sys.stdout)
`;

function botocoreAvailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], {
    encoding: 'utf8',
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const version = botocoreAvailable();
if (version === undefined) {
  console.warn(
    'test/node/botocore.test.ts SKIPPED: python3 with botocore is not installed (pip install botocore).',
  );
}

interface Case {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  time: number;
  token?: string;
}

const q = (pairs: [string, string][]) => pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
const T = Date.UTC(2026, 0, 1, 12, 34, 56) / 1000;
const CASES: Case[] = [
  {
    method: 'POST',
    url: 'https://ecr.us-east-1.amazonaws.com/',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.InitiateLayerUpload',
    },
    body: btoa('{"repositoryName":"app"}'),
    region: 'us-east-1',
    service: 'ecr',
    time: T,
  },
  {
    method: 'GET',
    url: `https://example.com:8443/a%20b/%E1%88%B4/c~d/?${q([
      ['b', '2'],
      ['a', 'x y'],
      ['a', 'ሴ'],
      ['k', ''],
    ])}`,
    headers: { 'X-Test-A': '  spaced   value  ', 'x-test-b': 'v' },
    body: '',
    region: 'eu-west-3',
    service: 'ecr',
    time: T + 3600,
  },
  {
    method: 'PUT',
    url: 'http://127.0.0.1:8787/layers//x/./y/../z',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: btoa(String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))),
    region: 'us-west-2',
    service: 'ecr',
    time: T - 86_400 * 400,
    token: 'FwoGZXIvYXdzEXAMPLE//token+value=',
  },
];

const ourBody = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

describe.skipIf(version === undefined)(`against botocore ${version ?? '(missing)'} via python3`, () => {
  const run = () => {
    const result = spawnSync('python3', ['-c', SCRIPT], {
      input: JSON.stringify({ ...CREDENTIALS, cases: CASES }),
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as {
      signed: Record<string, string>[];
      ecr: { method: string; url: string; headers: Record<string, string>; body: string }[];
    };
  };
  const out = version === undefined ? { signed: [], ecr: [] } : run();

  it.each(CASES.map((c, i) => [c.url, c, i] as const))(
    'SigV4Auth signs %s as we do and we verify it',
    async (_url, c, i) => {
      const theirs = out.signed[i] as Record<string, string>;
      const body = ourBody(c.body);
      const verified = await verifyRequest(
        { method: c.method, url: c.url, headers: theirs },
        {
          lookupSecret,
          service: c.service,
          regions: [c.region],
          now: new Date(c.time * 1000),
          payloadHash: hexSha256(body),
        },
      );
      expect(verified).toMatchObject({ accessKeyId: CREDENTIALS.accessKeyId, region: c.region });
      expect(verified.sessionToken).toBe(c.token);
      const mine = signRequest(
        { method: c.method, url: c.url, headers: c.headers, body },
        {
          credentials: { ...CREDENTIALS, ...(c.token === undefined ? {} : { sessionToken: c.token }) },
          region: c.region,
          service: c.service,
          date: new Date(c.time * 1000),
        },
      );
      expect(mine.authorization).toBe(theirs.Authorization);
    },
  );

  it('ECR client calls (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload) verify', async () => {
    expect(out.ecr).toHaveLength(3);
    for (const call of out.ecr) {
      const body = ourBody(call.body);
      const verified = await verifyRequest(
        { method: call.method, url: call.url, headers: new Headers(call.headers) },
        { lookupSecret, service: 'ecr', regions: ['us-east-1'], payloadHash: hexSha256(body) },
      );
      expect(verified.signedHeaders).toContain('x-amz-target');
      // Our signer reproduces the CLI's signature from the same headers and body.
      const { Authorization, 'X-Amz-Date': amzDate, ...rest } = call.headers;
      const date = amzDate as string;
      const mine = signRequest(
        { method: call.method, url: call.url, headers: rest, body },
        {
          credentials: CREDENTIALS,
          region: 'us-east-1',
          service: 'ecr',
          date: new Date(
            `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
          ),
          signedHeaders: Authorization?.match(/SignedHeaders=([^,]+)/)?.[1]?.split(';'),
        },
      );
      expect(mine.authorization).toBe(Authorization);
    }
  });
});
