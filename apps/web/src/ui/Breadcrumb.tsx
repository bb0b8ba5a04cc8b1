/**
 * Where the person is: the trail of links above a view, the document title, and the keyboard focus moved to a
 * view's heading when another view opens.
 * @module
 */

import { useEffect, useRef } from 'preact/hooks';
import { href, type Route } from './router.ts';

/** The trail of links above a view: Repositories › team/app › image. */
export function Breadcrumb({ route }: { route: Route }) {
  if (route.view === 'repositories') return null;
  const { repositoryName } = route;
  return (
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <ol>
        <li>
          <a href={href({ view: 'repositories' })}>Repositories</a>
        </li>
        <li>
          {route.view === 'image' ? (
            <a href={href({ view: 'repository', repositoryName })}>{repositoryName}</a>
          ) : (
            <span aria-current="page">{repositoryName}</span>
          )}
        </li>
        {route.view === 'image' && (
          <li>
            <span aria-current="page">{route.digest.slice(0, 19)}…</span>
          </li>
        )}
      </ol>
    </nav>
  );
}

/** The document title of a view, so history and tabs tell views apart. */
function titleOf(route: Route): string {
  const base = 'edgecr registry';
  if (route.view === 'repositories') return base;
  if (route.view === 'repository') return `${route.repositoryName} · ${base}`;
  return `${route.repositoryName}@${route.digest.slice(0, 19)}… · ${base}`;
}

/** On a move to another view, the focus goes to its heading: keyboard and screen reader users start there. */
export function useFocusOnViewChange(route: Route): void {
  const view =
    route.view === 'repositories' ? '' : `${route.repositoryName}|${'digest' in route ? route.digest : ''}`;
  const first = useRef(true);
  useEffect(() => {
    document.title = titleOf(route);
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h2');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }, [view]);
}
