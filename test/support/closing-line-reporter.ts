import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain closing line CI reads to know that tests ran ("tests: N passed, N failed"),
 * alone on its line and without colours: vitest's own summary is coloured and worded its own way.
 * Counted at the end of the run, printed in `onFinished`: vitest's summary is printed there, and this reporter comes after it.
 */
export default class ClosingLineReporter implements Reporter {
  private line = '';

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed += 1;
        else if (state === 'failed') count.failed += 1;
        else count.skipped += 1;
      }
      // A file that failed to load has no tests: count it as failed, never as nothing.
      if (module.state() === 'failed' && ![...module.children.allTests()].some((test) => test.result().state === 'failed'))
        count.failed += 1;
    }
    count.failed += unhandledErrors.length;
    const skipped = count.skipped > 0 ? `, ${count.skipped} skipped` : '';
    this.line = `tests: ${count.passed} passed, ${count.failed} failed${skipped}`;
  }

  onFinished(): void {
    if (this.line) process.stdout.write(`${this.line}\n`);
  }
}
