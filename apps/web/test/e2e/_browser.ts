// Debian's Chromium driven by playwright-core: Playwright's own browser downloads are not reachable here.

import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@edgecr/testkit/chromium';
import { type Browser, chromium } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}
