/**
 * A Playwright reporter for CI: a skipped or fixme test fails the run, with the list of them.
 * A test that needs something the machine lacks (../shared/data, SwiftShader) must fail in
 * CI rather than skip, or the suite passes without having run it. Registered in
 * playwright.config.ts when CI is set.
 */
import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

export default class NoSkipsReporter implements Reporter {
  private suite: Suite | null = null;

  onBegin(_config: unknown, suite: Suite): void {
    this.suite = suite;
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const skipped = (this.suite?.allTests() ?? []).filter((t) => t.outcome() === 'skipped');
    if (skipped.length === 0) return undefined;
    const why = (t: (typeof skipped)[number]) =>
      t.annotations.map((a) => [a.type, a.description].filter(Boolean).join(': ')).join('; ');
    console.error(
      `\n${skipped.length} test(s) skipped, and CI forbids skipping (e2e/noSkips.ts):\n` +
        skipped
          .map((t) => `  - ${t.titlePath().filter(Boolean).join(' > ')} (${why(t)})`)
          .join('\n'),
    );
    return { status: result.status === 'passed' ? 'failed' : result.status };
  }
}
