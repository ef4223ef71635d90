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
