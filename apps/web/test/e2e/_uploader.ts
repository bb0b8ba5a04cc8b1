// The uploader page as a test drives it: through its labelled controls, as a person would.
import type { FileChooser, Locator, Page, Request } from 'playwright-core';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** What the network does to UploadLayerPart requests, changed by the test while the page uploads. */
export interface NetworkControl {
  /** Each part waits this long before it goes out: an upload slow enough to interrupt. */
  delayMs: number;
  /** Every part fails as if the cable were pulled. */
  cut: boolean;
}

/**
 * Runs in the page before its own scripts: reports the first byte of every UploadLayerPart as the page sends
 * it (and its last). The page sends parts as Blobs, whose bytes DevTools does not pass on (`request.postDataBuffer()` is
 * null for them), so the members before the blob are read from the Blob's head here.
 */
function reportPartStarts(): void {
  const { send, setRequestHeader } = XMLHttpRequest.prototype;
  const targets = new WeakMap<XMLHttpRequest, string>();
  XMLHttpRequest.prototype.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    if (name.toLowerCase() === 'x-amz-target') targets.set(this, value);
    setRequestHeader.call(this, name, value);
  };
  XMLHttpRequest.prototype.send = function (
    this: XMLHttpRequest,
    body?: Document | XMLHttpRequestBodyInit | null,
  ) {
    if (targets.get(this)?.endsWith('.UploadLayerPart') && body instanceof Blob) {
      const report = (window as unknown as { __edgecrPartSent(first: number, last: number): void })
        .__edgecrPartSent;
      // The members before the blob are in the first few hundred bytes.
      void body
        .slice(0, 400)
        .text()
        .then((head) => {
          const first = /"partFirstByte":(\d+)/.exec(head)?.[1];
          const last = /"partLastByte":(\d+)/.exec(head)?.[1];
          if (first !== undefined && last !== undefined) report(Number(first), Number(last));
        });
    }
    send.call(this, body);
  };
}

export class UploaderPage {
  readonly page: Page;
  readonly network: NetworkControl = { delayMs: 0, cut: false };
  /** First byte of every UploadLayerPart the page sent, in order. */
  readonly partStarts: number[] = [];
  /** Layer bytes each UploadLayerPart carried (its last byte minus its first, plus one), in order. */
  readonly partSizes: number[] = [];
  /** Operations the page called, in order. */
  readonly operations: string[] = [];
  #onFileChooser: ((chooser: FileChooser) => void) | undefined;
  readonly #ready: Promise<unknown>;

  constructor(page: Page) {
    this.page = page;
    this.#ready = Promise.all([
      page.exposeBinding('__edgecrPartSent', (_source, first: number, last: number) => {
        this.partStarts.push(first);
        this.partSizes.push(last - first + 1);
      }),
      page.addInitScript(reportPartStarts),
    ]);
    page.on('request', (request) => this.#record(request));
    // Listening from the start turns on Chromium's file chooser interception before any key is pressed;
    // `waitForEvent('filechooser')` just before the key press races with it.
    page.on('filechooser', (chooser) => this.#onFileChooser?.(chooser));
  }

  #record(request: Request): void {
    const target = request.headers()['x-amz-target'];
    if (request.method() !== 'POST' || !target?.startsWith(TARGET_PREFIX)) return;
    this.operations.push(target.slice(TARGET_PREFIX.length));
  }

  /** Routes UploadLayerPart through {@link NetworkControl}. */
  async interceptParts(): Promise<void> {
    await this.page.route(
      (url) => url.pathname === '/',
      async (route) => {
        const request = route.request();
        if (request.method() === 'POST' && request.headers()['x-amz-target']?.endsWith('.UploadLayerPart')) {
          if (this.network.cut) return route.abort('internetdisconnected');
          if (this.network.delayMs > 0)
            await new Promise((resolve) => setTimeout(resolve, this.network.delayMs));
          if (this.network.cut) return route.abort('internetdisconnected');
        }
        await route.continue();
      },
    );
  }

  async open(url: string): Promise<void> {
    await this.#ready;
    await this.page.goto(url);
  }

  /** Fills in the local stack's development key (the endpoint is the page's own origin by default). */
  async useLocalKey(): Promise<void> {
    const button = this.page.getByRole('button', { name: 'Use the local development key' });
    if (!(await button.isVisible())) await this.page.getByRole('button', { name: /^Change the key/ }).click();
    await button.click();
    await this.page.getByTestId('key-chip').waitFor();
  }

  /** Creates a repository from the repositories view; the page then opens its push panel. */
  async createRepository(name: string): Promise<void> {
    if (!(await this.page.getByLabel('New repository').isVisible())) await this.openRepositories();
    await this.page.getByLabel('New repository').fill(name);
    await this.page.getByRole('button', { name: 'Create', exact: true }).click();
    await this.pushPanel(name).waitFor();
  }

  /** Goes to the repositories view through its link, as a person would. */
  async openRepositories(): Promise<void> {
    await this.page.getByRole('link', { name: /registry$/ }).click();
    await this.page.getByTestId('repositories-view').waitFor();
  }

  /** From the repositories view, opens a repository and its push panel by their links. */
  async openPushPanel(name: string): Promise<void> {
    await this.openRepositories();
    await this.page.getByRole('link', { name, exact: true }).click();
    await this.page.getByRole('link', { name: 'Push an image' }).click();
    await this.pushPanel(name).waitFor();
  }

  pushPanel(name: string): Locator {
    return this.page.getByRole('region', { name: `Push to ${name}` });
  }

  async setSkipExisting(on: boolean): Promise<void> {
    await this.page.getByLabel(/Skip layers the repository already has/).setChecked(on);
  }

  /** Chooses files with the file input. */
  async addFiles(...paths: string[]): Promise<void> {
    await this.page.locator('[data-testid="file-input"]').setInputFiles(paths);
  }

  /** Chooses files from the keyboard: focus the drop zone, press Enter, pick in the file chooser. */
  async addFilesByKeyboard(...paths: string[]): Promise<void> {
    await this.chooseWith(
      this.page.getByRole('button', { name: /Drop image archives or layer files here/ }),
      ...paths,
    );
  }

  /** Focuses `control`, presses Enter, and picks `paths` in the file chooser it opens. */
  async chooseWith(control: Locator, ...paths: string[]): Promise<void> {
    const chooser = new Promise<FileChooser>((resolve) => {
      this.#onFileChooser = resolve;
    });
    await control.focus();
    await this.page.keyboard.press('Enter');
    await (await chooser).setFiles(paths);
    this.#onFileChooser = undefined;
  }

  layer(name: string): Locator {
    return this.page.locator(`[data-testid="layer"][data-name="${name}"]`);
  }

  async waitForStatus(name: string, status: string, timeout = 120_000): Promise<void> {
    await this.page
      .locator(`[data-testid="layer"][data-name="${name}"][data-status="${status}"]`)
      .waitFor({ timeout });
  }

  /** Waits until the endpoint has acknowledged at least `bytes` of the layer. */
  async waitForUploaded(name: string, bytes: number, timeout = 120_000): Promise<void> {
    await this.page.waitForFunction(
      ([layerName, wanted]) => {
        const row = document.querySelector(`[data-testid="layer"][data-name="${layerName}"]`);
        return Number(row?.getAttribute('data-bytes-acknowledged') ?? 0) >= (wanted as number);
      },
      [name, bytes] as const,
      { timeout },
    );
  }

  async attribute(name: string, attribute: string): Promise<string | null> {
    return this.layer(name).getAttribute(attribute);
  }

  async digest(name: string): Promise<string> {
    return (await this.layer(name).getByTestId('digest').textContent()) ?? '';
  }

  async downloadUrl(name: string): Promise<string> {
    return (await this.layer(name).getByTestId('download').getAttribute('href')) ?? '';
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({
      path: new URL(`../../.e2e/${name}.png`, import.meta.url).pathname,
      fullPage: true,
    });
  }
}
