import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import {
  ELIGIBILITY_CATEGORIES,
  PIECE_TYPES,
  type ApplicantKind,
  type ApplicationData,
  type Piece,
} from '../../../../src/application/domain/application';
import {
  applicationFacts,
  DOSSIER_RULES,
  ELIGIBILITY_RULES,
  engineFor,
  evaluate,
  FRENCH_DEPARTMENTS,
  loadRuleFile,
  RuleFileError,
  type Facts,
  type RuleDefinition,
  type RuleFile,
} from '../../../../src/application/rules/index';
import { evaluateStepwise, evaluateWithEngine, type Evaluation } from '../../../../src/shared/rules/rule-engine';
import dossierJson from '../../../../src/application/rules/dossier.rules.json';
import eligibilityJson from '../../../../src/application/rules/eligibility.rules.json';

const CENTRE = { fact: 'parameters', path: '$.eligibility.centreCandidates' };

function rule(overrides: Partial<RuleDefinition> & Record<string, unknown> = {}): RuleDefinition {
  return {
    id: 'ELIG-3',
    check: 'ELIG-3.committed',
    clause: 'CdC §3.1.1',
    description: 'Commits to enough candidates.',
    message: 'Au moins {expected} candidats (déclaré : {actual}).',
    requires: { fact: 'committed', operator: 'greaterThanInclusive', value: CENTRE },
    ...overrides,
  } as RuleDefinition;
}

/** A fresh (unfrozen, uncached) rule file each call. */
function file(rules: RuleDefinition[], overrides: Record<string, unknown> = {}): RuleFile {
  return { ruleSet: 'test', version: 't-1', effectiveFrom: '2020-01-01', source: 'tests', rules, ...overrides } as RuleFile;
}

function problemsOf(raw: unknown): string[] {
  try {
    loadRuleFile(raw, 'test.rules.json');
  } catch (error) {
    expect(error).toBeInstanceOf(RuleFileError);
    return (error as RuleFileError).problems;
  }
  throw new Error('the rule file was accepted');
}

describe('rule engine', () => {
  describe('loading a rule file (validation)', () => {
    it('the shipped eligibility and dossier files load, with DOMAIN.md rule IDs and unique checks', () => {
      expect(loadRuleFile(eligibilityJson)).toBe(ELIGIBILITY_RULES);
      expect(loadRuleFile(dossierJson)).toBe(DOSSIER_RULES);
      const ids = new Set(ELIGIBILITY_RULES.rules.map((r) => r.id));
      expect([...ids]).toEqual(['APP-1', 'ELIG-1', 'ELIG-2', 'ELIG-3', 'ELIG-4', 'ELIG-5']);
      expect(new Set(DOSSIER_RULES.rules.map((r) => r.id))).toEqual(new Set(['DOC-1', 'DOC-2', 'DOC-3', 'DOC-4']));
      expect(ELIGIBILITY_RULES.rules.filter((r) => r.id === 'ELIG-2')).toHaveLength(6);
    });

    it.each<[string, RuleFile | unknown, RegExp]>([
      ['a duplicate check', file([rule(), rule()]), /duplicate check "ELIG-3\.committed"/],
      ['an id that is not a rule ID', file([rule({ id: 'ELIG3', check: 'ELIG3.x' })]), /id "ELIG3" must be a DOMAIN\.md rule ID/],
      ['a lower-case id', file([rule({ id: 'elig-3', check: 'elig-3.x' })]), /id "elig-3" must be a DOMAIN\.md rule ID/],
      ['a check not under its id', file([rule({ check: 'ELIG-4.committed' })]), /check must start with its rule id, "ELIG-3\."/],
      ['a missing clause', file([rule({ clause: undefined })]), /"clause" is required/],
      ['a blank message', file([rule({ message: ' ' })]), /"message" is required/],
      ['a missing check', file([rule({ check: undefined })]), /"check" is required/],
      [
        'an "any" in requires (its leaves cannot be explained one by one)',
        file([rule({ requires: { any: [{ fact: 'a', operator: 'equal', value: true }] } as never })]),
        /must be a leaf condition or \{"all"/,
      ],
      [
        'a "not" in requires',
        file([rule({ requires: { not: { fact: 'a', operator: 'equal', value: true } } as never })]),
        /must be a leaf condition or \{"all"/,
      ],
      [
        'a number written in the file instead of a parameter',
        file([rule({ requires: { fact: 'committed', operator: 'greaterThanInclusive', value: 600 } })]),
        /number 600 written in the rule file/,
      ],
      [
        'a parameter path that does not exist',
        file([
          rule({
            requires: {
              fact: 'committed',
              operator: 'greaterThanInclusive',
              value: { fact: 'parameters', path: '$.eligibility.centreCandidate' },
            },
          }),
        ]),
        /no parameter at path "\$\.eligibility\.centreCandidate"/,
      ],
      [
        'an unknown operator',
        file([rule({ requires: { fact: 'committed', operator: 'atLeast', value: CENTRE } })]),
        /unknown operator "atLeast"/,
      ],
      ['an unknown message placeholder', file([rule({ message: 'Voir {seuil}.' })]), /unknown placeholder \{seuil\}/],
      ['a message placeholder naming no parameter', file([rule({ message: '{parameters.eligibility.nope}' })]), /unknown placeholder/],
      [
        'a JSONPath the engine does not resolve',
        file([rule({ requires: { fact: 'c', path: '$..x', operator: 'equal', value: true } })]),
        /path "\$\.\.x" must look like/,
      ],
      [
        'fact params (facts are constants)',
        file([rule({ requires: { fact: 'c', params: { a: 'b' }, operator: 'equal', value: true } })]),
        /"params" is not supported/,
      ],
      [
        'isEmpty without a boolean',
        file([rule({ requires: { fact: 'c', operator: 'isEmpty', value: 'yes' } })]),
        /isEmpty takes true or false/,
      ],
      ['a condition reference', file([rule({ appliesWhen: { condition: 'shared' } })]), /condition references are not supported/],
      ['an invalid effectiveFrom (AGR-6)', file([rule()], { effectiveFrom: '2020-02-30' }), /"effectiveFrom" must be an ISO date/],
      ['no rules', file([]), /"rules" must be a non-empty array/],
      ['a missing ruleSet', file([rule()], { ruleSet: '' }), /"ruleSet" is required/],
      ['not an object', [rule()], /must be a JSON object/],
    ])('rejects %s', (_, raw, message) => {
      expect(problemsOf(raw).join('\n')).toMatch(message);
    });

    it('lists every problem of a file at once, with its location', () => {
      const raw = file([
        rule({ id: 'X', clause: '' }),
        rule({ check: 'ELIG-3.other', requires: { fact: 'a', operator: 'equal', value: 3 } }),
      ]);
      const problems = problemsOf(raw);
      expect(problems).toHaveLength(4);
      expect(problems[0]).toMatch(/^rules\[0\] \(ELIG-3\.committed\): id "X"/);
      expect(() => loadRuleFile(raw, 'broken.rules.json')).toThrow(/^Invalid rule file broken\.rules\.json:\n {2}- rules\[0\]/);
    });

    it('evaluate() rejects a malformed rule file too', async () => {
      await expect(evaluate(file([rule({ id: 'nope' })]), { committed: 1 })).rejects.toThrow(RuleFileError);
    });

    it('a loaded file is frozen and compiled once: the cached Engine is reused across calls', async () => {
      const raw = file([rule()]);
      const loaded = loadRuleFile(raw);
      expect(loaded).toBe(raw);
      expect(Object.isFrozen(loaded.rules[0]!.requires)).toBe(true);
      const engine = engineFor(loaded);
      await evaluate(loaded, { committed: 1 });
      await evaluate(loaded, { committed: 700 });
      expect(engineFor(loaded)).toBe(engine);
      expect(engineFor(file([rule()]))).not.toBe(engine);
    });

    it('a verdict cannot be used to alter the compiled rule (its expected value is frozen)', async () => {
      const raw = file([rule({ id: 'ELIG-4', check: 'ELIG-4.type', requires: { fact: 'type', operator: 'in', value: ['A', 'B'] } })]);
      const [first] = (await evaluate(raw, { type: 'C' })).failures;
      expect(() => (first!.expected as string[]).push('C')).toThrow(TypeError);
      expect((await evaluate(raw, { type: 'C' })).passed).toBe(false);
    });
  });

  describe('evaluation', () => {
    it('reports a failing leaf with the fact, operator, value seen and the resolved parameter', async () => {
      const evaluation = await evaluate(loadRuleFile(file([rule()])), { committed: 599 });
      expect(evaluation).toEqual({
        ruleSet: 'test',
        version: 't-1',
        passed: false,
        failures: [
          {
            ruleId: 'ELIG-3',
            check: 'ELIG-3.committed',
            clause: 'CdC §3.1.1',
            description: 'Commits to enough candidates.',
            message: 'Au moins 600 candidats (déclaré : 599).',
            fact: 'committed',
            operator: 'greaterThanInclusive',
            actual: 599,
            expected: PARAMETERS.eligibility.centreCandidates,
          },
        ],
        notApplicable: [],
      });
    });

    it('reports EVERY failing leaf of an "all", where json-rules-engine would stop at the first', async () => {
      const raw = file([
        rule({
          requires: {
            all: [
              { fact: 'committed', operator: 'greaterThanInclusive', value: CENTRE },
              { all: [{ fact: 'argued', operator: 'equal', value: true }] },
              { fact: 'name', operator: 'isEmpty', value: false },
            ],
          },
        }),
        rule({ id: 'APP-1', check: 'APP-1.argued', requires: { fact: 'argued', operator: 'equal', value: true } }),
      ]);
      const evaluation = await evaluate(raw, { committed: 10, argued: false, name: '' });
      expect(evaluation.failures.map((f) => [f.check, f.fact, f.actual, f.expected])).toEqual([
        ['ELIG-3.committed', 'committed', 10, 600],
        ['ELIG-3.committed', 'argued', false, true],
        ['ELIG-3.committed', 'name', '', false],
        ['APP-1.argued', 'argued', false, true],
      ]);
    });

    it('a check whose appliesWhen does not hold is not applicable, never a failure', async () => {
      const raw = file([
        rule({ appliesWhen: { all: [{ fact: 'kind', operator: 'equal', value: 'network' }] } }),
        rule({
          check: 'ELIG-3.any',
          appliesWhen: {
            any: [
              { fact: 'kind', operator: 'equal', value: 'x' },
              { fact: 'kind', operator: 'equal', value: 'individual' },
            ],
          },
        }),
        rule({ check: 'ELIG-3.not', appliesWhen: { not: { fact: 'kind', operator: 'equal', value: 'individual' } } }),
      ]);
      const evaluation = await evaluate(raw, { kind: 'individual', committed: 0 });
      expect(evaluation.notApplicable).toEqual(['ELIG-3.committed', 'ELIG-3.not']);
      expect(evaluation.failures.map((f) => f.check)).toEqual(['ELIG-3.any']);
      expect(evaluation.passed).toBe(false);
      const network = await evaluate(raw, { kind: 'network', committed: 0 });
      expect(network.failures.map((f) => f.check)).toEqual(['ELIG-3.committed', 'ELIG-3.not']);
    });

    it('includePassing returns the passing leaves too, with their values', async () => {
      const raw = file([
        rule(),
        rule({ id: 'APP-1', check: 'APP-1.argued', requires: { fact: 'argued', operator: 'equal', value: true } }),
      ]);
      const evaluation = await evaluate(raw, { committed: 600, argued: false }, { includePassing: true });
      expect(evaluation.passes).toEqual([expect.objectContaining({ check: 'ELIG-3.committed', actual: 600, expected: 600 })]);
      expect(evaluation.failures).toEqual([expect.objectContaining({ check: 'APP-1.argued' })]);
      expect((await evaluate(raw, { committed: 600, argued: false })).passes).toBeUndefined();
    });

    it('refuses facts that lack a fact the file reads, naming it (a typo must not read as a failure)', async () => {
      const raw = file([rule({ appliesWhen: { all: [{ fact: 'kind', operator: 'equal', value: 'individual' }] } })]);
      await expect(evaluate(raw, { committed: 600 })).rejects.toThrow(/needs facts that were not provided: kind/);
    });

    it('follows json-rules-engine fact semantics: paths into objects, fact references in values', async () => {
      const raw = file([
        rule({
          requires: { fact: 'commitments', path: '$.committedCandidates', operator: 'greaterThanInclusive', value: { fact: 'threshold' } },
        }),
        rule({
          id: 'DOC-4',
          check: 'DOC-4.fresh',
          requires: { fact: 'pieces', path: '$[0].issuedOn', operator: 'onOrAfter', value: { fact: 'limits', path: '$.oldest' } },
        }),
      ]);
      const facts = {
        commitments: { committedCandidates: 9 },
        threshold: 10,
        pieces: [{ issuedOn: '2026-01-01' }],
        limits: { oldest: '2026-01-02' },
      };
      const evaluation = await evaluate(raw, facts);
      expect(evaluation.failures.map((f) => [f.path, f.actual, f.expected])).toEqual([
        ['$.committedCandidates', 9, 10],
        ['$[0].issuedOn', '2026-01-01', '2026-01-02'],
      ]);
      const nullCommitments = await evaluate(raw, { ...facts, commitments: null });
      expect(nullCommitments.failures[0]!.actual).toBeNull();
    });

    it('facts computed on first read (getters of a prototype): only those an applicable check reads are computed, with the same verdicts through every path', async () => {
      const raw = file([
        rule({ appliesWhen: { all: [{ fact: 'kind', operator: 'equal', value: 'network' }] } }),
        rule({ id: 'APP-1', check: 'APP-1.argued', requires: { fact: 'argued', operator: 'equal', value: true } }),
      ]);
      const computed: string[] = [];
      class Computed {
        readonly kind: string;
        constructor(kind: string) {
          this.kind = kind;
        }
        get committed(): number {
          computed.push('committed');
          return 599;
        }
        get argued(): boolean {
          computed.push('argued');
          return false;
        }
      }
      const facts = (kind: string) => new Computed(kind) as unknown as Facts;
      // ELIG-3 does not apply to an individual: its fact is never computed.
      const individual = await evaluate(raw, facts('individual'), { includePassing: true });
      expect(computed).toEqual(['argued']);
      expect(individual.notApplicable).toEqual(['ELIG-3.committed']);
      computed.length = 0;
      const network = await evaluate(raw, facts('network'), { includePassing: true });
      expect(computed).toEqual(['committed', 'argued']);
      const plain = { kind: 'network', committed: 599, argued: false };
      const json = (e: Evaluation) => JSON.parse(JSON.stringify(e)) as unknown;
      expect(json(network)).toEqual(json(await evaluate(raw, plain, { includePassing: true })));
      expect(json(evaluateStepwise(raw, facts('network'), { includePassing: true }))).toEqual(json(network));
      expect(json(await evaluateWithEngine(raw, facts('network'), { includePassing: true }))).toEqual(json(network));
      // A fact the prototype does not give is still missing.
      await expect(evaluate(raw, { kind: 'network', argued: true })).rejects.toThrow(/needs facts that were not provided: committed/);
    });

    it('fills messages in French: numbers, ISO dates, lists, missing values, parameters', async () => {
      const raw = file([
        rule({
          message:
            '{actual} / {expected} / {parameters.eligibility.networkCandidates} / {parameters.dossier.proofOfExistenceMaxAgeMonths} mois',
          requires: {
            fact: 'committed',
            operator: 'greaterThanInclusive',
            value: { fact: 'parameters', path: '$.eligibility.networkCandidates' },
          },
        }),
        rule({
          id: 'DOC-4',
          check: 'DOC-4.date',
          message: 'daté du {actual}, au plus tôt le {expected}',
          requires: { fact: 'd', operator: 'onOrAfter', value: { fact: 'oldest' } },
        }),
        rule({
          id: 'ELIG-4',
          check: 'ELIG-4.list',
          message: 'membres : {actual}',
          requires: { fact: 'names', operator: 'isEmpty', value: true },
        }),
        rule({
          id: 'ELIG-4',
          check: 'ELIG-4.null',
          message: 'type : {actual}',
          requires: { fact: 'type', operator: 'in', value: ['A', 'B'] },
        }),
      ]);
      const evaluation = await evaluate(raw, {
        committed: 1999,
        d: '2026-02-27',
        oldest: '2026-02-28',
        names: ['Club', 'Asso'],
        type: null,
      });
      expect(evaluation.failures.map((f) => f.message)).toEqual([
        `1\u202f999 / 2\u202f500 / 2\u202f500 / 3 mois`,
        'daté du 27/02/2026, au plus tôt le 28/02/2026',
        'membres : Club, Asso',
        'type : —',
      ]);
    });
  });

  it('passing verdicts: the same French message as a failure (formatted when read), and JSON includes it', async () => {
    const raw = file([
      rule({ message: 'Au moins {expected} candidats (déclaré : {actual}).' }),
      rule({
        id: 'DOC-4',
        check: 'DOC-4.date',
        message: 'daté du {actual}',
        requires: { fact: 'commitments', path: '$.on', operator: 'onOrAfter', value: '2026-01-01' },
      }),
    ]);
    // Two checks with one message and opposite conditions: for every value one passes, one fails.
    // Numbers on both sides of the small-integer shortcut, and -0 which Intl writes "-0".
    const opposite = file([
      rule(),
      rule({ check: 'ELIG-3.opposite', requires: { fact: 'committed', operator: 'lessThan', value: CENTRE } }),
    ]);
    const french = new Intl.NumberFormat('fr-FR');
    for (const committed of [0, -0, 7, 599, 999, 1000, 2500, 12345.5, -999, -1000]) {
      const evaluation = await evaluate(opposite, { committed }, { includePassing: true });
      expect(evaluation.passes).toHaveLength(1);
      expect(evaluation.failures).toHaveLength(1);
      const expected = `Au moins 600 candidats (déclaré : ${french.format(committed)}).`;
      expect([evaluation.passes![0]!.message, evaluation.failures[0]!.message]).toEqual([expected, expected]);
    }
    const evaluation = await evaluate(raw, { committed: 600, commitments: { on: '2026-03-02' } }, { includePassing: true });
    const json = JSON.parse(JSON.stringify(evaluation)) as { passes: Array<Record<string, unknown>> };
    expect(json.passes).toEqual([
      {
        ruleId: 'ELIG-3',
        check: 'ELIG-3.committed',
        clause: 'CdC §3.1.1',
        description: 'Commits to enough candidates.',
        message: 'Au moins 600 candidats (déclaré : 600).',
        fact: 'committed',
        operator: 'greaterThanInclusive',
        actual: 600,
        expected: 600,
      },
      {
        ruleId: 'DOC-4',
        check: 'DOC-4.date',
        clause: 'CdC §3.1.1',
        description: 'Commits to enough candidates.',
        message: 'daté du 02/03/2026',
        fact: 'commitments',
        operator: 'onOrAfter',
        actual: '2026-03-02',
        expected: '2026-01-01',
        path: '$.on',
      },
    ]);
    // Same keys, same order as a failure's JSON.
    const failed = await evaluate(raw, { committed: 1, commitments: { on: '2025-03-02' } });
    expect(Object.keys(JSON.parse(JSON.stringify(failed.failures[1])))).toEqual(Object.keys(json.passes[1]!));
    // A caller may still amend the message (as SES-9 does for failures).
    evaluation.passes![0]!.message += ' Motif : test';
    expect(evaluation.passes![0]!.message).toBe('Au moins 600 candidats (déclaré : 600). Motif : test');
  });

  describe('custom operators', () => {
    const op = (operator: string, value: unknown) =>
      file([rule({ id: 'DOC-4', check: 'DOC-4.op', message: 'm', requires: { fact: 'x', operator, value } })]);
    const holds = async (operator: string, x: unknown, value: unknown) => (await evaluate(op(operator, value), { x })).passed;

    it('onOrAfter / onOrBefore compare ISO days, inclusive, and refuse what is not a date', async () => {
      expect(await holds('onOrAfter', '2026-02-28', '2026-02-28')).toBe(true);
      expect(await holds('onOrAfter', '2026-02-27', '2026-02-28')).toBe(false);
      expect(await holds('onOrAfter', '2026-03-01T00:30:00Z', '2026-02-28')).toBe(true);
      expect(await holds('onOrBefore', '2026-05-31', '2026-05-31')).toBe(true);
      expect(await holds('onOrBefore', '2026-06-01', '2026-05-31')).toBe(false);
      expect(await holds('onOrAfter', null, '2026-02-28')).toBe(false);
      expect(await holds('onOrBefore', '31/05/2026', '2026-05-31')).toBe(false);
    });

    it('includesAll / lacks work on arrays, and are false on non-arrays', async () => {
      expect(await holds('includesAll', ['a', 'b', 'c'], ['a', 'c'])).toBe(true);
      expect(await holds('includesAll', ['a', 'b'], ['a', 'c'])).toBe(false);
      expect(await holds('lacks', ['a', 'b'], ['c', 'd'])).toBe(true);
      expect(await holds('lacks', ['a', 'b'], 'b')).toBe(false);
      expect(await holds('includesAll', null, ['a'])).toBe(false);
      expect(await holds('lacks', 'abc', ['d'])).toBe(false);
    });

    it('isEmpty treats blank strings and empty arrays as empty, and null as neither', async () => {
      expect(await holds('isEmpty', [], true)).toBe(true);
      expect(await holds('isEmpty', ['x'], true)).toBe(false);
      expect(await holds('isEmpty', ' \t', true)).toBe(true);
      expect(await holds('isEmpty', ' x ', false)).toBe(true);
      expect(await holds('isEmpty', null, true)).toBe(false);
      expect(await holds('isEmpty', null, false)).toBe(false);
    });

    it('json-rules-engine operator decorators still work', async () => {
      expect(await holds('not:in', 'other', ['a', 'b'])).toBe(true);
      expect(await holds('not:in', 'a', ['a', 'b'])).toBe(false);
      expect(await holds('everyFact:in', ['a', 'b'], ['a', 'b', 'c'])).toBe(true);
      expect(await holds('everyFact:in', ['a', 'z'], ['a', 'b', 'c'])).toBe(false);
    });
  });

  describe('agreement with json-rules-engine and concurrency', () => {
    /** Deterministic pseudo-random applications around every threshold. */
    function randomCases(count: number): Array<{ data: ApplicationData; pieces: Piece[]; today: string }> {
      let seed = 20200101;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
      const departments = [...FRENCH_DEPARTMENTS, '99', ' 1'];
      return Array.from({ length: count }, (_, i) => {
        const kind = pick<ApplicantKind>(['individual', 'network', 'higher-education']);
        const networkType = pick(['A', 'B', undefined] as const);
        const data: ApplicationData = {
          kind,
          organisation: {
            name: `Org ${i}`,
            category: pick(ELIGIBILITY_CATEGORIES),
            uai: pick([null, '', '0691234X']),
            foreign: false,
            email: 'o@test.fr',
          },
          argument: pick(['', '  ', 'Argumentée.']),
          referent: { name: 'R', email: 'r@test.fr' },
          commitments: {
            qualifiedTeam: next() < 0.9,
            similarServiceReferences: next() < 0.9,
            consistentMeans: next() < 0.9,
            compliantEnvironment: next() < 0.9,
            siteControlProcedures: next() < 0.9,
            noReputationalRisk: next() < 0.9,
            committedCandidates: pick([0, 599, 600, 2499, 2500]),
            priorNetworkOperation: pick([true, false, undefined]),
          },
          network:
            kind === 'network' && next() < 0.9
              ? {
                  type: networkType as 'A',
                  coordinatingEntity: pick(['', 'Coordinateur']),
                  members: Array.from({ length: Math.floor(next() * 3) }, (_, j) => ({
                    name: `M${j}`,
                    category: pick(ELIGIBILITY_CATEGORIES),
                    email: 'm@test.fr',
                  })),
                  departmentsCovered: Array.from({ length: pick([0, 50, 51, 60]) }, () => pick(departments)),
                }
              : null,
        };
        const pieces = PIECE_TYPES.filter(() => next() < 0.7).map((type, j) => ({
          id: `${i}-${j}`,
          type,
          issuedOn: type === 'proof-of-legal-existence' ? pick(['2026-05-31', '2026-02-28', '2026-02-27', '2026-06-01', null]) : null,
          filename: 'f.pdf',
          receivedAt: '2026-05-31T08:00:00Z',
        }));
        return { data, pieces, today: '2026-05-31' };
      });
    }

    it.each([
      ['eligibility', ELIGIBILITY_RULES],
      ['dossier', DOSSIER_RULES],
    ] as const)('%s: verdicts equal what Engine.run computes on the same compiled rules', async (_, ruleFile) => {
      const engine = engineFor(ruleFile);
      let failures = 0;
      for (const { data, pieces, today } of randomCases(300)) {
        const facts = applicationFacts(data, pieces, today);
        const ours = await evaluate(ruleFile, facts, { includePassing: true });
        const run = await engine.run({ ...facts });
        const byName = new Map([...run.results, ...run.failureResults].map((r) => [r.name, r]));
        for (const definition of ruleFile.rules) {
          const applies = definition.appliesWhen ? Boolean(byName.get(`${definition.check}#appliesWhen`)!.result) : true;
          expect(ours.notApplicable!.includes(definition.check)).toBe(!applies);
          if (!applies) continue;
          const expected = { failures: [] as unknown[], passes: [] as unknown[] };
          for (let i = 0; byName.has(`${definition.check}#${i}`); i++) {
            const result = byName.get(`${definition.check}#${i}`)!;
            const leaf = (result.conditions as unknown as { all: Array<{ factResult: unknown; valueResult: unknown }> }).all[0]!;
            expected[result.result ? 'passes' : 'failures'].push([leaf.factResult, leaf.valueResult]);
          }
          const pairs = (verdicts: typeof ours.failures) =>
            verdicts.filter((v) => v.check === definition.check).map((v) => [v.actual, v.expected]);
          expect(pairs(ours.failures)).toEqual(expected.failures);
          expect(pairs(ours.passes!)).toEqual(expected.passes);
          failures += expected.failures.length;
        }
      }
      expect(failures).toBeGreaterThan(100); // the cases do exercise failures
    });

    it('concurrent evaluations of the cached rule files all come back complete and correct', async () => {
      const cases = randomCases(200).map((c) => applicationFacts(c.data, c.pieces, c.today) as Facts);
      const expected = await Promise.all(cases.map((facts) => evaluate(ELIGIBILITY_RULES, facts, { includePassing: true })));
      const counts = expected.map((e) => e.failures.length + e.passes!.length + e.notApplicable!.length);
      // Staggered starts: with Engine.run on a shared Engine, most of these came back with rules skipped.
      const results = await Promise.all(
        Array.from({ length: 2000 }, async (_, i) => {
          for (let j = 0; j < i % 60; j++) await null;
          return evaluate(ELIGIBILITY_RULES, cases[i % cases.length]!, { includePassing: true });
        }),
      );
      results.forEach((result, i) => {
        expect(result.failures.length + result.passes!.length + result.notApplicable!.length).toBe(counts[i % cases.length]);
        expect(result).toEqual(expected[i % cases.length]);
      });
      expect(counts.every((n) => n >= ELIGIBILITY_RULES.rules.length)).toBe(true);
    });
  });
});
