import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { engineFor } from '../../../../src/shared/rules/rule-engine';
import { RISK_RULES, type RiskFacts, riskScore } from '../../../../src/visits/rules/index';
import { wholeMonthsBetween } from '../../../../src/visits/usecases/risk-facts';

const R = PARAMETERS.visits.risk;

/** A centre nothing marks out: no factor contributes. */
const CALM: RiskFacts = {
  lateFinalisations: 0,
  incidents: 0,
  remediesLate: 0,
  fraudReports: 0,
  complaints: 0,
  monthsSinceFirstGrant: 18,
  pastSuspensions: 0,
  pastBreaches: 0,
  everVisited: true,
  monthsWithoutVisit: 3,
  candidates: 50,
};

describe('VIS-1: the risk score of a centre, every factor explained', () => {
  it('VIS-1 a calm centre scores 0 and every factor is reported as not contributing, with the value seen', () => {
    const result = riskScore(CALM);
    expect(result.score).toBe(0);
    expect(result.factors).toEqual([]);
    expect(result.notContributing.map((f) => f.check)).toEqual(RISK_RULES.rules.map((r) => r.check));
    expect(result.notContributing.find((f) => f.check === 'SES-12.incidents')).toMatchObject({ actual: 0, expected: R.incidentsFrom });
  });

  // Each factor alone: the rule that fires, its clause, points (rule data), the value seen, the threshold, a French message.
  const cases: Array<
    [string, Partial<RiskFacts>, { check: string; ruleId: string; points: number; actual: unknown; expected: unknown; message: RegExp }]
  > = [
    [
      'SES-10 late finalisations, per session',
      { lateFinalisations: 2 },
      {
        check: 'SES-10.late-finalisations',
        ruleId: 'SES-10',
        points: 4,
        actual: 2,
        expected: R.lateFinalisationsFrom,
        message: /2 session\(s\) finalisée\(s\) hors délai sur les 24 derniers mois/,
      },
    ],
    [
      'SES-12 incidents, per incident',
      { incidents: 3 },
      { check: 'SES-12.incidents', ruleId: 'SES-12', points: 9, actual: 3, expected: R.incidentsFrom, message: /3 incident\(s\)/ },
    ],
    [
      'SES-12 remedies not offered within 5 days, per session',
      { remediesLate: 4 },
      {
        check: 'SES-12.remedies-late',
        ruleId: 'SES-12',
        points: 12,
        actual: 4,
        expected: R.remediesLateFrom,
        message: /4 incident\(s\) imputable\(s\) au centre sans solution proposée aux candidats dans les 5 jours, sur les 24 derniers mois/,
      },
    ],
    [
      'SUS-1 fraud reports, per report',
      { fraudReports: 1 },
      {
        check: 'SUS-1.fraud-reports',
        ruleId: 'SUS-1',
        points: 10,
        actual: 1,
        expected: R.fraudReportsFrom,
        message: /1 signalement\(s\) de fraude/,
      },
    ],
    [
      'SES-13 complaints, per complaint',
      { complaints: 4 },
      { check: 'SES-13.complaints', ruleId: 'SES-13', points: 8, actual: 4, expected: R.complaintsFrom, message: /4 réclamation\(s\)/ },
    ],
    [
      'VIS-1 first year of agrément',
      { monthsSinceFirstGrant: 4 },
      {
        check: 'VIS-1.first-year',
        ruleId: 'VIS-1',
        points: 10,
        actual: 4,
        expected: R.firstYearMonths,
        message: /agréé depuis 4 mois seulement/,
      },
    ],
    [
      'SUS-5 past suspensions',
      { pastSuspensions: 1 },
      {
        check: 'SUS-5.past-suspensions',
        ruleId: 'SUS-5',
        points: 15,
        actual: 1,
        expected: R.pastSuspensionsFrom,
        message: /1 suspension\(s\)/,
      },
    ],
    [
      'BRE-1 past breach notices',
      { pastBreaches: 2 },
      {
        check: 'BRE-1.past-breaches',
        ruleId: 'BRE-1',
        points: 30,
        actual: 2,
        expected: R.pastBreachesFrom,
        message: /2 mise\(s\) en demeure/,
      },
    ],
    [
      'VIS-1 never visited',
      { everVisited: false },
      { check: 'VIS-1.never-visited', ruleId: 'VIS-1', points: 5, actual: false, expected: false, message: /Aucune visite de contrôle/ },
    ],
    [
      'VIS-1 time since the last visit',
      { monthsWithoutVisit: 30 },
      {
        check: 'VIS-1.time-since-last-visit',
        ruleId: 'VIS-1',
        points: 10,
        actual: 30,
        expected: R.monthsWithoutVisit,
        message: /30 mois sans visite de contrôle \(seuil : 24 mois\)/,
      },
    ],
    [
      'VIS-1 candidate volume',
      { candidates: 1200 },
      {
        check: 'VIS-1.candidate-volume',
        ruleId: 'VIS-1',
        points: 5,
        actual: 1200,
        expected: R.candidateVolume,
        message: /1\s200 candidats comptés pour l'agrément \(seuil : 300\)/,
      },
    ],
  ];

  it.each(cases)('%s: the factor alone makes the score, explained', (_, facts, expected) => {
    const result = riskScore({ ...CALM, ...facts });
    expect(result.factors).toHaveLength(1);
    const [factor] = result.factors;
    expect(factor).toMatchObject({
      check: expected.check,
      ruleId: expected.ruleId,
      points: expected.points,
      actual: expected.actual,
      expected: expected.expected,
    });
    expect(factor!.message).toMatch(expected.message);
    expect(factor!.clause.length).toBeGreaterThan(10);
    expect(result.score).toBe(expected.points);
    expect(result.notContributing.map((f) => f.check)).not.toContain(expected.check);
  });

  it('VIS-1 every rule of the file is covered by one case above', () => {
    expect(new Set(cases.map(([, , e]) => e.check))).toEqual(new Set(RISK_RULES.rules.map((r) => r.check)));
  });

  it('VIS-1 points per unit are capped by the rule data; factors add up, highest first', () => {
    const result = riskScore({ ...CALM, lateFinalisations: 40, fraudReports: 9, everVisited: false });
    expect(result.factors.map((f) => [f.check, f.points])).toEqual([
      ['SUS-1.fraud-reports', 30],
      ['SES-10.late-finalisations', 10],
      ['VIS-1.never-visited', 5],
    ]);
    expect(result.score).toBe(45);
  });

  it('VIS-1 thresholds are the parameters’, at their boundaries', () => {
    expect(riskScore({ ...CALM, monthsSinceFirstGrant: R.firstYearMonths }).factors).toEqual([]);
    expect(riskScore({ ...CALM, monthsSinceFirstGrant: R.firstYearMonths - 1 }).factors.map((f) => f.check)).toEqual(['VIS-1.first-year']);
    expect(riskScore({ ...CALM, monthsWithoutVisit: R.monthsWithoutVisit - 1 }).factors).toEqual([]);
    expect(riskScore({ ...CALM, monthsWithoutVisit: R.monthsWithoutVisit }).factors.map((f) => f.check)).toEqual([
      'VIS-1.time-since-last-visit',
    ]);
    expect(riskScore({ ...CALM, candidates: R.candidateVolume - 1 }).factors).toEqual([]);
  });

  it('VIS-1 the verdicts are json-rules-engine’s own (Engine.run on the compiled rules)', async () => {
    const facts = { ...CALM, incidents: 2, monthsSinceFirstGrant: 2, candidates: 999 };
    const { events } = await engineFor(RISK_RULES).run({ ...facts });
    const fired = new Set(events.map((e) => e.type.split('#')[0]));
    expect(new Set(riskScore(facts).factors.map((f) => f.check))).toEqual(fired);
  });

  it('VIS-1 a missing fact is refused rather than scored as zero', () => {
    const { complaints: _omitted, ...partial } = CALM;
    expect(() => riskScore(partial as RiskFacts)).toThrow(/complaints/);
  });

  it('counts whole months between two dates', () => {
    expect(wholeMonthsBetween('2025-01-31', '2026-01-30')).toBe(11);
    expect(wholeMonthsBetween('2025-01-31', '2026-01-31')).toBe(12);
    expect(wholeMonthsBetween('2026-03-01', '2026-02-01')).toBe(0);
  });
});
