import { describe, expect, it } from 'vitest';
import { RulesFailed } from '../../../../src/shared/domain/errors';
import { judge, sessionCentreOf, type CentreRow } from '../../../../src/sessions/usecases/report-sessions';
import { sessionReport } from '../../../support/session-fixtures';
import { BASE_RULE_CATALOGUE } from '../../../../src/sessions/rules/index';
import type { JudgingData } from '../../../../src/sessions/usecases/report-sessions';

/** The base cahier and no campaign window (these centres are not schools). */
const DATA: JudgingData = { catalogue: BASE_RULE_CATALOGUE, campaigns: { windows: [], derogations: [] } };

// What an organisation is (SES-5, PRI-3) does not depend on its network (PRI-4): judged end to end,
// from the organisation's row to the verdict on a past session (no agrément needed, SES-9).
const NOW = new Date('2027-04-10T08:00:00Z');
const row = (category: string, networkType: string | null = null): CentreRow => ({
  id: '0b6f0d4e-1c1a-4c55-9a4b-3d1f7f1c2a01',
  name: 'Établissement',
  email: 'pix@etablissement.fr',
  category,
  network_id: networkType ? '0b6f0d4e-1c1a-4c55-9a4b-3d1f7f1c2a02' : null,
  network_type: networkType,
});
const freeStudents = (n: number) =>
  sessionReport(row('x').id, { public: 'internal-initial' }, n).candidates.map((c) => ({
    ...c,
    billing: { mode: 'free-of-charge' as const, reason: 'higher-education-initial-training' as const },
  }));
const failedChecks = (f: () => unknown): string[] => {
  try {
    f();
    return [];
  } catch (e) {
    if (!(e instanceof RulesFailed)) throw e;
    return e.failures.map((x) => x.check);
  }
};

describe('PRI-3 / SES-5: a public university member of a type B network', () => {
  const university = sessionCentreOf(row('public-higher-education', 'B'));

  it('PRI-4: is priced as a type B member, and stays higher education under the MESRI', () => {
    expect(university).toMatchObject({
      kind: 'network-b-member',
      publicEstablishment: true,
      higherEducation: true,
      educationMinistriesPublic: true,
    });
  });

  it('PRI-3: certifies its own initial-training students free of charge, nothing owed to Pix', () => {
    const report = sessionReport(university.id, { public: 'internal-initial', candidates: freeStudents(10) });
    const verdict = judge(report, university, null, NOW, DATA);
    expect(verdict.evaluation.failures).toEqual([]);
    expect(verdict.price).toEqual({ priceCents: 0, pixShareCents: 0, payingCandidates: 0 });
    // …and may not charge one of them (PRI-3.own-students-free).
    const charged = freeStudents(10).map((c, i) => (i === 3 ? { ...c, billing: { mode: 'free-candidate' as const } } : c));
    expect(failedChecks(() => judge({ ...report, candidates: charged }, university, null, NOW, DATA))).toEqual(['PRI-3.own-students-free']);
  });

  it('SES-5: its invigilators may invigilate their own initial-training students', () => {
    const report = sessionReport(university.id, {
      public: 'internal-initial',
      candidates: freeStudents(10),
      invigilators: [
        { lastName: 'Martin', firstName: 'Jeanne', referent: false, trainedCandidateIds: ['c1'], subordinateCandidateIds: ['c2'] },
      ],
    });
    const verdict = judge(report, university, null, NOW, DATA, { includePassing: true });
    expect(verdict.evaluation.notApplicable).toEqual(expect.arrayContaining(['SES-5.trained', 'SES-5.relatives', 'SES-5.subordinates']));
    // A non-university member of the same network does not get the exception.
    const provider = sessionCentreOf(row('datadock-training-provider', 'B'));
    expect(
      failedChecks(() =>
        judge(
          { ...report, candidates: report.candidates.map((c) => ({ ...c, billing: { mode: 'free-candidate' as const } })) },
          provider,
          null,
          NOW,
          DATA,
        ),
      ),
    ).toEqual(['SES-5.trained', 'SES-5.subordinates']);
  });
});

describe('PRI-3: free staff certification only for MENJ/MESRI public establishments, EPLE excepted', () => {
  const staffReport = (organisationId: string) =>
    sessionReport(organisationId, {
      public: 'internal-continuing',
      candidates: sessionReport(organisationId).candidates.map((c, i) =>
        i < 2
          ? { ...c, staffOfCentre: true, billing: { mode: 'free-of-charge' as const, reason: 'public-establishment-staff' as const } }
          : c,
      ),
    });

  it('PRI-3: a public university certifies its own staff free of charge, in a type B network too', () => {
    for (const centre of [sessionCentreOf(row('public-higher-education')), sessionCentreOf(row('public-higher-education', 'B'))]) {
      expect(judge(staffReport(centre.id), centre, null, NOW, DATA).evaluation.failures).toEqual([]);
    }
  });

  it('PRI-3: a public establishment of another ministry (military school) may not', () => {
    const school = sessionCentreOf(row('public-service-or-military-school'));
    expect(school).toMatchObject({ publicEstablishment: true, educationMinistriesPublic: false });
    expect(failedChecks(() => judge(staffReport(school.id), school, null, NOW, DATA))).toEqual(['PRI-3.free-of-charge-reason']);
  });

  it('PRI-3: collèges and lycées are EPLE: never a MENJ/MESRI establishment whose staff sit free', () => {
    for (const category of ['college', 'lycee', 'agricultural-lycee']) {
      expect(sessionCentreOf(row(category))).toMatchObject({
        kind: 'secondary-school',
        publicEstablishment: true,
        educationMinistriesPublic: false,
      });
    }
  });
});
