import { describe, expect, it } from 'vitest';
import {
  committedRuleIds,
  domainRuleIdsIfAtHand,
  formatEachTitle,
  fullName,
  ruleCoverage,
  ruleIdsOf,
  scanTestTitles,
  testTitlesOf,
} from '../../scripts/rule-coverage-scan';

/**
 * Issue 10 §4: every rule ID of DOMAIN.md has at least one test named with it (`npm run rules:coverage`
 * prints which). The titles below name no rule ID on purpose: this file must not count as coverage.
 */

/** The repository's tests, scanned once for this file. */
let scanned: ReturnType<typeof scanTestTitles> | undefined;
const repositoryTests = () => (scanned ??= scanTestTitles());

describe('rule coverage: every DOMAIN.md rule ID has a test named with it', () => {
  it('every rule ID of DOMAIN.md is named by at least one test under test/', () => {
    const ids = committedRuleIds();
    expect(ids.length, 'rule IDs in docs/rule-ids.json').toBeGreaterThan(0);
    const coverage = ruleCoverage(ids, repositoryTests());
    const missing = coverage.filter((c) => c.tests.length === 0).map((c) => c.ruleId);
    expect(missing, 'rule IDs without a test named with them (npm run rules:coverage lists the others)').toEqual([]);
    // This file only guards the others.
    for (const c of coverage) expect(c.tests.every((t) => !t.file.endsWith('rule-coverage.test.ts'))).toBe(true);
  });

  it('reads the catalogue entries of DOMAIN.md, once each, in order, and nothing cited in passing', () => {
    const markdown = [
      '### XYZ — a family (CdC §1)',
      '- **XYZ-1** The first rule, see XYZ-3.',
      '- **XYZ-2** The second; **XYZ-9** in bold inside a sentence is not an entry.',
      '  - **XYZ-8** an indented item is not an entry either',
      '- **XYZ-10** The tenth.',
      '- **XYZ-2** repeated',
    ].join('\n');
    expect(ruleIdsOf(markdown)).toEqual(['XYZ-1', 'XYZ-2', 'XYZ-10']);
  });

  it('the committed catalogue holds well-formed, unique IDs of several families, those of DOMAIN.md when it is at hand', () => {
    const ids = committedRuleIds();
    // In a working copy beside ../shared the committed list must be DOMAIN.md's (npm run rules:coverage -- --write).
    const fromDomain = domainRuleIdsIfAtHand();
    if (fromDomain) expect(ids).toEqual(fromDomain);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z]+-\d+$/);
    expect(new Set(ids.map((id) => id.split('-')[0])).size).toBeGreaterThan(5);
  });
});

describe('rule coverage: the static scan of test titles', () => {
  const source = `
    import { describe, expect, it, test } from 'vitest';
    const ROWS = [['XYZ-4', 'a'], ['XYZ-5', 'b']] as const;
    const CASES = [{ rules: 'XYZ-6, XYZ-7', template: 'mail' }];
    describe('outer XYZ-1', () => {
      it('plain', () => {});
      describe(\`inner \${'XYZ-2'}\`, () => {
        test.skip('skipped ' + 'XYZ-3', () => {});
      });
      it.each(ROWS)('%s row %s, number %#', () => {});
      it.each(CASES)('$rules: $template', () => {});
      it.each(imported)('%s from elsewhere', () => {});
      it.concurrent.each([1, 2])('n=%d', () => {});
      helper('not a test XYZ-8');
      expect('not a title XYZ-9').toBe('not a title XYZ-9');
    });
  `;
  const tests = testTitlesOf('test/unit/example.test.ts', source);

  it('names each test with its describe blocks, expands each table row written in the file, and ignores other calls', () => {
    expect(tests.map(fullName)).toEqual([
      'outer XYZ-1 > plain',
      'outer XYZ-1 > inner XYZ-2 > skipped XYZ-3',
      'outer XYZ-1 > XYZ-4 row a, number 0',
      'outer XYZ-1 > XYZ-5 row b, number 1',
      'outer XYZ-1 > XYZ-6, XYZ-7: mail',
      'outer XYZ-1 > %s from elsewhere',
      'outer XYZ-1 > n=1',
      'outer XYZ-1 > n=2',
    ]);
    expect(tests[0]).toMatchObject({ file: 'test/unit/example.test.ts', line: 6 });
  });

  it('matches a rule ID whole: the first rule is not the tenth, nor part of a reference', () => {
    const named = (...titles: string[]) => titles.map((title, i) => ({ file: 'f', line: i, path: [title] }));
    const coverage = ruleCoverage(
      ['XYZ-1', 'XYZ-10', 'XYZ-2'],
      named('XYZ-10 only', 'ref XYZ-2025-0042', 'AXYZ-1 is another family', 'XYZ-1: itself', '(XYZ-10, XYZ-2)'),
    );
    expect(Object.fromEntries(coverage.map((c) => [c.ruleId, c.tests.map((t) => t.path[0])]))).toEqual({
      'XYZ-1': ['XYZ-1: itself'],
      'XYZ-10': ['XYZ-10 only', '(XYZ-10, XYZ-2)'],
      'XYZ-2': ['(XYZ-10, XYZ-2)'],
    });
  });

  it('formats table rows as Vitest does: positional arguments, the index, object keys', () => {
    expect(formatEachTitle('%s: %d of %i, %%, %#', ['a', 2, 3], 4)).toBe('a: 2 of 3, %, 4');
    expect(formatEachTitle('%s alone', 'x', 0)).toBe('x alone');
    expect(formatEachTitle('$a.b and $c, $missing', { a: { b: 'deep' }, c: 1 }, 0)).toBe('deep and 1, $missing');
  });

  it('scans the repository’s test files, this one included', () => {
    const all = repositoryTests();
    expect(
      all.some(
        (t) => t.file === 'test/unit/rule-coverage.test.ts' && t.path.at(-1) === 'scans the repository’s test files, this one included',
      ),
    ).toBe(true);
    expect(new Set(all.map((t) => t.file)).size).toBeGreaterThan(20);
  });
});
