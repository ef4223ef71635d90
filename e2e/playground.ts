import { expect, type Page } from '@playwright/test';

/** SwiftShader unless DPO_E2E_ADAPTER names another adapter (see playwright.config.ts). */
export const ON_SWIFTSHADER = (process.env.DPO_E2E_ADAPTER ?? 'swiftshader') === 'swiftshader';
/**
 * What the automatic choice must pick: WASM where WebGPU is SwiftShader (a software adapter),
 * WebGPU on a machine's real GPU.
 */
export const AUTO_BACKEND = ON_SWIFTSHADER ? 'wasm' : 'webgpu';

/** Page object: the playground, plus the console/page errors seen while it ran. */
export class Playground {
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console: ${m.text()}`);
    });
  }

  /** Opens the page; `query` e.g. 'backend=webgpu' to force a backend. */
  async open(query = ''): Promise<void> {
    await this.page.goto(query ? `/?${query}` : '/');
    await expect(this.page.getByRole('heading', { name: 'DPO Playground' })).toBeVisible();
  }

  badge() {
    return this.page.getByTestId('backend-badge');
  }

  async waitForBackend(): Promise<void> {
    await expect(this.badge()).not.toHaveAttribute('data-backend', '');
  }

  status() {
    return this.page.evaluate(() => window.dpoPlayground?.status());
  }
}

/** A small preference file in TRL's JSONL layout: n made-up pairs. */
export function smallPreferenceFile(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      prompt: `Tell me about film ${i}.`,
      chosen: ' It is a warm, funny and moving film.',
      rejected: ' It is dull.',
    }),
  );
  return Buffer.from(`${rows.join('\n')}\n`);
}

/**
 * Opens the page with `query` on WebGPU, forced (`backend=webgpu`: the automatic choice would
 * take WASM on SwiftShader), checks the adapter is SwiftShader (unless DPO_E2E_ADAPTER names
 * another adapter), imports a small preference file and starts training.
 */
export async function startSmallRun(page: Page, query: string): Promise<Playground> {
  const app = new Playground(page);
  await page.goto(`/?${query}&backend=webgpu`);
  await app.waitForBackend();
  const status = await app.status();
  expect(status?.backend).toBe('webgpu');
  if (ON_SWIFTSHADER) expect(status?.adapter?.architecture).toBe('swiftshader');
  await importSmallFileAndTrain(page);
  return app;
}

/** Once the SFT model is in: imports a 12-pair preference file and presses ▶ Train. */
export async function importSmallFileAndTrain(page: Page): Promise<void> {
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());
  await page.getByTestId('data-file').setInputFiles({
    name: 'films.jsonl',
    mimeType: 'application/jsonl',
    buffer: smallPreferenceFile(12),
  });
  await page.waitForFunction(() => window.dpoPlayground?.dataset()?.name === 'films.jsonl');
  await page.getByTestId('run-start').click();
}

/** Waits until the run has logged step `n` (or gone past it). */
export async function waitForStep(page: Page, n: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((s) => (window.dpoPlayground?.status().step ?? 0) >= s, n, {
    timeout,
    polling: 100,
  });
}
