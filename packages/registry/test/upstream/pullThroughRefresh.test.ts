// Two pull-through cache rules onto the same real upstream (./_upstreams.ts), with different refresh
// intervals: each rule's cached tag is checked upstream again after its own interval (or at once when a pull
// asks), counted at the sessions.
import { MiB } from '@edgecr/protocol';
import { describe, expect, inject, it } from 'vitest';
import {
  createUpstreamSession,
  MemoryHost,
  PullThrough,
  parsePullThroughRefresh,
  refreshSecondsOf,
} from '../../src/index.ts';
import { testSha256 } from './_sha256.ts';

const upstreams = inject('upstreams');

describe('the refresh interval of each rule', () => {
  it("checks a cached tag upstream again after its own rule's interval", async () => {
    let elapsedSeconds = 0;
    // One clock for the catalog (when a tag was checked) and the pull path (whether that is long enough ago).
    const now = () => Date.now() + elapsedSeconds * 1000;
    const host = new MemoryHost({ now });
    const registry = host.registry('123456789012', {
      partSize: 5 * MiB,
      uploadTtlSeconds: 60,
    });
    for (const prefix of ['fast', 'slow']) {
      await registry.catalog.createPullThroughCacheRule({
        ecrRepositoryPrefix: prefix,
        upstreamRegistryUrl: upstreams.anonymous.url,
      });
    }
    const refresh = parsePullThroughRefresh('{"fast": 60, "*": 3600}');
    const upstream = createUpstreamSession();
    /** The upstream requests made, as `<rule> <method> <path>`. */
    const requests: string[] = [];
    const pulled = new PullThrough(registry, {
      refreshSeconds: (rule) => refreshSecondsOf(refresh, rule),
      sessionFor: (rule) => ({
        fetch(url, init) {
          requests.push(`${rule.ecrRepositoryPrefix} ${init?.method ?? 'GET'} ${new URL(url).pathname}`);
          return upstream.fetch(url, init);
        },
      }),
      blobs: host.blobs,
      sha256: testSha256,
      now,
    });
    /** A pull of `v1`, as a door makes it: the catalog's answer, then the pull path. */
    const pull = async (repositoryName: string, refresh = false) => {
      const { answer, source } = await registry.catalog.pullImage({
        repositoryName,
        imageIds: [{ imageTag: 'v1' }],
      });
      const cached = answer?.images?.[0]?.imageId?.imageDigest ?? null;
      return await pulled.manifest(repositoryName, 'v1', cached, source, refresh);
    };
    const checksAfter = async (seconds: number) => {
      elapsedSeconds = seconds;
      requests.length = 0;
      for (const name of ['fast/library/hello', 'slow/library/hello']) expect(await pull(name)).toBe(false);
      return [...requests];
    };
    const tagPath = `/v2/${upstreams.repository}/manifests/v1`;

    expect(await pull('fast/library/hello')).toBe(true);
    expect(await pull('slow/library/hello')).toBe(true);
    expect(await checksAfter(30)).toEqual([]);
    // Past the fast rule's minute, within the default hour: only the fast rule's tag is checked (a HEAD; the
    // image has not moved, so nothing is fetched).
    expect(await checksAfter(120)).toEqual([`fast HEAD ${tagPath}`]);
    expect(await checksAfter(150)).toEqual([]);
    expect(await checksAfter(3_700)).toEqual([`fast HEAD ${tagPath}`, `slow HEAD ${tagPath}`]);
    expect(await checksAfter(3_730)).toEqual([]);
    // A pull that asks for no cached answer has its tag checked now, whatever the interval.
    requests.length = 0;
    expect(await pull('slow/library/hello', true)).toBe(false);
    expect(requests).toEqual([`slow HEAD ${tagPath}`]);
  });
});
