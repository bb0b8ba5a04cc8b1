// What a pull costs at the Registry object: every catalog call a door makes, counted at the hosting's catalog
// handle (the one seam to the object), for a cold and a warm pull of a three-layer image through both doors,
// within one isolate and across the isolates of one edge.
import { describe, expect, it } from 'vitest';
import { ecrPull, ociPull, pullFixture } from './_pull.ts';

describe('the Registry object calls of a pull of a three-layer image, every answer asked of the object', () => {
  it('through /v2/: N+3 reads and a pull recorded per manifest answer, cold and warm alike', async () => {
    const pulls = await pullFixture({ memo: false });
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 2, findLayer: 4, recordPulls: 2 });
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 2, findLayer: 4, recordPulls: 2 });
  });

  it('through the ECR API: BatchGetImage, then two per blob (its URL and its download)', async () => {
    const pulls = await pullFixture({ memo: false });
    await ecrPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 8, recordPulls: 1 });
  });
});

describe('the Registry object calls of the same pulls with the pull memo and the edge cache', () => {
  it('through /v2/ by tag: N+3 cold (one the pull recorded after the answer), then the tag alone', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 4, recordPulls: 1 });
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({});
    pulls.clock.now += 10_000;
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1 });
    // Past the holding time every fact is asked again; the pull was recorded today already.
    pulls.clock.now += 61_000;
    await ociPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 4 });
  });

  it('through /v2/ by digest: nothing warm, and nothing in another isolate of the same edge', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    const { digest } = pulls.image;
    await ociPull(pulls, digest);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 4, recordPulls: 1 });
    pulls.clock.now += 30_000;
    await ociPull(pulls, digest);
    expect(pulls.taken()).toEqual({});
    // Another isolate reads the facts at the edge; it records the pull once of its own, which writes nothing.
    const other = pulls.isolate();
    await ociPull(pulls, digest, other);
    expect(pulls.taken()).toEqual({ recordPulls: 1 });
    await ociPull(pulls, digest, other);
    expect(pulls.taken()).toEqual({});
    // By tag, another isolate asks the tag alone.
    await ociPull(pulls, 'v1', pulls.isolate());
    expect(pulls.taken()).toEqual({ pullImage: 1, recordPulls: 1 });
    // The edge keeps a fact no longer than the holding time.
    pulls.clock.now += 31_000;
    await ociPull(pulls, digest, pulls.isolate());
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 4, recordPulls: 1 });
  });

  it('through the ECR API: BatchGetImage and one call per blob cold, the tag alone warm', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    await ecrPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 4, recordPulls: 1 });
    pulls.clock.now += 10_000;
    await ecrPull(pulls);
    expect(pulls.taken()).toEqual({ pullImage: 1 });
  });
});
