import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import type {
  ApplicantCommitments,
  ApplicationData,
  EligibilityCategory,
  NetworkMember,
} from '../../../../src/application/domain/application';
import {
  ELIGIBILITY_RULES,
  evaluateEligibility,
  FRENCH_DEPARTMENTS,
  INDIVIDUALLY_ELIGIBLE_CATEGORIES,
  type Evaluation,
} from '../../../../src/application/rules/index';

const TODAY = '2026-05-31';

const COMMITMENTS: ApplicantCommitments = {
  qualifiedTeam: true,
  similarServiceReferences: true,
  consistentMeans: true,
  compliantEnvironment: true,
  siteControlProcedures: true,
  noReputationalRisk: true,
  committedCandidates: 600,
};

function individual(overrides: Partial<ApplicationData> = {}, commitments: Partial<ApplicantCommitments> = {}): ApplicationData {
  return {
    kind: 'individual',
    organisation: {
      name: 'Formation Test',
      category: 'datadock-training-provider',
      uai: null,
      department: '69',
      foreign: false,
      email: 'centre@test.fr',
    },
    argument: 'Organisme de formation continue, 800 stagiaires par an.',
    referent: { name: 'Alex Dupont', email: 'alex@test.fr' },
    commitments: { ...COMMITMENTS, ...commitments },
    network: null,
    ...overrides,
  };
}

function member(name: string, category: EligibilityCategory = 'apprentice-training-centre'): NetworkMember {
  return { name, category, email: `${name.toLowerCase().replace(/\W/g, '')}@test.fr` };
}

const DEPARTMENTS = [...FRENCH_DEPARTMENTS];

function network(
  type: 'A' | 'B',
  details: Partial<NonNullable<ApplicationData['network']>> = {},
  commitments: Partial<ApplicantCommitments> = {},
): ApplicationData {
  return {
    ...individual(),
    kind: 'network',
    organisation: { name: 'Réseau Coordinateur', category: 'other', uai: null, department: '75', foreign: false, email: 'reseau@test.fr' },
    commitments: { ...COMMITMENTS, committedCandidates: 2500, priorNetworkOperation: true, ...commitments },
    network: {
      type,
      coordinatingEntity: 'Réseau Coordinateur',
      members: [member('CFA Lyon'), member('CFA Nantes')],
      departmentsCovered: type === 'B' ? DEPARTMENTS.slice(0, PARAMETERS.eligibility.networkBMinDepartments) : [],
      ...details,
    },
  };
}

const checks = (evaluation: Evaluation) => evaluation.failures.map((f) => f.check);
const failure = (evaluation: Evaluation, check: string) => evaluation.failures.find((f) => f.check === check);

describe('eligibility rules (APP-1, ELIG-1..5)', () => {
  it('a complete individual application passes every applicable check', async () => {
    const evaluation = await evaluateEligibility(individual(), [], TODAY);
    expect(evaluation).toMatchObject({ ruleSet: 'eligibility', version: '2020-01', passed: true, failures: [] });
  });

  it('APP-1 refuses a blank argument and accepts an argued application', async () => {
    const blank = await evaluateEligibility(individual({ argument: '  \n ' }), [], TODAY);
    expect(checks(blank)).toEqual(['APP-1.argued']);
    expect(failure(blank, 'APP-1.argued')).toMatchObject({ ruleId: 'APP-1', actual: '  \n ', expected: false });
    expect(failure(blank, 'APP-1.argued')!.message).toMatch(/argumentée/);
    expect((await evaluateEligibility(individual({ argument: 'Motivé.' }), [], TODAY)).passed).toBe(true);
  });

  it('ELIG-1 refuses a category not eligible individually, naming the clause', async () => {
    const other = individual({ organisation: { ...individual().organisation, category: 'other' } });
    const evaluation = await evaluateEligibility(other, [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-1.category']);
    expect(failure(evaluation, 'ELIG-1.category')).toMatchObject({
      ruleId: 'ELIG-1',
      clause: expect.stringContaining('§3.1.1'),
      fact: 'category',
      operator: 'in',
      actual: 'other',
      expected: INDIVIDUALLY_ELIGIBLE_CATEGORIES,
    });
  });

  it.each(INDIVIDUALLY_ELIGIBLE_CATEGORIES)('ELIG-1 accepts the category %s', async (category) => {
    const evaluation = await evaluateEligibility(individual({ organisation: { ...individual().organisation, category } }), [], TODAY);
    expect(evaluation.passed).toBe(true);
  });

  it('ELIG-1 lists the same categories as the domain (every category but "other")', () => {
    const rule = ELIGIBILITY_RULES.rules.find((r) => r.check === 'ELIG-1.category')!;
    expect((rule.requires as { value: unknown }).value).toEqual(INDIVIDUALLY_ELIGIBLE_CATEGORIES);
    expect(INDIVIDUALLY_ELIGIBLE_CATEGORIES).not.toContain('other');
  });

  it('ELIG-1 also applies to the higher-education dossier (an individual application)', async () => {
    const data = individual({ kind: 'higher-education', organisation: { ...individual().organisation, category: 'other' } });
    expect(checks(await evaluateEligibility(data, [], TODAY))).toContain('ELIG-1.category');
  });

  it.each([
    ['qualifiedTeam', 'ELIG-2.qualified-team'],
    ['similarServiceReferences', 'ELIG-2.similar-service-references'],
    ['consistentMeans', 'ELIG-2.consistent-means'],
    ['compliantEnvironment', 'ELIG-2.compliant-environment'],
    ['siteControlProcedures', 'ELIG-2.site-control-procedures'],
    ['noReputationalRisk', 'ELIG-2.no-reputational-risk'],
  ] as const)('ELIG-2 reports %s as its own check %s', async (key, check) => {
    const evaluation = await evaluateEligibility(individual({}, { [key]: false }), [], TODAY);
    expect(checks(evaluation)).toEqual([check]);
    expect(failure(evaluation, check)).toMatchObject({
      ruleId: 'ELIG-2',
      fact: 'commitments',
      path: `$.${key}`,
      actual: false,
      expected: true,
    });
  });

  it('ELIG-2 applies to networks too (CdC §3.1.2: every criterion applies to every member)', async () => {
    const evaluation = await evaluateEligibility(network('A', {}, { consistentMeans: false }), [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-2.consistent-means']);
  });

  it('ELIG-3 refuses 599 committed candidates and accepts 600', async () => {
    const refused = await evaluateEligibility(individual({}, { committedCandidates: 599 }), [], TODAY);
    expect(checks(refused)).toEqual(['ELIG-3.committed-candidates']);
    expect(failure(refused, 'ELIG-3.committed-candidates')).toMatchObject({
      fact: 'commitments',
      path: '$.committedCandidates',
      operator: 'greaterThanInclusive',
      actual: 599,
      expected: PARAMETERS.eligibility.centreCandidates,
    });
    expect(failure(refused, 'ELIG-3.committed-candidates')!.message).toMatch(/au moins 600 candidats.*déclaré : 599/);
    expect((await evaluateEligibility(individual({}, { committedCandidates: 600 }), [], TODAY)).passed).toBe(true);
  });

  it('ELIG-3 applies to higher-education applicants, not to networks (their threshold is ELIG-5)', async () => {
    const he = individual(
      { kind: 'higher-education', organisation: { ...individual().organisation, category: 'public-higher-education' } },
      { committedCandidates: 599 },
    );
    expect(checks(await evaluateEligibility(he, [], TODAY))).toEqual(['ELIG-3.committed-candidates']);
    const net = await evaluateEligibility(network('A', {}, { committedCandidates: 2500 }), [], TODAY);
    expect(net.notApplicable).toContain('ELIG-3.committed-candidates');
  });

  it('ELIG-4 type A refuses members not individually eligible, naming them as actual', async () => {
    const data = network('A', { members: [member('CFA Lyon'), member('Club Info', 'other'), member('Asso Num', 'other')] });
    const evaluation = await evaluateEligibility(data, [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-4.type-a.members-individually-eligible']);
    expect(failure(evaluation, 'ELIG-4.type-a.members-individually-eligible')).toMatchObject({
      fact: 'membersNotIndividuallyEligible',
      actual: ['Club Info', 'Asso Num'],
      expected: true,
    });
    expect(failure(evaluation, 'ELIG-4.type-a.members-individually-eligible')!.message).toContain('Club Info, Asso Num');
    expect((await evaluateEligibility(network('A'), [], TODAY)).passed).toBe(true);
  });

  it('ELIG-4 type B refuses 50 departments covered and accepts 51', async () => {
    const refused = await evaluateEligibility(network('B', { departmentsCovered: DEPARTMENTS.slice(0, 50) }), [], TODAY);
    expect(checks(refused)).toEqual(['ELIG-4.type-b.departments-covered']);
    expect(failure(refused, 'ELIG-4.type-b.departments-covered')).toMatchObject({
      actual: 50,
      expected: PARAMETERS.eligibility.networkBMinDepartments,
    });
    const accepted = await evaluateEligibility(network('B', { departmentsCovered: DEPARTMENTS.slice(0, 51) }), [], TODAY);
    expect(accepted.passed).toBe(true);
  });

  it('ELIG-4 type B members need not be individually eligible', async () => {
    const data = network('B', { members: [member('Club Info', 'other')] });
    const evaluation = await evaluateEligibility(data, [], TODAY);
    expect(evaluation.passed).toBe(true);
    expect(evaluation.notApplicable).toContain('ELIG-4.type-a.members-individually-eligible');
  });

  it('ELIG-4 type B counts distinct department codes: duplicates and unknown codes do not reach 51', async () => {
    const fifty = DEPARTMENTS.slice(0, 50);
    const padded = await evaluateEligibility(network('B', { departmentsCovered: [...fifty, ' 01 ', '99'] }), [], TODAY);
    expect(checks(padded)).toEqual(['ELIG-4.type-b.departments-covered', 'ELIG-4.type-b.department-codes']);
    expect(failure(padded, 'ELIG-4.type-b.departments-covered')!.actual).toBe(50);
    expect(failure(padded, 'ELIG-4.type-b.department-codes')!.actual).toEqual(['99']);
    // "1" is Ain ("01"), and Corsica counts as 2A and 2B.
    const others = DEPARTMENTS.filter((d) => !['01', '2A', '2B'].includes(d)).slice(0, 48);
    const normalised = await evaluateEligibility(network('B', { departmentsCovered: ['1', '2a', '2B', ...others] }), [], TODAY);
    expect(normalised.passed).toBe(true);
  });

  it('ELIG-4 the department list has the 101 departments of the parameters', () => {
    expect(FRENCH_DEPARTMENTS.size).toBe(PARAMETERS.eligibility.totalDepartments);
    expect([...FRENCH_DEPARTMENTS]).toEqual(expect.arrayContaining(['01', '2A', '2B', '95', '971', '976']));
    expect([...FRENCH_DEPARTMENTS]).not.toEqual(expect.arrayContaining(['20']));
    expect([...FRENCH_DEPARTMENTS]).not.toEqual(expect.arrayContaining(['975']));
  });

  it('ELIG-4 a network must state its type and declare members', async () => {
    const evaluation = await evaluateEligibility(network('A', { type: undefined as never, members: [] }), [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-4.network-type', 'ELIG-4.members-declared']);
    expect(failure(evaluation, 'ELIG-4.network-type')!.actual).toBeNull();
  });

  it('ELIG-5 refuses 2499 committed candidates for a network and accepts 2500', async () => {
    const refused = await evaluateEligibility(network('A', {}, { committedCandidates: 2499 }), [], TODAY);
    expect(checks(refused)).toEqual(['ELIG-5.committed-candidates']);
    expect(failure(refused, 'ELIG-5.committed-candidates')).toMatchObject({
      actual: 2499,
      expected: PARAMETERS.eligibility.networkCandidates,
    });
    expect((await evaluateEligibility(network('A', {}, { committedCandidates: 2500 }), [], TODAY)).passed).toBe(true);
  });

  it('ELIG-5 requires prior network operation and a coordinating entity', async () => {
    const evaluation = await evaluateEligibility(network('A', { coordinatingEntity: ' ' }, { priorNetworkOperation: false }), [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-5.prior-network-operation', 'ELIG-5.coordinating-entity']);
    const undeclared = await evaluateEligibility(network('A', {}, { priorNetworkOperation: undefined }), [], TODAY);
    expect(checks(undeclared)).toEqual(['ELIG-5.prior-network-operation']);
  });

  it('ELIG-4/ELIG-5 a network application without network details fails, it is not waved through', async () => {
    const evaluation = await evaluateEligibility({ ...network('A'), network: null }, [], TODAY);
    expect(checks(evaluation)).toEqual(['ELIG-4.network-type', 'ELIG-4.members-declared', 'ELIG-5.coordinating-entity']);
  });

  it('ELIG-1..5 return ALL failing checks at once, in rule-file order, each with actual and expected', async () => {
    const data = network(
      'B',
      { coordinatingEntity: '', departmentsCovered: DEPARTMENTS.slice(0, 10) },
      { qualifiedTeam: false, noReputationalRisk: false, committedCandidates: 100, priorNetworkOperation: false },
    );
    const evaluation = await evaluateEligibility({ ...data, argument: '' }, [], TODAY);
    expect(evaluation.passed).toBe(false);
    expect(checks(evaluation)).toEqual([
      'APP-1.argued',
      'ELIG-2.qualified-team',
      'ELIG-2.no-reputational-risk',
      'ELIG-4.type-b.departments-covered',
      'ELIG-5.prior-network-operation',
      'ELIG-5.committed-candidates',
      'ELIG-5.coordinating-entity',
    ]);
    for (const f of evaluation.failures) {
      expect(f).toHaveProperty('actual');
      expect(f).toHaveProperty('expected');
      expect(f.clause).toMatch(/CdC §3\.[12]/);
      expect(f.message).not.toMatch(/\{(actual|expected|parameters\.[^}]*)\}/);
    }
    expect(failure(evaluation, 'ELIG-4.type-b.departments-covered')).toMatchObject({ actual: 10, expected: 51 });
    expect(failure(evaluation, 'ELIG-5.committed-candidates')).toMatchObject({ actual: 100, expected: 2500 });
  });

  it('ELIG-4/ELIG-5 network checks on an individual are not applicable, never failures', async () => {
    const evaluation = await evaluateEligibility(individual(), [], TODAY);
    const networkChecks = ELIGIBILITY_RULES.rules.filter((r) => /^ELIG-[45]\./.test(r.check)).map((r) => r.check);
    expect(networkChecks.length).toBeGreaterThanOrEqual(6);
    expect(evaluation.notApplicable).toEqual(networkChecks);
    expect(evaluation.failures).toEqual([]);
  });

  it('ELIG-1..5 includePassing lists each applicable passing check, and only applicable ones', async () => {
    const evaluation = await evaluateEligibility(individual(), [], TODAY, { includePassing: true });
    expect(evaluation.passes!.map((p) => p.check)).toEqual([
      'APP-1.argued',
      'ELIG-1.category',
      'ELIG-2.qualified-team',
      'ELIG-2.similar-service-references',
      'ELIG-2.consistent-means',
      'ELIG-2.compliant-environment',
      'ELIG-2.site-control-procedures',
      'ELIG-2.no-reputational-risk',
      'ELIG-3.committed-candidates',
    ]);
    expect(evaluation.passes!.find((p) => p.check === 'ELIG-3.committed-candidates')).toMatchObject({ actual: 600, expected: 600 });
    expect((await evaluateEligibility(individual(), [], TODAY)).passes).toBeUndefined();
  });
});
