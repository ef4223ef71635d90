/**
 * The Chromium side of the bench: builds the bench page (bench/page) and the app with Vite's
 * JS API into bench/tmp/, serves them on 127.0.0.1, and drives headless Chromium with the
 * e2e suite's flags (playwright.config.ts).
 */

import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { build } from 'vite';
// Brings in the app's `window.dpoPlayground` declaration.
import { ISOLATION_HEADERS, securityHeaders, wasmThreadsGlue } from '../vite.config';
import { type RewardGainResult, timeToRewardGain } from './rewardGain';
import { serveFolder } from './serve';
import { type WalkthroughResult, walkthrough } from './walkthrough';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** The same launch flags as playwright.config.ts (SwiftShader unless DPO_E2E_ADAPTER=default). */
function chromiumArgs(adapter = process.env.DPO_E2E_ADAPTER ?? 'swiftshader'): string[] {
  return [
    '--enable-unsafe-webgpu',
    ...(adapter === 'default' ? [] : [`--use-webgpu-adapter=${adapter}`]),
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ];
}

export type PageOutcome =
  | { ok: true; result: unknown; adapter: unknown }
  | { ok: false; error: string };

export class ChromiumBench {
  private constructor(
    private readonly browser: Browser,
    private readonly servers: Server[],
    private readonly pageUrl: string,
    private readonly appUrl: string | null,
  ) {}

  static async start(opts: { port: number; withApp: boolean; quiet?: boolean }) {
    const root = resolve('.');
    const logLevel = opts.quiet === false ? 'info' : 'warn';
    const pageOut = resolve('bench/tmp/page');
    await build({
      configFile: false,
      root: resolve('bench/page'),
      logLevel,
      build: { outDir: pageOut, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
      worker: { format: 'es' },
      plugins: [wasmThreadsGlue()],
    });
    // Cross-origin isolated (SharedArrayBuffer), so that the wasm row can run threads.
    const servers = [await serveFolder(pageOut, opts.port, () => ({ ...ISOLATION_HEADERS }))];
    let appUrl: string | null = null;
    if (opts.withApp) {
      const appOut = resolve('bench/tmp/app');
      await build({ root, logLevel, build: { outDir: appOut, emptyOutDir: true } });
      servers.push(await serveFolder(appOut, opts.port + 1, securityHeaders));
      appUrl = `http://127.0.0.1:${opts.port + 1}/`;
    }
    const browser = await chromium.launch({
      ...(existsSync(DEBIAN_CHROMIUM) ? { executablePath: DEBIAN_CHROMIUM } : {}),
      args: chromiumArgs(),
    });
    return new ChromiumBench(browser, servers, `http://127.0.0.1:${opts.port}/`, appUrl);
  }

  get version(): string {
    return this.browser.version();
  }

  /** One configuration in a fresh page (a fresh tfjs, GPU device and heap). */
  async run(
    kind: 'ours' | 'peer',
    backend: string,
    options: object,
    timeoutMs: number,
  ): Promise<PageOutcome> {
    const page = await this.browser.newPage();
    try {
      const q = new URLSearchParams({ kind, backend, json: JSON.stringify(options) });
      await page.goto(`${this.pageUrl}?${q}`);
      await page.waitForFunction(() => window.benchOutcome !== undefined, null, {
        timeout: timeoutMs,
        polling: 1000,
      });
      return (await page.evaluate(() => window.benchOutcome)) as PageOutcome;
    } catch (e) {
      return {
        ok: false,
        error: e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e),
      };
    } finally {
      await page.close();
    }
  }

  /**
   * Main-thread long tasks while the real app trains the default DPO demo (as e2e/dpo.spec.ts
   * starts it): PerformanceObserver 'longtask' entries over `seconds` of training.
   */
  async responsiveness(seconds: number) {
    if (!this.appUrl) throw new Error('the app was not built');
    const page = await this.browser.newPage();
    try {
      await page.addInitScript(() => {
        const w = window as unknown as { longTasks: number[] };
        w.longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.longTasks.push(e.duration);
        }).observe({ type: 'longtask', buffered: true });
      });
      await page.goto(this.appUrl);
      await page.waitForFunction(() => !!window.dpoPlayground?.status().backend, null, {
        timeout: 120_000,
      });
      await page.waitForFunction(() => !!window.dpoPlayground?.checkpoint(), null, {
        timeout: 120_000,
      });
      const backend = await page.evaluate(() => window.dpoPlayground?.status().backend ?? null);
      await page.getByTestId('run-start').click();
      // Training starts after sampling the pairs and caching π_ref.
      await page.waitForFunction(() => (window.dpoPlayground?.status().step ?? 0) >= 1, null, {
        timeout: 10 * 60_000,
        polling: 500,
      });
      const start = await page.evaluate(() => {
        const w = window as unknown as { longTasks: number[] };
        return { index: w.longTasks.length, step: window.dpoPlayground?.status().step ?? 0 };
      });
      await page.waitForTimeout(seconds * 1000);
      const end = await page.evaluate(() => ({
        tasks: (window as unknown as { longTasks: number[] }).longTasks,
        step: window.dpoPlayground?.status().step ?? 0,
        phase: window.dpoPlayground?.status().phase ?? 'unknown',
      }));
      const tasks = end.tasks.slice(start.index);
      return {
        backend,
        seconds,
        stepsTrained: end.step - start.step,
        phaseAtEnd: end.phase,
        longTasks: tasks.length,
        over50ms: tasks.filter((d) => d > 50).length,
        longestMs: tasks.length ? Math.max(...tasks) : 0,
      };
    } finally {
      await page.close();
    }
  }

  /** Per backend, the default demo's time from page load to a reward gain of `target`. */
  async rewardGain(
    backends: readonly string[],
    target: number,
    budgetS: number,
  ): Promise<RewardGainResult[]> {
    if (!this.appUrl) throw new Error('the app was not built');
    const out: RewardGainResult[] = [];
    for (const b of backends) {
      out.push(await timeToRewardGain(this.browser, this.appUrl, b, target, budgetS));
      const r = out[out.length - 1];
      console.log(
        `reward gain ${target} on ${b}: ${r?.seconds != null ? `${r.seconds.toFixed(0)} s` : r?.note}`,
      );
    }
    return out;
  }

  /** Each guided experiment from its link to its reading, one fresh page each (walkthrough.ts). */
  async walkthroughs(
    experiments: readonly { id: string; expected: string }[],
    budgetS: number,
  ): Promise<WalkthroughResult[]> {
    if (!this.appUrl) throw new Error('the app was not built');
    const out: WalkthroughResult[] = [];
    for (const e of experiments) {
      const r = await walkthrough(this.browser, this.appUrl, e.id, e.expected, budgetS);
      out.push(r);
      console.log(
        `walkthrough ${e.id}: ${r.seconds != null ? `${r.seconds.toFixed(0)} s, ${r.verdict}` : r.note}`,
      );
    }
    return out;
  }

  async close(): Promise<void> {
    await this.browser.close();
    for (const s of this.servers) await new Promise((ok) => s.close(ok));
  }
}
