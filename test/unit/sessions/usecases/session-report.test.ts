import { describe, expect, it } from 'vitest';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import { erasePersonalData } from '../../../../src/sessions/domain/retention';
import { judge, sessionCentreOf } from '../../../../src/sessions/usecases/report-sessions';
import { parseSessionReport, SESSION_REPORT_SCHEMA } from '../../../../src/sessions/usecases/session-report';
import { sessionReport } from '../../../support/session-fixtures';
import { BASE_RULE_CATALOGUE } from '../../../../src/sessions/rules/index';
import type { JudgingData } from '../../../../src/sessions/usecases/report-sessions';

/** The base cahier and no campaign window (these centres are not schools). */
const DATA: JudgingData = { catalogue: BASE_RULE_CATALOGUE, campaigns: { windows: [], derogations: [] } };

// DATA-1 (Conv annexe 3 art. 6): a report may be reduced to the annexe 3 data every candidate has, and
// may carry nothing outside annexe 3.
const ORG = '0b6f0d4e-1c1a-4c55-9a4b-3d1f7f1c2a11';
const centre = sessionCentreOf({
  id: ORG,
  name: 'Centre',
  email: 'pix@centre.fr',
  category: 'datadock-training-provider',
  network_id: null,
  network_type: null,
});
const NOW = new Date('2027-04-10T08:00:00Z');

/** A report whose candidates and invigilators carry only what annexe 3 requires of every person. */
function minimalReport(): Record<string, unknown> {
  const full = sessionReport(ORG, {}, 3);
  return {
    ...full,
    invigilators: [{ lastName: 'Martin', firstName: 'Jeanne' }],
    candidates: full.candidates.map((c) => ({ lastName: c.lastName, firstName: c.firstName, birthDate: c.birthDate })),
  };
}

const refusal = (raw: unknown): InvalidCommand => {
  try {
    parseSessionReport(raw);
  } catch (e) {
    if (e instanceof InvalidCommand) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('DATA-1: only annexe 3 data is required of a session report', () => {
  it('DATA-1: a candidate is required to have only a name, a first name and a birth date', () => {
    const candidate = (SESSION_REPORT_SCHEMA.properties.candidates.items as { required: readonly string[] }).required;
    expect([...candidate].sort()).toEqual(['birthDate', 'firstName', 'lastName']);
    expect([...SESSION_REPORT_SCHEMA.properties.invigilators.items.required].sort()).toEqual(['firstName', 'lastName']);
  });

  it('DATA-1: a report without local ids, extra time, e-mail nor the centre’s declarations is accepted and judged', () => {
    const report = parseSessionReport(minimalReport());
    const verdict = judge(report, centre, null, NOW, DATA, { includePassing: true });
    expect(verdict.evaluation.failures).toEqual([]);
    // Absent local ids: candidates are known by their position; absent extra time: none; absent billing: PRI-1.
    expect(
      verdict.session.candidates.map((c) => [c.localId, c.extraTimePercent, c.staffOfCentre, c.billing.mode, c.certifiableCompetences]),
    ).toEqual([
      ['#1', 0, false, 'free-candidate', null],
      ['#2', 0, false, 'free-candidate', null],
      ['#3', 0, false, 'free-candidate', null],
    ]);
    expect(verdict.session.invigilators[0]).toMatchObject({ referent: false });
    // SES-8: nothing declared, nothing judged.
    expect(verdict.evaluation.notApplicable).toContain('SES-8.certifiable');
    expect(verdict.price).toMatchObject({ payingCandidates: 3 });
  });

  it('DATA-1: each required field stays required', () => {
    for (const field of ['lastName', 'firstName', 'birthDate']) {
      const raw = minimalReport();
      const candidates = raw.candidates as Array<Record<string, unknown>>;
      delete candidates[1]![field];
      expect(refusal(raw).message).toBe(`candidates.1.${field} is required`);
    }
  });

  it('DATA-1: the optional annexe 3 data is accepted (birth place, convocation e-mail, local id, extra time)', () => {
    const raw = minimalReport();
    const candidates = raw.candidates as Array<Record<string, unknown>>;
    Object.assign(candidates[0]!, { birthPlace: 'Lyon', email: 'lea.bernard@example.fr', localId: 'ETU-1', extraTimePercent: 33 });
    const report = parseSessionReport(raw);
    const verdict = judge({ ...report, endTime: '16:35' }, centre, null, NOW, DATA);
    expect(verdict.session.candidates.map((c) => c.localId)).toEqual(['ETU-1', '#2', '#3']);
    expect(verdict.session.candidates[0]).toMatchObject({ extraTimePercent: 33, birthPlace: 'Lyon' });
    expect(refusal({ ...raw, candidates: [{ ...candidates[0], email: 'pas une adresse' }] }).field).toBe('candidates.0.email');
  });

  it('DATA-1: nothing outside annexe 3 is collected', () => {
    const raw = minimalReport();
    const candidates = raw.candidates as Array<Record<string, unknown>>;
    for (const [field, value] of [
      ['socialSecurityNumber', '1 01 04'],
      ['phone', '0600000000'],
      ['address', '1 rue X'],
      ['nationality', 'FR'],
    ] as const) {
      const e = refusal({ ...raw, candidates: [{ ...candidates[0], [field]: value }] });
      expect(e.field).toBe(`candidates.0.${field}`);
      expect(e.message).toMatch(/DATA-1/);
    }
    expect(refusal({ ...raw, invigilators: [{ lastName: 'Martin', firstName: 'Jeanne', email: 'j@x.fr' }] }).field).toBe(
      'invigilators.0.email',
    );
  });

  it('DATA-1: a positional candidate id that clashes with a local id is refused', () => {
    const raw = minimalReport();
    const candidates = raw.candidates as Array<Record<string, unknown>>;
    candidates[0]!.localId = '#2';
    expect(refusal(raw).field).toBe('candidates.1.localId');
  });

  it('SES-11 DATA-1: the convocation e-mail is forgotten with the names', () => {
    const raw = minimalReport();
    (raw.candidates as Array<Record<string, unknown>>)[0]!.email = 'lea.bernard@example.fr';
    expect(JSON.stringify(erasePersonalData(parseSessionReport(raw)))).not.toMatch(/lea\.bernard|email/);
  });
});
