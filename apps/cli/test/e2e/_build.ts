// Vitest global setup of the e2e project: bundles the CLI into dist/ as the package's build does, so the tests
// run the file users run (the workspace packages' dist/ is built before the tests, by turbo's ^build).
import { bundle } from '../../scripts/bundle.ts';

export default async function setup(): Promise<void> {
  await bundle();
}
