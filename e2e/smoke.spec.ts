import { expect, test } from '@playwright/test';
import { ON_SWIFTSHADER, Playground } from './playground';

// WebGPU forced (?backend=webgpu): the automatic choice takes WASM over SwiftShader.
test('the worker starts on WebGPU and runs a forward pass of a nano model', async ({ page }) => {
  const app = new Playground(page);
  await app.open('backend=webgpu');
  await app.waitForBackend();

  // Idle once the worker has a backend and the default checkpoint is loaded.
  await page.waitForFunction(() => window.dpoPlayground?.status().phase === 'idle');
  const status = await app.status();
  // A silent fallback to WebGL or the CPU must fail here.
  expect(status?.backend).toBe('webgpu');
  expect(status?.phase).toBe('idle');
  expect(status?.adapter).not.toBeNull();
  if (ON_SWIFTSHADER) expect(status?.adapter?.architecture).toBe('swiftshader');
  await expect(app.badge()).toContainText('WebGPU');

  await page.getByText('Engine check').first().click(); // opens the collapsed panel
  await page.getByTestId('smoke-run').click();
  const result = page.getByTestId('smoke-result');
  await expect(result).toBeVisible();
  await expect(result).toHaveAttribute('data-finite', 'true');
  await expect(result).toContainText('[2, 16, 512]');

  const viaApi = await page.evaluate(() => window.dpoPlayground?.smokeForward());
  expect(viaApi?.logitsShape).toEqual([2, 16, 512]);
  expect(viaApi?.finite).toBe(true);
  // The same seeded model on the tfjs CPU backend in Node sums its logits to 27.698076
  // (src/worker/smoke.ts): WebGPU in the browser must agree.
  expect(Math.abs((viaApi?.checksum ?? 0) - 27.698076)).toBeLessThan(1e-3);
  expect(app.errors).toEqual([]);
});
