// The console's pure parts: the address of each view and back, and the images table's rows (an index's
// children and an image's referrers nested under it, newest push first).
import type { ImageDetail } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { imageRows } from '../../src/ui/catalog.ts';
import { pullCommands } from '../../src/ui/pullCommands.ts';
import { href, parseRoute, type Route } from '../../src/ui/router.ts';

const digest = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

describe('routes', () => {
  const routes: Route[] = [
    { view: 'repositories' },
    { view: 'repository', repositoryName: 'app' },
    { view: 'repository', repositoryName: 'team/push', push: true },
    { view: 'repository', repositoryName: 'team/images/x' },
    { view: 'image', repositoryName: 'a/b/c', digest: digest(7) },
  ];
  it.each(routes)('reads back the address of %o', (route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });

  it('takes anything unrecognised for the repositories list', () => {
    for (const hash of ['', '#', '#/nowhere', '#/repositories/', '#/repositories/app/-/images/not-a-digest'])
      expect(parseRoute(hash)).toEqual({ view: 'repositories' });
  });

  it('reads an address whose parts the browser percent-encoded', () => {
    expect(parseRoute('#/repositories/team%2Fapp/-/images/sha256%3Aab')).toEqual({
      view: 'image',
      repositoryName: 'team/app',
      digest: 'sha256:ab',
    });
  });
});

describe('the images table', () => {
  const image = (n: number, extra: Partial<ImageDetail> = {}): ImageDetail => ({
    imageDigest: digest(n),
    imagePushedAt: n,
    imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...extra,
  });
  const index = image(10, {
    imageTags: ['multi'],
    imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
  });
  const children = new Map([
    [
      digest(10),
      [
        { mediaType: 'x', digest: digest(1), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'x', digest: digest(2), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    ],
  ]);

  it('nests an index’s children and an image’s referrers, newest push first', () => {
    const signature = image(12, {
      subjectManifestDigest: digest(11),
      artifactMediaType: 'application/x.sig',
    });
    const rows = imageRows(
      [image(1), image(2), index, image(11, { imageTags: ['app'] }), signature, image(5)],
      children,
    );
    expect(rows.map((row) => row.image.imageDigest)).toEqual([digest(11), digest(10), digest(5)]);
    expect(rows[0]?.referrers).toEqual([signature]);
    expect(rows[1]?.children.map((child) => child.image?.imageDigest)).toEqual([digest(1), digest(2)]);
  });

  it('keeps a child that has a tag of its own as a row too, and a referrer whose subject is gone', () => {
    const orphan = image(13, { subjectManifestDigest: digest(99) });
    const rows = imageRows([image(1, { imageTags: ['amd64'] }), image(2), index, orphan], children);
    expect(rows.map((row) => row.image.imageDigest)).toEqual([digest(13), digest(10), digest(1)]);
  });
});

describe('pull commands', () => {
  it('tells skopeo and crane that the local stack speaks plain HTTP', () => {
    expect(pullCommands('http://127.0.0.1:8787/', 'team/app', ':1.0').map((c) => c.command)).toEqual([
      'docker pull 127.0.0.1:8787/team/app:1.0',
      'skopeo copy --src-tls-verify=false docker://127.0.0.1:8787/team/app:1.0 oci-archive:app.tar',
      'crane pull --insecure 127.0.0.1:8787/team/app:1.0 app.tar',
    ]);
    expect(pullCommands('https://ecr.example/', 'app', '@sha256:ab')[2]?.command).toBe(
      'crane pull ecr.example/app@sha256:ab app.tar',
    );
  });
});
