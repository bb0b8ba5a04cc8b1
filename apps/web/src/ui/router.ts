/**
 * The console's views and their URLs. Hash routing (`#/repositories/team/app`): the Worker serves the page's
 * assets from `/`, so a hash keeps every view reachable by reload and shared link without routes on the
 * server, and the browser's back and forward move between views by themselves.
 * @module
 */

import { useEffect, useState } from 'preact/hooks';

/** One view of the console. */
export type Route =
  | { readonly view: 'repositories' }
  | { readonly view: 'repository'; readonly repositoryName: string; readonly push?: boolean }
  | { readonly view: 'image'; readonly repositoryName: string; readonly digest: string };

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * The view a hash names; anything unrecognised is the repositories list.
 * @example
 * parseRoute('#/repositories/team/app/-/images/sha256:ab…'); // { view: 'image', repositoryName: 'team/app', digest: 'sha256:ab…' }
 */
export function parseRoute(hash: string): Route {
  const path = decodeURIComponent(hash.replace(/^#\/?/, ''));
  // `-` cannot start a path segment of a repository name, so `/-/` ends the name whatever it holds.
  const match = /^repositories\/(.+?)(?:\/-\/(?:(push)|images\/([^/]+)))?\/?$/.exec(path);
  if (!match?.[1]) return { view: 'repositories' };
  const [, repositoryName, push, digest] = match;
  if (digest !== undefined) {
    return DIGEST.test(digest) ? { view: 'image', repositoryName, digest } : { view: 'repositories' };
  }
  return { view: 'repository', repositoryName, ...(push && { push: true }) };
}

/**
 * The link of a view (the inverse of {@link parseRoute}).
 * @example
 * href({ view: 'repository', repositoryName: 'team/app', push: true }); // '#/repositories/team/app/-/push'
 */
export function href(route: Route): string {
  switch (route.view) {
    case 'repositories':
      return '#/repositories';
    case 'repository':
      return `#/repositories/${route.repositoryName}${route.push ? '/-/push' : ''}`;
    case 'image':
      return `#/repositories/${route.repositoryName}/-/images/${route.digest}`;
  }
}

/** Opens a view, as following its link would (a new history entry). */
export function navigate(route: Route): void {
  location.hash = href(route);
}

/** The view the address names, followed as it changes (links, back, forward, a typed address). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
