import type { PullThroughRefresh } from '@edgecr/registry';

/** What the operator sets (on Cloudflare: the Worker's `vars` and secrets, read by its configuration). */
export interface Settings {
  /** Region named in repository ARNs. */
  region: string;
  /** Regions a SigV4 credential scope may name; undefined accepts any. */
  regions: string[] | undefined;
  /** The size of every stored part but the last, and the `partSize` InitiateLayerUpload announces. */
  partSize: number;
  uploadTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  authorizationTokenTtlSeconds: number;
  requireImageReference: boolean;
  /** How long a layer no image references stays before the sweep reclaims it; null never sweeps. */
  unreferencedLayerGraceSeconds: number | null;
  /**
   * How long this isolate believes "repository R holds digest D" (a blob, an image by digest) once the Registry
   * object said so; 0 asks the object every time. See docs/pulls.md.
   */
  holdingCacheSeconds: number;
  /** How long this isolate believes a tag's image once the Registry object answered it; 0 asks every time. */
  tagCacheSeconds: number;
  /** Origins other than the endpoint's own that browsers may call the API from. */
  allowedOrigins: string[];
  /** The key download URLs are signed with; without it no download URL is issued or served. */
  urlSigningKey: string | undefined;
  /** The access keys (the `EDGECR_CREDENTIALS` JSON), unparsed; without them every request is refused. */
  credentials: string | undefined;
  /**
   * The registry anonymous `/v2/` callers reach (repositories whose policy allows everyone to pull); unset: the
   * one registry the keys belong to, or none when they span several.
   */
  publicRegistryId?: string;
  /** Upstream registries' credentials by name (the `UPSTREAM_CREDENTIALS` JSON), unparsed; never logged. */
  upstreamCredentials?: string | undefined;
  /**
   * How long a tag cached through each pull-through cache rule is served before it is checked upstream again
   * (parsePullThroughRefresh); ECR's 24 hours when unset.
   */
  pullThroughRefresh?: PullThroughRefresh;
}
