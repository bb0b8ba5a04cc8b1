// Benchmark: the console's repository view over a repository of 10,000 images (CONSOLE_IMAGES to change), in
// headless Chromium against the local stack (`wrangler dev`). Measured in one run: the time from following the
// repository's link to its first rows and to its last DescribeImages page, against the same pages fetched from
// Node with the AWS SDK alone; the longest stall of the page's main thread while the pages come in (a 50 ms
// timer's worst lateness); and a move to the next page of rows.
// Run: pnpm --filter @edgecr/web exec node bench/console.ts (after `vite build`; `pnpm bench` runs both).
import { CreateRepositoryCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { LOCAL_DEV_KEY } from '../src/ui/settings.ts';
import { launchChromium } from '../test/e2e/_browser.ts';
import { seedImages } from '../test/e2e/_console.ts';
import { startPageServer } from '../test/e2e/_server.ts';
import { UploaderPage } from '../test/e2e/_uploader.ts';

const IMAGES = Number(process.env.CONSOLE_IMAGES ?? 10_000);
const REPOSITORY = 'bench/console';
const stack = await startLocalStack();
const server = await startPageServer(stack.endpoint);
const browser = await launchChromium();
const sdk = new ECRClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: LOCAL_DEV_KEY });
try {
  await sdk.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  const seeding = performance.now();
  await seedImages(sdk, REPOSITORY, IMAGES);
  console.log(
    `${IMAGES.toLocaleString('en')} images pushed in ${((performance.now() - seeding) / 1000).toFixed(0)} s`,
  );

  // The reference: DescribeImages' pages from Node, nothing else.
  const reference = performance.now();
  let firstPageMs = 0;
  let nextToken: string | undefined;
  do {
    const page = await sdk.send(
      new DescribeImagesCommand({
        repositoryName: REPOSITORY,
        maxResults: 1000,
        ...(nextToken && { nextToken }),
      }),
    );
    firstPageMs ||= performance.now() - reference;
    nextToken = page.nextToken;
  } while (nextToken);
  const allPagesMs = performance.now() - reference;

  const uploader = new UploaderPage(await (await browser.newContext()).newPage());
  const { page } = uploader;
  await uploader.open(server.url);
  await uploader.useLocalKey();
  // The list's own counts read every image too: wait for them, so the endpoint is idle when the clock starts.
  const row = page.locator(`[data-testid="repository-row"][data-name="${REPOSITORY}"]`);
  await row.getByText(IMAGES.toLocaleString('en'), { exact: true }).waitFor({ timeout: 600_000 });
  await page.evaluate(() => {
    const probe = window as unknown as { worstLateMs: number };
    probe.worstLateMs = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      probe.worstLateMs = Math.max(probe.worstLateMs, now - last - 50);
      last = now;
    }, 50);
  });
  const started = performance.now();
  await row.getByRole('link', { name: REPOSITORY }).click();
  await page.locator('[data-testid="images-table"] > tbody').first().waitFor();
  const firstRowsMs = performance.now() - started;
  await page
    .getByText(`${IMAGES.toLocaleString('en')} images.`, { exact: true })
    .waitFor({ timeout: 600_000 });
  const allRowsMs = performance.now() - started;
  const worstLateMs = await page.evaluate(() => (window as unknown as { worstLateMs: number }).worstLateMs);
  const paging = performance.now();
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText(/^Page 2 of /).waitFor();
  const nextPageMs = performance.now() - paging;

  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log(`Repository view of ${IMAGES.toLocaleString('en')} images (DescribeImages pages of 1,000):`);
  console.log(
    `  first rows shown:  ${ms(firstRowsMs)}; first page from Node alone ${ms(firstPageMs)} (ratio ${(firstRowsMs / firstPageMs).toFixed(2)})`,
  );
  console.log(
    `  every page in:     ${ms(allRowsMs)}; every page from Node alone ${ms(allPagesMs)} (ratio ${(allRowsMs / allPagesMs).toFixed(2)})`,
  );
  console.log(
    `  main thread's longest stall meanwhile: ${ms(worstLateMs)}; next page of rows: ${ms(nextPageMs)}`,
  );
} finally {
  sdk.destroy();
  await browser.close();
  await server.close();
  await stack.stop();
  removeState(stack);
}
