import { expect, test } from '@playwright/test';
import { AUTO_BACKEND, importSmallFileAndTrain, ON_SWIFTSHADER, Playground } from './playground';

// The automatic backend choice: on SwiftShader (a software WebGPU adapter) it must pass WebGPU
// over for the threaded WASM backend, say why, and train on it.
test('the automatic choice takes threaded WASM over SwiftShader, says why, and trains', async ({
  page,
}) => {
  // CI is always on SwiftShader: there this test must run, never skip.
  test.skip(
    !ON_SWIFTSHADER && !process.env.CI,
    'on a real GPU the automatic choice is WebGPU (smoke.spec.ts)',
  );
  const app = new Playground(page);
  await app.open(
    'steps=6&rounds=1&prompts=64&batch=4&log=1&evalEvery=100&evalPrompts=1&evalTokens=4',
  );
  await app.waitForBackend();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const status = await app.status();
  expect(status?.backend).toBe(AUTO_BACKEND);
  const engine = status?.engine;
  expect(engine?.requested).toBe('auto');
  expect(engine?.crossOriginIsolated).toBe(true);
  // XNNPACK's pool: half the logical cores the browser reports, at least 2 (backendChoice.ts).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Math.max(2, Math.floor(cores / 2));
  expect(engine?.threads).toBe(threads);
  expect(engine?.threads).toBeGreaterThan(1);
  expect(engine?.adapter?.architecture).toBe('swiftshader');
  expect(engine?.passedOver.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'cpu']);
  expect(engine?.passedOver[0]?.reason).toMatch(/^SwiftShader is a software adapter/);
  expect(engine?.fallbackReason).toBeNull();
  await expect(app.badge()).toHaveAttribute('data-backend', 'wasm');
  await expect(app.badge()).toContainText(`WASM · ${threads} threads`);
  await expect(page.getByTestId('backend-why')).toContainText(
    'not WebGPU: SwiftShader is a software adapter',
  );

  await importSmallFileAndTrain(page);
  await page.waitForFunction(() => window.dpoPlayground?.status().phase === 'done', null, {
    timeout: 120_000,
    polling: 250,
  });
  const losses = await page.evaluate(() =>
    (window.dpoPlayground?.metrics() ?? []).map((p) => Number(p.loss)).filter(Number.isFinite),
  );
  expect(losses).toHaveLength(6);
  // DPO's loss starts at log 2 (π_θ = π_ref) and falls on pairs it can separate.
  expect(losses[0]).toBeCloseTo(Math.log(2), 2);
  expect(losses.at(-1)).toBeLessThan(losses[0] ?? 0);
  expect((await app.status())?.backend).toBe('wasm');
  expect(app.errors).toEqual([]);
});

test('?backend=cpu forces the CPU backend and the badge says it was asked for', async ({
  page,
}) => {
  const app = new Playground(page);
  await app.open('backend=cpu');
  await app.waitForBackend();
  const status = await app.status();
  expect(status?.backend).toBe('cpu');
  expect(status?.engine?.requested).toBe('cpu');
  expect(status?.engine?.passedOver.map((p) => p.backend)).toEqual(['webgpu', 'wasm', 'webgl']);
  await expect(app.badge()).toContainText('CPU · ?backend=cpu');
  // The choice stays in the URL, so a shared link runs on the same backend.
  expect(new URL(page.url()).searchParams.get('backend')).toBe('cpu');
  expect(app.errors).toEqual([]);
});
