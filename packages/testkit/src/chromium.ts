// The browser the tests drive: Debian's `chromium` package (.ci/run installs it), because Playwright's own
// browser downloads are not reachable from these machines. One source for the Vitest browser
// projects (chunker, image-archive) and the page's end-to-end tests and benchmark.

/** Where the browser is; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, as root, and without the background connections a closed network refuses. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
