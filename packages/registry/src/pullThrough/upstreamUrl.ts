import { invalidParameter } from '@edgecr/protocol';

/**
 * The origin requests to an upstream registry go to: `upstreamRegistryUrl` as ECR takes it (a host such as
 * `registry-1.docker.io`, https) or, beyond ECR, with its scheme (`http://` for a registry on loopback).
 * @throws EcrError `InvalidParameterException` for a URL with a path, query, fragment or credentials in it.
 * @example
 * upstreamOrigin('ghcr.io'); // 'https://ghcr.io'
 */
export function upstreamOrigin(upstreamRegistryUrl: string): string {
  const refuse = (rule: string) => invalidParameter('upstreamRegistryUrl', rule);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(upstreamRegistryUrl)
    ? upstreamRegistryUrl
    : `https://${upstreamRegistryUrl}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw refuse('must be a registry host name or an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must be http or https');
  if (url.username || url.password) throw refuse('must not carry credentials: name a credentialArn');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw refuse('must be a registry host without a path, query or fragment');
  }
  return url.origin;
}

/** Checks an `upstreamRegistryUrl` as upstreamOrigin does. */
export function checkUpstreamUrl(upstreamRegistryUrl: string): void {
  upstreamOrigin(upstreamRegistryUrl);
}
