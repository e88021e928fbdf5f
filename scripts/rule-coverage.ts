/**
 * `npm run rules:coverage`: per DOMAIN.md rule ID, the tests named with it (issue 10 §4), then the IDs that
 * no test is named with; exits 1 when there are any. The IDs are docs/rule-ids.json; `-- --write` refreshes it
 * from DOMAIN.md (DOMAIN_MD, else shared/DOMAIN.md beside the repository, see domainMarkdownPath).
 * test/unit/rule-coverage.test.ts runs the same scan.
 */
import { writeFileSync } from 'node:fs';
import {
  committedRuleIds,
  fullName,
  readDomainMarkdown,
  RULE_IDS_FILE,
  ruleCoverage,
  ruleIdsOf,
  scanTestTitles,
} from './rule-coverage-scan';
import { runMain } from './run-main';

runMain(
  async () => {
    if (process.argv.includes('--write')) writeFileSync(RULE_IDS_FILE, `${JSON.stringify(ruleIdsOf(readDomainMarkdown()), null, 2)}\n`);
    const coverage = ruleCoverage(committedRuleIds(), scanTestTitles());
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
