import { expect, type Page, test, type Worker } from '@playwright/test';
import { AUTO_BACKEND, Playground } from './playground';

// A locked-down page: no request leaves the served origin, the Content-Security-Policy is
// sent and obeyed (not one violation while the app loads, imports, trains and exports), and
// user text is shown as text.

const XSS_NAME = '<img src=x onerror=window.__xss=1>.jsonl';
// Short, so that prompt and completion fit the nano model's 64 tokens uncut.
const XSS_PROMPT = '<script>window.__xss=2</script>';
const XSS_CHOSEN = ' <img src=x onerror=window.__xss=3>';

/** A small TRL file whose texts are HTML that would run if it were ever parsed as markup. */
function hostileFile(): Buffer {
  const rows = Array.from({ length: 8 }, (_, i) =>
    JSON.stringify({
      prompt: `${XSS_PROMPT}${i}`,
      chosen: XSS_CHOSEN,
      rejected: ' <svg onload=window.__xss=4>',
    }),
  );
  return Buffer.from(`${rows.join('\n')}\n`);
}

type Violation = { directive: string; blocked: string; where: string };
type ViolationLog = { cspViolations?: Violation[] };

/** The same listener, run first in the page and first in the worker's script. */
const LISTEN = `(() => {
  const log = [];
  globalThis.cspViolations = log;
  globalThis.addEventListener('securitypolicyviolation', (e) => {
    log.push({ directive: e.violatedDirective, blocked: e.blockedURI, where: String(globalThis.constructor.name) });
  });
})();
`;

/**
 * Records securitypolicyviolation events in the page and in its worker from their first line:
 * the worker's script is served with the listener in front (its CSP header kept), so even a
 * violation while its modules load is seen.
 */
async function watchViolations(page: Page): Promise<() => Promise<Violation[]>> {
  await page.addInitScript(LISTEN);
  await page.route('**/assets/worker-*.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: LISTEN + (await response.text()) });
  });
  // The training worker; WASM's pthread workers (blob: URLs, its policy) report in the console.
  const workers: Worker[] = [];
  page.on('worker', (w) => {
    if (/\/assets\/worker-[^/]+\.js$/.test(w.url())) workers.push(w);
  });
  return async () => {
    const seen = await page.evaluate(() => (window as ViolationLog).cspViolations ?? []);
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) {
      const inWorker = await w.evaluate(() => (self as ViolationLog).cspViolations);
      expect(inWorker).toBeDefined(); // the listener really ran in the worker
      seen.push(...(inWorker ?? []));
    }
    return seen;
  };
}

test('no request leaves the origin and the CSP holds while the app imports, trains and exports', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(240_000); // ≈ 1 min alone; the shared CI machine can be several times slower
  const origin = new URL(baseURL ?? '').origin;
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('request', (r) => requests.push(r.url()));
  // CSP reports land in the console (page and workers), whatever else is listening.
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  const violations = await watchViolations(page);
  const app = new Playground(page);

  const response = await page.goto(
    '/?steps=2&rounds=1&prompts=64&batch=2&log=1&evalEvery=100&evalPrompts=1&evalTokens=4',
  );
  const header = response?.headers()['content-security-policy'] ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    'frame-ancestors',
  ]) {
    expect(header).toContain(directive);
  }
  expect(header).not.toMatch(/unsafe-inline|'unsafe-eval'/);
  // No blob: scripts or workers in the page (the training worker's own policy has them).
  expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval'; worker-src 'self';/);
  // Cross-origin isolation, so the WASM backend may run threads (SharedArrayBuffer).
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  // The same policy, less frame-ancestors, travels in the page for hosts that send no headers.
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(meta).toBe(header.replace(/; frame-ancestors [^;]*/, ''));
  expect(await page.locator('script:not([src])').count()).toBe(0);

  await app.waitForBackend();
  expect((await app.status())?.backend).toBe(AUTO_BACKEND);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The training worker's own policy lets it start WASM's pthread workers from blob: URLs
  // (they inherit it); the page's policy above does not allow blob: scripts.
  const workerUrl = page
    .workers()
    .find((w) => /\/assets\/worker-[^/]+\.js$/.test(w.url()))
    ?.url();
  expect(workerUrl).toBeDefined();
  const workerCsp = (await page.request.get(workerUrl ?? '')).headers()['content-security-policy'];
  expect(workerCsp).toContain("worker-src 'self' blob:");
  expect(workerCsp).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
  expect(workerCsp).not.toMatch(/unsafe-inline|'unsafe-eval'/);
  await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint());

  // Hostile names and texts are imported, shown literally, and never run.
  await page.getByTestId('data-file').setInputFiles({
    name: XSS_NAME,
    mimeType: 'application/jsonl',
    buffer: hostileFile(),
  });
  await page.waitForFunction((n) => window.dpoPlayground?.dataset()?.name === n, XSS_NAME);
  await expect(page.getByText(XSS_NAME).first()).toBeVisible();

  await page.getByTestId('run-start').click();
  await page.waitForFunction(() => window.dpoPlayground?.status().phase === 'done', null, {
    timeout: 180_000,
    polling: 250,
  });
  await expect(page.getByTestId('pairs-table')).toContainText(XSS_PROMPT);
  await expect(page.getByTestId('pairs-table')).toContainText(XSS_CHOSEN.trim());
  expect(await page.locator('#root img[src="x"], #root svg[onload], #root script').count()).toBe(0);
  const losses = await page.evaluate(
    () => window.dpoPlayground?.metrics().filter((p) => typeof p.loss === 'number').length,
  );
  expect(losses).toBe(2);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-hf').click();
  expect((await download).suggestedFilename()).toMatch(/\.zip$/);

  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(await violations()).toEqual([]);
  expect(consoleLines.filter((l) => /content security policy|refused to/i.test(l))).toEqual([]);
  expect(app.errors).toEqual([]);
  // Every request went to the served origin (blob: URLs carry it too) or was inline data.
  const offOrigin = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
  expect(offOrigin).toEqual([]);
  expect(requests.length).toBeGreaterThan(3);
});
