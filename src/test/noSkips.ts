/**
 * A Vitest reporter for CI: a skipped or todo test fails the run, with the list of them. A
 * test that needs something the machine lacks (../shared/data, a GPU adapter) must fail in
 * CI rather than skip, or the suite passes without having run it. Registered in
 * vitest.config.ts when CI is set; a run filtered by name (-t) is not checked.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export default class NoSkipsReporter implements Reporter {
  private filtered = false;

  onInit(vitest: Vitest): void {
    this.filtered = vitest.config.testNamePattern !== undefined;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (this.filtered) return;
    const skipped = skippedTests(modules);
    if (skipped.length === 0) return;
    console.error(
      `\n${skipped.length} test(s) skipped, and CI forbids skipping (src/test/noSkips.ts):\n` +
        skipped.map((s) => `  - ${s}`).join('\n'),
    );
    process.exitCode = 1;
  }
}

/** "file > describe > test (mode: note)" for every test that did not run. */
function skippedTests(modules: ReadonlyArray<TestModule>): string[] {
  const out: string[] = [];
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const r = t.result();
      if (r.state !== 'skipped') continue;
      const why = [t.options.mode, r.note].filter(Boolean).join(': ');
      out.push(`${t.project.name} ${m.relativeModuleId} > ${t.fullName} (${why})`);
    }
  }
  return out;
}
