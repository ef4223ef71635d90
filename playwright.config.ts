import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium where it is installed (no browser downloads on CI machines); Playwright's
// own browser elsewhere (`npx playwright install chromium`).
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const executablePath = existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
// SwiftShader (CPU Vulkan) by default, so a GPU-less machine gets a WebGPU adapter; set
// DPO_E2E_ADAPTER=default to let Chromium pick the machine's GPU.
const adapter = process.env.DPO_E2E_ADAPTER ?? 'swiftshader';
// Port and build folder can be moved so that two checkouts' suites do not share a server.
const PORT = Number(process.env.DPO_E2E_PORT ?? 4173);
const DIST = process.env.DPO_E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  outputDir: process.env.DPO_E2E_OUT ?? 'test-results',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // In CI a skipped or fixme test fails the run (e2e/noSkips.ts), as a .only does (forbidOnly).
  reporter: process.env.CI
    ? [['list'], ['./e2e/noSkips.ts']]
    : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium-webgpu',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          args: [
            '--enable-unsafe-webgpu',
            ...(adapter === 'default' ? [] : [`--use-webgpu-adapter=${adapter}`]),
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite build --outDir ${DIST} && npx vite preview --outDir ${DIST} --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
