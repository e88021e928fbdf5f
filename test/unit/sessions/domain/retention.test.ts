import { describe, expect, it } from 'vitest';
import { ERASED, erasePersonalData, retentionCutoff } from '../../../../src/sessions/domain/retention';
import { sessionReport } from '../../../support/session-fixtures';

describe('SES-11 session minutes kept 2 years, then the people forgotten (DATA-1)', () => {
  it('SES-11 the cutoff is 2 years before today (29 February falls back to the 28th)', () => {
    expect(retentionCutoff('2026-11-24')).toBe('2024-11-24');
    expect(retentionCutoff('2026-02-28')).toBe('2024-02-28');
    expect(retentionCutoff('2028-02-29')).toBe('2026-02-28');
  });

  it('SES-11 DATA-1 erases names, birth dates and places, and free texts; keeps ids, counts, extra time, billing and the verdicts’ inputs', () => {
    const report = sessionReport(
      '00000000-0000-4000-8000-000000000001',
      {
        status: 'finalised',
        finalisation: {
          finalisedAt: '2024-11-02T10:00:00Z',
          candidatesWhoSat: 2,
          incidents: [{ candidateLocalId: 'c1', description: 'Malaise de Jeanne Dupont', attributableToCentre: false }],
          fraudReports: [{ candidateLocalId: 'c0', description: 'Téléphone de M. Martin' }],
          endOfTestChecks: [{ candidateLocalId: 'c0', finding: 'Sortie anticipée de M. Martin' }],
        },
      },
      2,
    );
    (report.candidates[0] as { birthPlace?: string }).birthPlace = 'Villeurbanne';
    const erased = erasePersonalData(report);
    expect(
      erased.candidates.map((c) => [c.localId, c.lastName, c.firstName, c.birthDate, 'birthPlace' in c, c.billing, c.extraTimePercent]),
    ).toEqual([
      ['c0', ERASED, ERASED, '1900-01-01', false, { mode: 'free-candidate' }, 0],
      ['c1', ERASED, ERASED, '1900-01-01', false, { mode: 'free-candidate' }, 0],
    ]);
    expect(erased.invigilators).toEqual([{ lastName: ERASED, firstName: ERASED, referent: false }]);
    expect(erased.finalisation).toEqual({
      finalisedAt: '2024-11-02T10:00:00Z',
      candidatesWhoSat: 2,
      incidents: [{ candidateLocalId: 'c1', description: ERASED, attributableToCentre: false }],
      fraudReports: [{ candidateLocalId: 'c0', description: ERASED }],
      endOfTestChecks: [{ candidateLocalId: 'c0', finding: ERASED }],
    });
    expect({ ...erased, candidates: undefined, invigilators: undefined, finalisation: undefined }).toEqual({
      ...report,
      candidates: undefined,
      invigilators: undefined,
      finalisation: undefined,
    });
    expect(JSON.stringify(erased)).not.toMatch(/Nom0|Prénom1|2001-04-02|Villeurbanne|Martin|Dupont|Jeanne/);
  });
});
