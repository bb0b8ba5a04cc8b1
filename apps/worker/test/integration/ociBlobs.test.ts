import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { createRepository, KEYS, randomBytes, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, errorCode, oci, pushBlob } from './_oci.ts';

const KiB = 1024;

async function openUpload(name: string, auth: string): Promise<string> {
  const response = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth });
  expect(response.status).toBe(202);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/[0-9a-f-]+$`));
  return location;
}

describe('OCI door: authentication', () => {
  it('answers /v2/ 200 with a token and 401 with a Basic challenge without one', async () => {
    const ok = await oci('/v2/', { auth: await basicAuth() });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const anonymous = await oci('/v2/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      'Basic realm="http://edgecr.test/",service="ecr.amazonaws.com"',
    );
    expect(await errorCode(anonymous)).toBe('UNAUTHORIZED');
  });

  it('answers a forged, garbled or foreign-user token 401, never 500', async () => {
    const good = await basicAuth();
    const password = atob(good.slice('Basic '.length)).slice('AWS:'.length);
    const forged = `${password.slice(0, -1)}${password.endsWith('0') ? '1' : '0'}`;
    for (const auth of [
      `Basic ${btoa(`AWS:${forged}`)}`,
      `Basic ${btoa(`someone:${password}`)}`,
      'Basic !!!',
      'Bearer abc',
      `Basic ${btoa('AWS:AKIAEDGECRLOCALDEV01.1.00')}`,
    ]) {
      const response = await oci('/v2/', { auth });
      expect(response.status, auth).toBe(401);
    }
  });

  it('keeps a pull-only key from pushing, and a prefix-limited key to its prefixes', async () => {
    const name = repositoryName('oci-scope');
    await createRepository(name);
    const pull = await basicAuth(KEYS.pullOnly);
    const refused = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth: pull });
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('DENIED');
    const teamA = await basicAuth(KEYS.teamA);
    const outside = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth: teamA });
    expect(outside.status).toBe(403);
  });
});

describe('OCI door: blobs', () => {
  it('pushes monolithically and serves whole, ranged and HEAD answers; 416 past the end', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-blob');
    await createRepository(name);
    const bytes = randomBytes(300_017, 1);
    const digest = await pushBlob(name, bytes, auth);
    const head = await oci(`/v2/${name}/blobs/${digest}`, { method: 'HEAD', auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    const whole = await oci(`/v2/${name}/blobs/${digest}`, { auth });
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await oci(`/v2/${name}/blobs/${digest}`, { auth, headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const past = await oci(`/v2/${name}/blobs/${digest}`, {
      auth,
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    // A Range that does not parse is no range request (RFC 9110): the whole blob.
    for (const range of ['bytes=a-b', 'bytes=', 'pages 1-2']) {
      const ignored = await oci(`/v2/${name}/blobs/${digest}`, { auth, headers: { range } });
      expect(ignored.status, range).toBe(200);
      expect(new Uint8Array(await ignored.arrayBuffer())).toEqual(bytes);
    }
    const unknown = await oci(`/v2/${name}/blobs/sha256:${'0'.repeat(64)}`, { auth });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('BLOB_UNKNOWN');
  });

  it('answers HEAD with digest, length and type, and If-None-Match on the digest 304 before any Range', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-blob-etag');
    await createRepository(name);
    const bytes = randomBytes(70_001, 2);
    const digest = await pushBlob(name, bytes, auth);
    const head = await oci(`/v2/${name}/blobs/${digest}`, { method: 'HEAD', auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(head.headers.get('content-type')).toBe('application/octet-stream');
    expect(head.headers.get('etag')).toBe(`"${digest}"`);
    for (const [method, headers] of [
      ['GET', { 'if-none-match': `"${digest}"` }],
      ['HEAD', { 'if-none-match': `W/"${digest}"` }],
      ['GET', { 'if-none-match': `"other", "${digest}"`, range: 'bytes=0-9' }],
    ] as const) {
      const cached = await oci(`/v2/${name}/blobs/${digest}`, { method, auth, headers });
      expect(cached.status, JSON.stringify(headers)).toBe(304);
      expect(cached.headers.get('etag')).toBe(`"${digest}"`);
      expect(await cached.text()).toBe('');
    }
    const changed = await oci(`/v2/${name}/blobs/${digest}`, {
      auth,
      headers: { 'if-none-match': '"other"' },
    });
    expect(changed.status).toBe(200);
    expect(new Uint8Array(await changed.arrayBuffer())).toEqual(bytes);
    // The condition never stands in for authorisation: a key without the repository learns nothing.
    const teamA = await basicAuth(KEYS.teamA);
    const refused = await oci(`/v2/${name}/blobs/${digest}`, {
      auth: teamA,
      headers: { 'if-none-match': `"${digest}"` },
    });
    expect(refused.status).toBe(403);
  });

  it('answers a push to a repository that does not exist NAME_UNKNOWN in ECR words', async () => {
    const response = await oci('/v2/no-such-repo/blobs/uploads/', {
      method: 'POST',
      auth: await basicAuth(),
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]?.code).toBe('NAME_UNKNOWN');
    expect(body.errors[0]?.message).toContain("The repository with name 'no-such-repo' does not exist");
  });
});

describe('OCI door: uploads', () => {
  it('takes chunks of any size in order, refuses others with 416 and the current Range', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-chunks');
    await createRepository(name);
    const bytes = randomBytes(300_005, 2);
    const location = await openUpload(name, auth);
    const cuts = [0, 1000, 200_000, 300_005];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [start, end] = [cuts[i] as number, cuts[i + 1] as number];
      const response = await oci(location, {
        method: 'PATCH',
        auth,
        body: bytes.slice(start, end),
        headers: { 'content-range': `${start}-${end - 1}`, 'content-type': 'application/octet-stream' },
      });
      expect(response.status).toBe(202);
      expect(response.headers.get('range')).toBe(`0-${end - 1}`);
      if (i === 0) {
        // The same chunk again overlaps what the upload holds; a chunk past the end leaves a gap.
        for (const range of ['0-999', '2000-2999']) {
          const refused = await oci(location, {
            method: 'PATCH',
            auth,
            body: bytes.slice(0, 1000),
            headers: { 'content-range': range },
          });
          expect(refused.status, range).toBe(416);
          expect(refused.headers.get('range')).toBe('0-999');
        }
      }
    }
    const status = await oci(location, { auth });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${bytes.length - 1}`);
    // A wrong digest is refused and leaves the upload usable.
    const wrong = await oci(`${location}?digest=sha256:${'1'.repeat(64)}`, { method: 'PUT', auth });
    expect(wrong.status).toBe(400);
    expect(await errorCode(wrong)).toBe('DIGEST_INVALID');
    const digest = await sha256Digest(bytes);
    const done = await oci(`${location}?digest=${digest}`, { method: 'PUT', auth });
    expect(done.status).toBe(201);
    expect(done.headers.get('docker-content-digest')).toBe(digest);
    const got = await oci(`/v2/${name}/blobs/${digest}`, { auth });
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
  });

  it('streams a PATCH without Content-Range, closes with a last chunk, and cancels', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-stream');
    await createRepository(name);
    const bytes = randomBytes(200_003, 3);
    const location = await openUpload(name, auth);
    const first = await oci(location, { method: 'PATCH', auth, body: bytes.slice(0, KiB) });
    expect(first.headers.get('range')).toBe(`0-${KiB - 1}`);
    const digest = await sha256Digest(bytes);
    const done = await oci(`${location}?digest=${digest}`, {
      method: 'PUT',
      auth,
      body: bytes.slice(KiB),
      headers: { 'content-range': `${KiB}-${bytes.length - 1}` },
    });
    expect(done.status).toBe(201);
    const other = await openUpload(name, auth);
    expect((await oci(other, { method: 'DELETE', auth })).status).toBe(204);
    const gone = await oci(other, { auth });
    expect(gone.status).toBe(404);
    expect(await errorCode(gone)).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('regroups streamed bodies of several MiB, in pieces of any size, without losing or adding a byte', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-regroup');
    await createRepository(name);
    // The first chunk ends on a MiB boundary (the body's end found by an empty read), the second does not.
    const bytes = randomBytes(MiB + MiB + 12_345, 4);
    const location = await openUpload(name, auth);
    const pieces = (chunk: Uint8Array, size: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < chunk.length; offset += size)
            controller.enqueue(chunk.slice(offset, offset + size));
          controller.close();
        },
      });
    for (const [start, end, size] of [
      [0, MiB, 100_000],
      [MiB, bytes.length, 7 * KiB + 3],
    ] as const) {
      const response = await oci(location, {
        method: 'PATCH',
        auth,
        body: pieces(bytes.slice(start, end), size),
        headers: { 'content-range': `${start}-${end - 1}` },
      });
      expect(response.status).toBe(202);
      expect(response.headers.get('range')).toBe(`0-${end - 1}`);
    }
    const digest = await sha256Digest(bytes);
    expect((await oci(`${location}?digest=${digest}`, { method: 'PUT', auth })).status).toBe(201);
    const got = new Uint8Array(await (await oci(`/v2/${name}/blobs/${digest}`, { auth })).arrayBuffer());
    // Compared by digest: an element-by-element comparison of MiBs takes the matcher seconds.
    expect(got.length).toBe(bytes.length);
    expect(await sha256Digest(got)).toBe(digest);
  });

  it('mounts a blob from a repository the caller may read, and falls back to an upload otherwise', async () => {
    const auth = await basicAuth();
    const from = repositoryName('oci-from');
    const to = repositoryName('oci-to');
    await createRepository(from);
    await createRepository(to);
    const digest = await pushBlob(from, randomBytes(4096, 4), auth);
    const mounted = await oci(`/v2/${to}/blobs/uploads/?mount=${digest}&from=${from}`, {
      method: 'POST',
      auth,
    });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/${to}/blobs/${digest}`);
    expect((await oci(`/v2/${to}/blobs/${digest}`, { method: 'HEAD', auth })).status).toBe(200);
    const missing = `sha256:${'2'.repeat(64)}`;
    const fallback = await oci(`/v2/${to}/blobs/uploads/?mount=${missing}&from=${from}`, {
      method: 'POST',
      auth,
    });
    expect(fallback.status).toBe(202);
    // team-a may push to team-a/… but not read `from`: the mount falls back to an upload.
    const teamRepo = `team-a/${repositoryName('mount')}`;
    await createRepository(teamRepo);
    const teamA = await basicAuth(KEYS.teamA);
    const refused = await oci(`/v2/${teamRepo}/blobs/uploads/?mount=${digest}&from=${from}`, {
      method: 'POST',
      auth: teamA,
    });
    expect(refused.status).toBe(202);
    expect((await oci(`/v2/${teamRepo}/blobs/${digest}`, { method: 'HEAD', auth })).status).toBe(404);
  });

  it('mounts without `from` from a holder the key may read, and uploads when every holder is outside its prefixes', async () => {
    const [auth, teamA] = [await basicAuth(), await basicAuth(KEYS.teamA)];
    const [outside, teamFrom, teamTo] = [
      repositoryName('anon-outside'),
      `team-a/${repositoryName('anon-from')}`,
      `team-a/${repositoryName('anon-to')}`,
    ];
    for (const name of [outside, teamFrom, teamTo]) await createRepository(name);
    const anonymous = (name: string, digest: string) =>
      oci(`/v2/${name}/blobs/uploads/?mount=${digest}`, { method: 'POST', auth: teamA });
    // Held only outside team-a/: the team's key gets an upload and the blob stays out of its repository.
    const hidden = await pushBlob(outside, randomBytes(4111, 61), auth);
    const refused = await anonymous(teamTo, hidden);
    expect(refused.status).toBe(202);
    expect(refused.headers.get('location')).toMatch(new RegExp(`^/v2/${teamTo}/blobs/uploads/`));
    expect((await oci(`/v2/${teamTo}/blobs/${hidden}`, { method: 'HEAD', auth })).status).toBe(404);
    // Held outside and in team-a/: mounted from the one the key may read, no bytes sent.
    const shared = randomBytes(4127, 62);
    const digest = await pushBlob(outside, shared, auth);
    await pushBlob(teamFrom, shared, auth);
    const mounted = await anonymous(teamTo, digest);
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/${teamTo}/blobs/${digest}`);
    const got = await oci(`/v2/${teamTo}/blobs/${digest}`, { auth: teamA });
    expect(await sha256Digest(new Uint8Array(await got.arrayBuffer()))).toBe(digest);
  });
});

describe('OCI door: catalog', () => {
  it('lists only the repositories a prefix-limited key reaches, paged with Link', async () => {
    const names = [`team-a/${repositoryName('cat')}`, `team-a/${repositoryName('cat')}`].sort();
    for (const name of [...names, repositoryName('elsewhere')]) await createRepository(name);
    const teamA = await basicAuth(KEYS.teamA);
    const all = (await (await oci('/v2/_catalog', { auth: teamA })).json()) as { repositories: string[] };
    expect(all.repositories.every((name) => name.startsWith('team-a/'))).toBe(true);
    expect(all.repositories).toEqual(expect.arrayContaining(names));
    const first = await oci('/v2/_catalog?n=1', { auth: teamA });
    const page = (await first.json()) as { repositories: string[] };
    expect(page.repositories).toHaveLength(1);
    expect(first.headers.get('link')).toBe(
      `</v2/_catalog?n=1&last=${encodeURIComponent(page.repositories[0] ?? '')}>; rel="next"`,
    );
  });
});
