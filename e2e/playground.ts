import { expect, type Page } from '@playwright/test';

/** Page object: the playground, plus the console/page errors seen while it ran. */
export class Playground {
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console: ${m.text()}`);
    });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
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
 * Opens the page with `query`, checks WebGPU on SwiftShader (unless DPO_E2E_ADAPTER names
 * another adapter), imports a small preference file and starts training.
 */
export async function startSmallRun(page: Page, query: string): Promise<Playground> {
  const app = new Playground(page);
  await page.goto(`/?${query}`);
  await app.waitForBackend();
  const status = await app.status();
  expect(status?.backend).toBe('webgpu');
  if ((process.env.DPO_E2E_ADAPTER ?? 'swiftshader') === 'swiftshader') {
    expect(status?.adapter?.architecture).toBe('swiftshader');
  }
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());
  await page.getByTestId('data-file').setInputFiles({
    name: 'films.jsonl',
    mimeType: 'application/jsonl',
    buffer: smallPreferenceFile(12),
  });
  await page.waitForFunction(() => window.dpoPlayground?.dataset()?.name === 'films.jsonl');
  await page.getByTestId('run-start').click();
  return app;
}

/** Waits until the run has logged step `n` (or gone past it). */
export async function waitForStep(page: Page, n: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((s) => (window.dpoPlayground?.status().step ?? 0) >= s, n, {
    timeout,
    polling: 100,
  });
}
