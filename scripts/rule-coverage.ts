/**
 * `npm run rules:coverage`: per DOMAIN.md rule ID, the tests named with it (issue 10 §4), then the IDs that
 * no test is named with; exits 1 when there are any. DOMAIN.md is read from DOMAIN_MD, else from
 * shared/DOMAIN.md beside the repository (see domainMarkdownPath). test/unit/rules/rule-coverage.test.ts
 * runs the same scan.
 */
import { fullName, readDomainMarkdown, ruleCoverage, ruleIdsOf, scanTestTitles } from './rule-coverage-scan';
import { runMain } from './run-main';

runMain(
  async () => {
    const coverage = ruleCoverage(ruleIdsOf(readDomainMarkdown()), scanTestTitles());
    const out: string[] = [];
    for (const { ruleId, tests } of coverage) {
      out.push(`${ruleId} (${tests.length})`);
      for (const t of tests) out.push(`  ${t.file}:${t.line}  ${fullName(t)}`);
    }
    const missing = coverage.filter((c) => c.tests.length === 0).map((c) => c.ruleId);
    out.push('', `${coverage.length} rule IDs, ${coverage.length - missing.length} named by at least one test.`);
    if (!missing.length) out.push('Every rule ID has a test named with it.');
    // Flushed before runMain exits (a pipe is written asynchronously).
    await new Promise<void>((resolve) => process.stdout.write(`${out.join('\n')}\n`, () => resolve()));
    if (missing.length) throw new Error(`Without a test named with them: ${missing.join(', ')}`);
  },
  (message) => process.stderr.write(`${message}\n`),
  (err) => ({ message: err instanceof Error ? err.message : String(err) }),
);
