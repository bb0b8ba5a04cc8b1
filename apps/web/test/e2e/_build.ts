// Vitest global setup of the e2e project: builds the page into dist/ before any test serves it.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await build({ root: fileURLToPath(new URL('../..', import.meta.url)), logLevel: 'warn' });
}
