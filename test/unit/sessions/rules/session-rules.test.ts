import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import type { Invigilator, Session, SessionCandidate, SessionContext } from '../../../../src/sessions/domain/session';
import { RuleFileError } from '../../../../src/shared/rules/rule-engine';
import {
  BASE_RULE_CATALOGUE,
  evaluateSession,
  listRuleSets,
  loadSessionRuleSet,
  ruleSetFor,
  SESSION_RULE_SETS,
  sessionFacts,
  type SessionEvaluation,
  type SessionRuleCatalogue,
  withRuleSets,
} from '../../../../src/sessions/rules/index';
import { handWrittenChecks } from '../../../support/hand-written-checks';
import ses2020 from '../../../../src/sessions/rules/ses-2020-01.rules.json';
import ses2027 from '../../../fixtures/rules/ses-2027-01.rules.json';

// AGR-6: a fictional later cahier (15 candidates per invigilator from 2027-01-01), a fixture only.
const FIXTURE_2027 = loadSessionRuleSet(ses2027, 'test/fixtures/rules/ses-2027-01.rules.json');
const WITH_2027: SessionRuleCatalogue = withRuleSets(BASE_RULE_CATALOGUE, [FIXTURE_2027]);

// A session that every rule of both versions accepts; each test breaks one thing.
const DATE = '2026-06-15';
const CONTEXT: SessionContext = { sessionBlocker: null, today: '2026-06-01' };

function candidate(i: number, overrides: Partial<SessionCandidate> = {}): SessionCandidate {
  return {
    localId: `c${i}`,
    lastName: `Nom${i}`,
    firstName: `Prénom${i}`,
    birthDate: '2001-04-02',
    extraTimePercent: 0,
    staffOfCentre: false,
    billing: { mode: 'free-candidate' },
    certifiableCompetences: 8,
    previousSessionDate: null,
    ...overrides,
  };
}

function invigilator(overrides: Partial<Invigilator> = {}): Invigilator {
  return {
    firstName: 'Jeanne',
    lastName: 'Martin',
    referent: false,
    trainedCandidateIds: [],
    relativeCandidateIds: [],
    subordinateCandidateIds: [],
    ...overrides,
  };
}

function session(overrides: Partial<Session> = {}, candidates = 10): Session {
  return {
    id: 'session-1',
    centreId: 'centre-1',
    centreKind: 'centre',
    centrePublicEstablishment: false,
    centreHigherEducation: false,
    centreEducationMinistriesPublic: false,
    date: DATE,
    startTime: '09:00',
    endTime: '11:00',
    timeZone: 'Europe/Paris',
    address: '12 rue des Écoles, 69007 Lyon',
    room: 'Salle B12',
    thirdPartyVenue: false,
    thirdPartyVenueDetails: null,
    invigilators: [invigilator()],
    public: 'external-private',
    plannedOn: '2026-05-01',
    publicInformation: null,
    minimumCandidates: null,
    confirmation: null,
    spareComputers: 1,
    candidates: Array.from({ length: candidates }, (_, i) => candidate(i)),
    finalisation: null,
    ...overrides,
  };
}

const candidates = (n: number, make: (i: number) => Partial<SessionCandidate> = () => ({})) =>
  Array.from({ length: n }, (_, i) => candidate(i, make(i)));

function judge(s: Session, context: SessionContext = CONTEXT, includePassing = false, catalogue?: SessionRuleCatalogue): SessionEvaluation {
  return evaluateSession(s, context, { includePassing }, catalogue);
}
const failing = (e: SessionEvaluation) => e.failures.map((f) => f.check);
const failure = (e: SessionEvaluation, check: string) => e.failures.find((f) => f.check === check);

describe('the baseline session', () => {
  it('passes every rule of every version (so each test below fails for the one thing it breaks)', () => {
    expect(judge(session()).failures).toEqual([]);
    expect(judge(session({ date: '2027-06-15', plannedOn: '2027-05-01' }), { ...CONTEXT, today: '2027-06-01' }).failures).toEqual([]);
  });
});

describe('SES-1: the session as declared', () => {
  it('SES-1: at least one named invigilator', () => {
    const e = judge(session({ invigilators: [] }));
    expect(failure(e, 'SES-1.invigilators')).toMatchObject({ ruleId: 'SES-1', actual: 0, expected: 1 });
    expect(failing(judge(session({ invigilators: [invigilator({ firstName: ' ', lastName: '' })] })))).toContain('SES-1.invigilators');
  });

  it('SES-1: address, room and, in a third-party venue, its material conditions', () => {
    const e = judge(session({ address: '', thirdPartyVenue: true, thirdPartyVenueDetails: null }));
    expect(failure(e, 'SES-1.place')?.actual).toEqual(['adresse', "conditions d'accueil du lieu tiers"]);
    expect(failing(judge(session({ thirdPartyVenue: true, thirdPartyVenueDetails: 'Médiathèque, 12 postes' })))).not.toContain(
      'SES-1.place',
    );
  });

  it('SES-1: a 2 h slot passes, 1 h 59 fails', () => {
    expect(failing(judge(session({ endTime: '11:00' })))).not.toContain('SES-1.slot');
    expect(failure(judge(session({ endTime: '10:59' })), 'SES-1.slot')).toMatchObject({ actual: 119, expected: 120 });
  });

  it('SES-1: extra time lengthens the test part (33 % of 1 h 45 → 2 h 35)', () => {
    const s = session({ endTime: '11:34', candidates: candidates(10, (i) => ({ extraTimePercent: i === 0 ? 33 : 0 })) });
    expect(failure(judge(s), 'SES-1.slot')).toMatchObject({ actual: 154, expected: 155 });
    expect(failing(judge({ ...s, endTime: '11:35' }))).not.toContain('SES-1.slot');
  });

  it('SES-1: the slot is elapsed time in the venue zone (Paris springs forward on 2026-03-29)', () => {
    const dst = { date: '2026-03-29', plannedOn: '2026-03-01' };
    expect(
      failure(judge(session({ ...dst, startTime: '01:00', endTime: '03:00' }), { ...CONTEXT, today: '2026-03-20' }), 'SES-1.slot'),
    ).toMatchObject({
      actual: 60,
      expected: 120,
    });
    // Réunion has no DST: the same wall-clock slot is 2 h there.
    const reunion = judge(session({ ...dst, startTime: '01:00', endTime: '03:00', timeZone: 'Indian/Reunion' }), {
      ...CONTEXT,
      today: '2026-03-20',
    });
    expect(failing(reunion)).not.toContain('SES-1.slot');
  });
});

describe('SES-2: candidates per invigilator', () => {
  it('SES-2: 20 candidates for one invigilator pass', () => {
    expect(failing(judge(session({}, 20)))).not.toContain('SES-2.candidates-per-invigilator');
  });

  it('SES-2: 21 candidates for one invigilator fail, with actual 21 and expected 20', () => {
    const e = judge(session({ spareComputers: 2 }, 21));
    expect(e.failures).toHaveLength(1);
    expect(e.failures[0]).toMatchObject({ ruleId: 'SES-2', check: 'SES-2.candidates-per-invigilator', actual: 21, expected: 20 });
    expect(e.failures[0].message).toBe('21 candidats par surveillant : au plus 20.');
  });

  it('SES-2: 41 candidates for two invigilators fail (20.5 each); 40 pass', () => {
    const two = [invigilator(), invigilator({ firstName: 'Paul', lastName: 'Roux' })];
    expect(failure(judge(session({ invigilators: two, spareComputers: 3 }, 41)), 'SES-2.candidates-per-invigilator')?.actual).toBe(20.5);
    expect(judge(session({ invigilators: two, spareComputers: 2 }, 40)).failures).toEqual([]);
  });
});

describe('SES-3: spare computers', () => {
  it('SES-3: one spare computer for 20 candidates passes', () => {
    expect(failing(judge(session({ spareComputers: 1 }, 20)))).not.toContain('SES-3.spare-computers');
  });

  it('SES-3: 21 candidates need 2 spare computers', () => {
    const two = [invigilator(), invigilator({ firstName: 'Paul' })];
    expect(failure(judge(session({ invigilators: two, spareComputers: 1 }, 21)), 'SES-3.spare-computers')).toMatchObject({
      actual: 1,
      expected: 2,
    });
    expect(failing(judge(session({ invigilators: two, spareComputers: 2 }, 21)))).not.toContain('SES-3.spare-computers');
  });

  it('SES-3: one candidate already needs one', () => {
    expect(failure(judge(session({ spareComputers: 0 }, 1)), 'SES-3.spare-computers')).toMatchObject({ actual: 0, expected: 1 });
  });
});

describe('SES-4: the centre’s own staff', () => {
  it('SES-4: 30 % of staff pass (3 of 10)', () => {
    expect(failing(judge(session({ candidates: candidates(10, (i) => ({ staffOfCentre: i < 3 })) })))).not.toContain('SES-4.staff-share');
  });

  it('SES-4: above 30 % fails (4 of 10, and 7 of 23)', () => {
    expect(failure(judge(session({ candidates: candidates(10, (i) => ({ staffOfCentre: i < 4 })) })), 'SES-4.staff-share')).toMatchObject({
      ruleId: 'SES-4',
      actual: 40,
      expected: 30,
    });
    const e = judge(
      session({
        invigilators: [invigilator(), invigilator()],
        spareComputers: 2,
        candidates: candidates(23, (i) => ({ staffOfCentre: i < 7 })),
      }),
    );
    expect(failure(e, 'SES-4.staff-share')?.actual).toBeCloseTo(30.43, 2);
  });

  it('SES-4: a session of staff only is dedicated, and the référent invigilates it', () => {
    const staffOnly = candidates(10, () => ({ staffOfCentre: true }));
    const e = judge(session({ candidates: staffOnly }));
    expect(failing(e)).toEqual(['SES-4.dedicated-session-referent']);
    expect(e.notApplicable).toContain('SES-4.staff-share');
    expect(judge(session({ candidates: staffOnly, invigilators: [invigilator({ referent: true })] })).failures).toEqual([]);
  });
});

describe('SES-5: invigilators’ conflicts', () => {
  it('SES-5: an invigilator who trained a candidate of the session in the last 6 months', () => {
    const e = judge(session({ invigilators: [invigilator({ trainedCandidateIds: ['c3', 'absent'] })] }));
    expect(failure(e, 'SES-5.trained')).toMatchObject({ ruleId: 'SES-5', actual: ['Jeanne Martin → c3'], expected: true });
    expect(failure(e, 'SES-5.trained')?.message).toContain('6 derniers mois');
  });

  it('SES-5: relatives and subordinates', () => {
    const e = judge(session({ invigilators: [invigilator({ relativeCandidateIds: ['c1'], subordinateCandidateIds: ['c2', 'c4'] })] }));
    expect(failure(e, 'SES-5.relatives')?.actual).toEqual(['Jeanne Martin → c1']);
    expect(failure(e, 'SES-5.subordinates')?.actual).toEqual(['Jeanne Martin → c2', 'Jeanne Martin → c4']);
  });

  it('SES-5: declared people who do not sit this session are no conflict', () => {
    expect(judge(session({ invigilators: [invigilator({ trainedCandidateIds: ['x'], relativeCandidateIds: ['y'] })] })).failures).toEqual(
      [],
    );
  });

  it('SES-5: not for a higher-education session of its own initial-training students', () => {
    const s = session({
      centreKind: 'higher-education',
      centreHigherEducation: true,
      public: 'internal-initial',
      invigilators: [invigilator({ trainedCandidateIds: ['c3'] })],
    });
    const e = judge(s);
    expect(failing(e)).not.toContain('SES-5.trained');
    expect(e.notApplicable).toEqual(expect.arrayContaining(['SES-5.trained', 'SES-5.relatives', 'SES-5.subordinates']));
    expect(failing(judge({ ...s, public: 'internal-continuing' }))).toContain('SES-5.trained');
  });
});

describe('SES-6: sessions open to all', () => {
  const info = {
    equipment: 'Windows 11, LibreOffice, Firefox',
    registrationTerms: 'En ligne sur le site du centre',
    contact: 'certif@centre.fr',
  };

  it('SES-6: planned one month ahead passes', () => {
    expect(judge(session({ public: 'external-open', plannedOn: '2026-05-15', publicInformation: info })).failures).toEqual([]);
  });

  it('SES-6: planned one day later fails, with the latest planning date', () => {
    const e = judge(session({ public: 'external-open', plannedOn: '2026-05-16', publicInformation: info }));
    expect(failing(e)).toEqual(['SES-6.notice']);
    expect(e.failures[0]).toMatchObject({ actual: '2026-05-16', expected: '2026-05-15' });
    expect(e.failures[0].message).toContain('au plus tard le 15/05/2026');
  });

  it('SES-6: one month before 31 March is 28 February (calendar months, clamped)', () => {
    const e = judge(session({ date: '2026-03-31', public: 'external-open', plannedOn: '2026-03-01', publicInformation: info }), {
      ...CONTEXT,
      today: '2026-03-20',
    });
    expect(failure(e, 'SES-6.notice')?.expected).toBe('2026-02-28');
  });

  it('SES-6: the public information must be complete', () => {
    const e = judge(
      session({ public: 'external-open', plannedOn: '2026-05-01', publicInformation: { ...info, contact: ' ', equipment: null } }),
    );
    expect(failure(e, 'SES-6.public-information')?.actual).toEqual(['matériel informatique', 'contact']);
  });

  it('SES-6: does not apply to private sessions', () => {
    const e = judge(session({ public: 'external-private', plannedOn: '2026-06-14' }));
    expect(e.notApplicable).toEqual(expect.arrayContaining(['SES-6.notice', 'SES-6.public-information']));
    expect(e.failures).toEqual([]);
  });
});

describe('SES-7: minimum number of candidates', () => {
  const confirmed = (notifiedOn: string) => ({ decision: 'confirmed' as const, notifiedOn });

  it('SES-7: a minimum of 7 passes, 8 is refused', () => {
    expect(judge(session({ minimumCandidates: 7, confirmation: confirmed('2026-06-10') })).failures).toEqual([]);
    const e = judge(session({ minimumCandidates: 8, confirmation: confirmed('2026-06-10') }));
    expect(e.failures.map((f) => [f.check, f.actual, f.expected])).toEqual([['SES-7.minimum-threshold', 8, 7]]);
  });

  it('SES-7: confirmation 5 days before passes, 4 days before fails', () => {
    expect(failing(judge(session({ minimumCandidates: 5, confirmation: confirmed('2026-06-10') })))).toEqual([]);
    expect(
      failure(judge(session({ minimumCandidates: 5, confirmation: confirmed('2026-06-11') })), 'SES-7.confirmation-notice'),
    ).toMatchObject({
      actual: '2026-06-11',
      expected: '2026-06-10',
    });
  });

  it('SES-7: not sent yet is fine until the deadline, overdue after it', () => {
    expect(failing(judge(session({ minimumCandidates: 5 }), { ...CONTEXT, today: '2026-06-10' }))).toEqual([]);
    const e = judge(session({ minimumCandidates: 5 }), { ...CONTEXT, today: '2026-06-11' });
    expect(failure(e, 'SES-7.confirmation-due')).toMatchObject({ actual: '2026-06-11', expected: '2026-06-10' });
  });

  it('SES-7: without a minimum nothing is checked', () => {
    const e = judge(session({ minimumCandidates: null }), { ...CONTEXT, today: '2026-06-14' });
    expect(e.notApplicable).toEqual(
      expect.arrayContaining(['SES-7.minimum-threshold', 'SES-7.confirmation-notice', 'SES-7.confirmation-due']),
    );
  });
});

describe('SES-8: certifiable candidates', () => {
  it('SES-8: level 1 in 5 competences passes, 4 fails', () => {
    expect(judge(session({ candidates: candidates(10, (i) => ({ certifiableCompetences: i === 0 ? 5 : 12 })) })).failures).toEqual([]);
    const e = judge(session({ candidates: candidates(10, (i) => ({ certifiableCompetences: i === 0 ? 4 : 12 })) }));
    expect(e.failures.map((f) => [f.check, f.actual, f.expected])).toEqual([['SES-8.certifiable', 4, 5]]);
  });

  it('SES-8: 15 days since the previous session pass, 14 fail', () => {
    expect(
      judge(session({ candidates: candidates(10, (i) => ({ previousSessionDate: i === 0 ? '2026-05-31' : null })) })).failures,
    ).toEqual([]);
    const e = judge(session({ candidates: candidates(10, (i) => ({ previousSessionDate: i === 0 ? '2026-06-01' : '2026-01-01' })) }));
    expect(e.failures.map((f) => [f.check, f.actual, f.expected])).toEqual([['SES-8.days-between-sessions', 14, 15]]);
  });
});

describe('SES-9: the agrément’s state, fed by the caller', () => {
  it('SES-9: a blocker fails the check of the rule it names, with its reason', () => {
    const e = judge(session(), { ...CONTEXT, sessionBlocker: { ruleId: 'SUS-2', reason: 'Suspension notifiée le 2 juin 2026' } });
    expect(e.failures).toHaveLength(1);
    expect(e.failures[0]).toMatchObject({ ruleId: 'SUS-2', check: 'SUS-2.not-suspended', actual: 'SUS-2' });
    expect(e.failures[0].message).toBe("Aucune session pendant la suspension de l'agrément. Motif : Suspension notifiée le 2 juin 2026");
  });

  it.each(['REF-2', 'AGR-4', 'TER-5'])('SES-9: %s blocks', (ruleId) => {
    expect(judge(session(), { ...CONTEXT, sessionBlocker: { ruleId, reason: 'x' } }).failures.map((f) => f.ruleId)).toEqual([ruleId]);
  });

  it('SES-9: any other blocker fails SES-9 naming its rule', () => {
    const e = judge(session(), { ...CONTEXT, sessionBlocker: { ruleId: 'SUS-6', reason: 'Réseau suspendu' } });
    expect(e.failures.map((f) => [f.ruleId, f.check, f.actual])).toEqual([['SES-9', 'SES-9.other-blocker', 'SUS-6']]);
  });
});

describe('SCO-1: secondary schools', () => {
  const school = (overrides: Partial<Session> = {}) =>
    session({ centreKind: 'secondary-school', centrePublicEstablishment: true, public: 'internal-initial', ...overrides });

  it('SCO-1: a school certifies its own pupils only', () => {
    expect(judge(school()).failures).toEqual([]);
    expect(failure(judge(school({ public: 'external-open' })), 'SCO-1.own-pupils')).toMatchObject({
      ruleId: 'SCO-1',
      actual: 'external-open',
    });
  });

  it('SCO-1: the agreed centres’ rules (SES-4..7, PRI) do not apply, the session rules do (SES-2)', () => {
    const e = judge(school({ minimumCandidates: 9, candidates: candidates(21, () => ({ staffOfCentre: true })), spareComputers: 2 }));
    expect(failing(e)).toEqual(['SES-2.candidates-per-invigilator']);
    expect(e.notApplicable).toEqual(
      expect.arrayContaining([
        'SES-4.staff-share',
        'SES-4.dedicated-session-referent',
        'SES-5.trained',
        'SES-6.notice',
        'SES-7.minimum-threshold',
        'PRI-2.agreed-price',
        'PRI-3.free-of-charge-reason',
      ]),
    );
  });
});

describe('PRI-2, PRI-3: billing modes of the candidates', () => {
  it("PRI-2: an agreed price below Pix's share (10 €) is refused, naming the candidates; at 10 € it passes", () => {
    const e = judge(
      session({
        candidates: candidates(10, (i) => ({ billing: { mode: 'funded-cohort', agreedPriceEur: i === 4 ? 8 : i === 5 ? 10 : 40 } })),
      }),
    );
    expect(e.failures.map((f) => [f.ruleId, f.check, f.actual])).toEqual([['PRI-2', 'PRI-2.agreed-price-covers-pix-share', ['c4']]]);
    expect(e.failures[0]!.message).toMatch(/inférieur à la part revenant à Pix \(10 €/);
  });

  it("PRI-2 PRI-4: in a type B network Pix's share is 9 €: 9 € passes, 8.99 € is refused", () => {
    const at = (price: number) =>
      judge(
        session({
          centreKind: 'network-b-member',
          candidates: candidates(10, () => ({ billing: { mode: 'funded-cohort', agreedPriceEur: price } })),
        }),
      );
    expect(at(9).failures).toEqual([]);
    expect(at(8.99).failures.map((f) => f.check)).toEqual(['PRI-2.agreed-price-covers-pix-share']);
  });

  it('PRI-2: a funded candidate needs the agreed price', () => {
    const e = judge(
      session({ candidates: candidates(10, (i) => ({ billing: { mode: 'funded-cohort', agreedPriceEur: i === 2 ? null : 40 } })) }),
    );
    expect(e.failures.map((f) => [f.check, f.actual])).toEqual([['PRI-2.agreed-price', ['c2']]]);
  });

  it('PRI-3: own initial-training students of a public university sit free; charging one fails', () => {
    const university = {
      centreKind: 'higher-education' as const,
      centrePublicEstablishment: true,
      centreHigherEducation: true,
      centreEducationMinistriesPublic: true,
      public: 'internal-initial' as const,
    };
    const free = candidates(10, () => ({ billing: { mode: 'free-of-charge', reason: 'higher-education-initial-training' } }));
    expect(judge(session({ ...university, candidates: free })).failures).toEqual([]);
    const charged = free.map((c, i) => (i === 4 ? { ...c, billing: { mode: 'free-candidate' as const } } : c));
    expect(judge(session({ ...university, candidates: charged })).failures.map((f) => [f.check, f.actual])).toEqual([
      ['PRI-3.own-students-free', ['c4']],
    ]);
  });

  it('PRI-3: gratuity does not extend to apprentices, private establishments or others', () => {
    const free = candidates(10, (i) => ({
      billing: {
        mode: 'free-of-charge',
        reason: i === 0 ? 'higher-education-initial-training' : i === 1 ? null : 'public-establishment-staff',
      },
    }));
    // Apprentices of a public university: none of the reasons fits (c2.. are not staff either).
    const e = judge(
      session({
        centreKind: 'higher-education',
        centrePublicEstablishment: true,
        centreHigherEducation: true,
        centreEducationMinistriesPublic: true,
        public: 'internal-apprenticeship',
        candidates: free,
      }),
    );
    expect(failure(e, 'PRI-3.free-of-charge-reason')?.actual).toEqual(free.map((c) => c.localId));
    const privateSchool = judge(
      session({
        centreKind: 'higher-education',
        centrePublicEstablishment: false,
        centreHigherEducation: true,
        public: 'internal-initial',
        candidates: free.slice(0, 1),
      }),
    );
    expect(failure(privateSchool, 'PRI-3.free-of-charge-reason')?.actual).toEqual(['c0']);
  });

  it('PRI-3: staff of a public establishment certified by it sit free', () => {
    const staff = candidates(3, () => ({ staffOfCentre: true, billing: { mode: 'free-of-charge', reason: 'public-establishment-staff' } }));
    expect(
      judge(
        session({
          centrePublicEstablishment: true,
          centreEducationMinistriesPublic: true,
          candidates: [...staff, ...candidates(7).map((c, i) => ({ ...c, localId: `o${i}` }))],
        }),
      ).failures,
    ).toEqual([]);
  });
});

describe('PRI-3 / SES-5: what the establishment is, whatever its network', () => {
  // A public university member of a type B network: priced as such (PRI-4), still higher education.
  const bUniversity = {
    centreKind: 'network-b-member' as const,
    centrePublicEstablishment: true,
    centreHigherEducation: true,
    centreEducationMinistriesPublic: true,
    public: 'internal-initial' as const,
  };
  const free = candidates(10, () => ({ billing: { mode: 'free-of-charge', reason: 'higher-education-initial-training' } }));

  it('PRI-3: a public university in a type B network certifies its own initial-training students free', () => {
    expect(judge(session({ ...bUniversity, candidates: free })).failures).toEqual([]);
    const charged = free.map((c, i) => (i === 1 ? { ...c, billing: { mode: 'free-candidate' as const } } : c));
    expect(failing(judge(session({ ...bUniversity, candidates: charged })))).toEqual(['PRI-3.own-students-free']);
  });

  it('SES-5: the exception of its own initial-training students holds in a type B network', () => {
    const e = judge(
      session({
        ...bUniversity,
        candidates: free,
        invigilators: [invigilator({ trainedCandidateIds: ['c3'], relativeCandidateIds: ['c4'] })],
      }),
    );
    expect(e.failures).toEqual([]);
    expect(e.notApplicable).toEqual(expect.arrayContaining(['SES-5.trained', 'SES-5.relatives', 'SES-5.subordinates']));
    const provider = session({
      centreKind: 'network-b-member',
      public: 'internal-initial',
      invigilators: [invigilator({ trainedCandidateIds: ['c3'] })],
    });
    expect(failing(judge(provider))).toEqual(['SES-5.trained']);
  });

  it('PRI-3: own staff sit free only in a MENJ/MESRI public establishment', () => {
    const staff = candidates(3, () => ({ staffOfCentre: true, billing: { mode: 'free-of-charge', reason: 'public-establishment-staff' } }));
    const others = candidates(7).map((c, i) => ({ ...c, localId: `o${i}` }));
    const otherMinistry = judge(
      session({ centrePublicEstablishment: true, centreEducationMinistriesPublic: false, candidates: [...staff, ...others] }),
    );
    expect(failure(otherMinistry, 'PRI-3.free-of-charge-reason')?.actual).toEqual(['c0', 'c1', 'c2']);
    expect(judge(session({ ...bUniversity, public: 'internal-continuing', candidates: [...staff, ...others] })).failures).toEqual([]);
  });
});

describe('AGR-6: the rule set in force on the session date', () => {
  const sixteen = (date: string) => session({ date, plannedOn: '2026-01-01' }, 16);

  it('AGR-6: production ships the real cahier only (January 2020); later versions are published, not shipped', () => {
    expect(SESSION_RULE_SETS.map((s) => s.id)).toEqual(['sessions@2020-01']);
    expect(SESSION_RULE_SETS.every((s) => !/hypoth/i.test(s.source))).toBe(true);
    expect(ruleSetFor('2099-01-01').id).toBe('sessions@2020-01');
  });

  it('AGR-6: with the 2027 fixture, 16 candidates per invigilator pass under the 2020 cahier and fail under the 2027 one', () => {
    const before = judge(sixteen('2026-12-31'), { ...CONTEXT, today: '2026-12-01' }, false, WITH_2027);
    const after = judge(sixteen('2027-01-01'), { ...CONTEXT, today: '2026-12-01' }, false, WITH_2027);
    expect([before.ruleSetId, before.passed]).toEqual(['sessions@2020-01', true]);
    expect([after.ruleSetId, after.effectiveFrom]).toEqual(['sessions@2027-01', '2027-01-01']);
    expect(after.failures.map((f) => [f.check, f.actual, f.expected])).toEqual([['SES-2.candidates-per-invigilator', 16, 15]]);
    // The base catalogue is untouched by the injected one.
    expect(judge(sixteen('2027-01-01'), { ...CONTEXT, today: '2026-12-01' }).ruleSetId).toBe('sessions@2020-01');
  });

  it('AGR-6: ruleSetFor picks the latest version in force, and refuses dates before the first or malformed', () => {
    expect(ruleSetFor('2020-01-01', WITH_2027).version).toBe('2020-01');
    expect(ruleSetFor('2026-12-31', WITH_2027).version).toBe('2020-01');
    expect(ruleSetFor('2027-01-01', WITH_2027).version).toBe('2027-01');
    expect(() => ruleSetFor('2019-12-31')).toThrow(/No session rule set in force on 2019-12-31/);
    expect(() => ruleSetFor('2026-02-30')).toThrow(RangeError);
  });

  it('AGR-6: versions are sorted, two versions may not take effect the same day; each differing number lives in its rule file', () => {
    expect(withRuleSets(BASE_RULE_CATALOGUE, [FIXTURE_2027]).sets.map((s) => s.effectiveFrom)).toEqual(['2020-01-01', '2027-01-01']);
    const [base, later] = WITH_2027.sets;
    expect(base.parameters.sessions.maxCandidatesPerInvigilator).toBe(PARAMETERS.sessions.maxCandidatesPerInvigilator);
    expect(later.parameters.sessions.maxCandidatesPerInvigilator).toBe(15);
    expect(later.parameters.sessions.maxStaffSharePercent).toBe(30);
    const sameDay = loadSessionRuleSet({ ...structuredClone(ses2027), version: '2027-01b' }, 'same day');
    expect(() => withRuleSets(WITH_2027, [sameDay])).toThrow(/both take effect on 2027-01-01/);
  });

  it('AGR-6: listRuleSets gives each version with its dates, source, rule IDs and overrides', () => {
    const [first, second] = listRuleSets(WITH_2027);
    expect(first).toMatchObject({
      id: 'sessions@2020-01',
      effectiveFrom: '2020-01-01',
      effectiveUntil: '2027-01-01',
      parameterOverrides: {},
    });
    expect(second).toMatchObject({
      id: 'sessions@2027-01',
      effectiveUntil: null,
      parameterOverrides: { 'sessions.maxCandidatesPerInvigilator': 15 },
    });
    expect(first.ruleIds).toEqual([
      'SES-1',
      'SES-2',
      'SES-3',
      'SES-4',
      'SES-5',
      'SES-6',
      'SES-7',
      'SES-8',
      'REF-2',
      'SUS-2',
      'AGR-4',
      'TER-5',
      'SES-9',
      'SCO-1',
      'PRI-2',
      'PRI-3',
    ]);
    expect(first.checks.every((c) => c.clause.length > 0)).toBe(true);
    expect(listRuleSets().map((s) => [s.id, s.effectiveUntil])).toEqual([['sessions@2020-01', null]]);
  });

  it('AGR-6: a new version is a JSON file; its overrides are validated', () => {
    const copy = () => structuredClone(ses2020) as Record<string, unknown>;
    const later = loadSessionRuleSet(
      { ...copy(), version: '2030-01', effectiveFrom: '2030-01-01', parameters: { sessions: { minDaysBetweenSessions: 30 } } },
      'test',
    );
    expect(later.parameters.sessions.minDaysBetweenSessions).toBe(30);
    expect(() => loadSessionRuleSet({ ...copy(), parameters: { sessions: { maxCandidatsParSurveillant: 15 } } }, 'typo')).toThrow(
      /no such parameter/,
    );
    expect(() => loadSessionRuleSet({ ...copy(), parameters: { sessions: { maxCandidatesPerInvigilator: '15' } } }, 'type')).toThrow(
      RuleFileError,
    );
    // A message showing an overridden parameter would show the old value: refused.
    expect(() => loadSessionRuleSet({ ...copy(), parameters: { sessions: { invigilatorTrainingMonths: 12 } } }, 'message')).toThrow(
      /use \{expected\}/,
    );
  });
});

describe('explanations', () => {
  const broken = session({
    invigilators: [invigilator({ relativeCandidateIds: ['c0'] })],
    spareComputers: 0,
    minimumCandidates: 9,
    candidates: candidates(22, (i) => ({ staffOfCentre: i < 8, certifiableCompetences: i === 5 ? 3 : 9 })),
  });

  it('every failing rule is returned at once, in rule-file order, with actual and expected', () => {
    const e = judge(broken, { sessionBlocker: { ruleId: 'REF-2', reason: 'Formation prévue le 20 juin' }, today: '2026-06-12' });
    expect(e.passed).toBe(false);
    expect(e.failures.map((f) => [f.check, f.actual, f.expected])).toEqual([
      ['SES-2.candidates-per-invigilator', 22, 20],
      ['SES-3.spare-computers', 0, 2],
      ['SES-4.staff-share', (8 * 100) / 22, 30],
      ['SES-5.relatives', ['Jeanne Martin → c0'], true],
      ['SES-7.minimum-threshold', 9, 7],
      ['SES-7.confirmation-due', '2026-06-12', '2026-06-10'],
      ['SES-8.certifiable', 3, 5],
      ['REF-2.referent-trained', 'REF-2', 'REF-2'],
    ]);
    expect(e.failures.every((f) => f.clause.length > 0 && f.message.length > 0)).toBe(true);
  });

  it('passing checks only on request, each with its actual and expected', () => {
    expect(judge(session()).passes).toBeUndefined();
    const e = judge(session(), CONTEXT, true);
    expect(e.passes?.find((p) => p.check === 'SES-2.candidates-per-invigilator')).toMatchObject({ actual: 10, expected: 20 });
    expect(e.passes?.find((p) => p.check === 'SES-3.spare-computers')).toMatchObject({ actual: 1, expected: 1 });
  });

  it('the facts builder measures, the rules judge (SES-2, SES-3, SES-4, SES-6)', () => {
    const f = sessionFacts(broken, CONTEXT, ruleSetFor(DATE).parameters);
    expect(f).toMatchObject({
      candidatesPerInvigilator: 22,
      spareComputersNeeded: 2,
      staffCandidates: 8,
      staffOnlySession: false,
      noticeDays: 45,
      latestPlanningDate: '2026-05-15',
      confirmationDeadline: '2026-06-10',
      slotMinutes: 120,
      requiredSlotMinutes: 120,
    });
  });

  it("the hand-written checks of the benchmark give the rule files' answer, byte for byte, on these sessions", () => {
    const cases: Array<[Session, SessionContext, SessionRuleCatalogue?]> = [
      [session(), CONTEXT],
      [broken, { sessionBlocker: { ruleId: 'SUS-6', reason: 'x' }, today: '2026-06-12' }],
      [session({ centreKind: 'secondary-school', public: 'external-open' }, 25), CONTEXT],
      [session({ date: '2027-03-01', plannedOn: '2027-02-15', public: 'external-open' }, 16), CONTEXT, WITH_2027],
      // PRI-3 / SES-5: a public university member of a type B network, conflicts declared, some charged.
      [
        session({
          centreKind: 'network-b-member',
          centrePublicEstablishment: true,
          centreHigherEducation: true,
          centreEducationMinistriesPublic: true,
          public: 'internal-initial',
          invigilators: [invigilator({ trainedCandidateIds: ['c1'] })],
          candidates: candidates(10, (i) => ({
            billing: i < 8 ? { mode: 'free-of-charge', reason: 'higher-education-initial-training' } : { mode: 'free-candidate' },
          })),
        }),
        CONTEXT,
      ],
      // PRI-3: staff free of charge in a public establishment of another ministry.
      [
        session({
          centrePublicEstablishment: true,
          candidates: candidates(10, (i) =>
            i < 2 ? { staffOfCentre: true, billing: { mode: 'free-of-charge', reason: 'public-establishment-staff' } } : {},
          ),
        }),
        CONTEXT,
      ],
      // PRI-2, PRI-4: agreed prices below Pix's share.
      [
        session({
          centreKind: 'network-b-member',
          candidates: candidates(4, (i) => ({ billing: { mode: 'funded-cohort', agreedPriceEur: 7 + i } })),
        }),
        CONTEXT,
      ],
    ];
    for (const [s, c, catalogue] of cases) {
      const engine = judge(s, c, true, catalogue);
      const hand = handWrittenChecks(s, c, ruleSetFor(s.date, catalogue), { includePassing: true });
      expect(JSON.stringify(hand)).toBe(JSON.stringify(engine));
    }
  });
});
