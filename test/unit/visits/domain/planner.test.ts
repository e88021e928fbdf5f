import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import {
  conflictOfInterest,
  earliestAnnouncedVisit,
  isWorkingDay,
  letterDeadline,
  type PlanInput,
  type PlannerCentre,
  type PlannerInspector,
  planVisits,
} from '../../../../src/visits/domain/planner';

/** The library, asked directly: is this day a French public holiday? */
const library = new Holidays('FR');
const publicHoliday = (day: string) => (library.isHoliday(new Date(`${day}T12:00:00`)) || []).some((h) => h.type === 'public');

/** Working days strictly after `a` up to and including `b`. */
function workingDaysAfter(a: string, b: string): number {
  let n = 0;
  for (let d = addDays(parseIsoDate(a), 1); isoDate(d) <= b; d = addDays(d, 1)) {
    const day = isoDate(d);
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !publicHoliday(day)) n++;
  }
  return n;
}

function centre(id: string, overrides: Partial<PlannerCentre> = {}): PlannerCentre {
  return {
    organisationId: id,
    name: `Centre ${id}`,
    agrementId: `agr-${id}`,
    department: '69',
    networkId: null,
    riskScore: 10,
    sessions: [],
    ...overrides,
  };
}

function inspector(id: string, overrides: Partial<PlannerInspector> = {}): PlannerInspector {
  return {
    id,
    name: `Inspecteur ${id}`,
    kind: 'pix-staff',
    organisationId: null,
    networkId: null,
    departments: ['69'],
    availableFrom: '2026-01-01',
    availableTo: '2026-12-31',
    capacity: 5,
    ...overrides,
  };
}

const MAY: Pick<PlanInput, 'from' | 'to' | 'today'> = { from: '2026-05-04', to: '2026-05-29', today: '2026-05-04' };

describe('VIS-2: the registered letter goes at least 5 working days before an announced visit', () => {
  it('VIS-2 a visit on Tue 2026-05-12 needs the letter by Mon 2026-05-04: Fri 2026-05-08 (Victoire 1945) is a public holiday', () => {
    // The library, not a hand list, says 8 May 2026 is a public holiday and 4–7 and 11 May are not.
    expect(publicHoliday('2026-05-08')).toBe(true);
    for (const day of ['2026-05-04', '2026-05-05', '2026-05-06', '2026-05-07', '2026-05-11', '2026-05-12'])
      expect(publicHoliday(day), day).toBe(false);
    expect(isWorkingDay('2026-05-08')).toBe(false);
    expect(letterDeadline('2026-05-12')).toBe('2026-05-04');
    expect(workingDaysAfter('2026-05-04', '2026-05-12')).toBe(PARAMETERS.visits.announcementWorkingDays);
    // Without a holiday in between, the letter of a Tuesday visit goes the Tuesday before.
    expect(letterDeadline('2026-06-16')).toBe('2026-06-09');
    // Ascension (Thu 2026-05-14) is skipped too.
    expect(publicHoliday('2026-05-14')).toBe(true);
    expect(letterDeadline('2026-05-20')).toBe('2026-05-12');
  });

  it('VIS-2 planned on Mon 2026-05-04, the first announced visit is Tue 2026-05-12, its letter due that very day', () => {
    const plan = planVisits({ ...MAY, announcedShare: 1, centres: [centre('a')], inspectors: [inspector('i')] });
    expect(plan.visits).toHaveLength(1);
    expect(plan.visits[0]).toMatchObject({ kind: 'announced', plannedOn: '2026-05-12', letterSentBy: '2026-05-04', sessionId: null });
    expect(earliestAnnouncedVisit('2026-05-04')).toBe('2026-05-12');
  });

  it('VIS-2 every announced visit is on a working day, its letter on a working day at least 5 working days before and not before the planning day', () => {
    const centres = Array.from({ length: 12 }, (_, i) => centre(`c${String(i).padStart(2, '0')}`, { riskScore: 50 - i }));
    const plan = planVisits({
      from: '2026-04-27',
      to: '2026-06-05',
      today: '2026-04-29',
      announcedShare: 1,
      centres,
      inspectors: [inspector('i1', { capacity: 6 }), inspector('i2', { capacity: 6 })],
    });
    expect(plan.visits).toHaveLength(12);
    for (const v of plan.visits) {
      expect(v.kind).toBe('announced');
      expect(isWorkingDay(v.plannedOn) && !publicHoliday(v.plannedOn), v.plannedOn).toBe(true);
      expect(isWorkingDay(v.letterSentBy!), v.letterSentBy!).toBe(true);
      expect(workingDaysAfter(v.letterSentBy!, v.plannedOn)).toBe(5);
      expect(v.letterSentBy! >= '2026-04-29').toBe(true);
    }
    // One visit a day per inspector.
    const days = plan.visits.map((v) => `${v.inspectorId}/${v.plannedOn}`);
    expect(new Set(days).size).toBe(days.length);
  });

  it('VIS-2 a period too short for the letter leaves the centre unassigned, explained', () => {
    const plan = planVisits({
      from: '2026-05-04',
      to: '2026-05-08',
      today: '2026-05-04',
      announcedShare: 1,
      centres: [centre('a')],
      inspectors: [inspector('i')],
    });
    expect(plan.visits).toEqual([]);
    expect(plan.unassigned).toEqual([expect.objectContaining({ organisationId: 'a', reason: 'no-date', ruleId: 'VIS-2' })]);
    expect(plan.unassigned[0]!.message).toContain('2026-05-12');
  });
});

describe('VIS-5: an inspector never inspects their own centre or network', () => {
  it('VIS-5 the manager of a centre is never sent to their own centre; another inspector is', () => {
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [centre('own', { riskScore: 90 })],
      inspectors: [
        inspector('a-manager', { kind: 'centre-manager', organisationId: 'own', capacity: 10 }),
        inspector('z-staff', { capacity: 1 }),
      ],
    });
    expect(plan.visits.map((v) => [v.organisationId, v.inspectorId])).toEqual([['own', 'z-staff']]);
  });

  it('VIS-5 members of the inspector’s network, and the network’s coordinator, are never theirs; a centre with only such inspectors is explained', () => {
    const centres = [
      centre('member', { networkId: 'net', riskScore: 50 }),
      centre('net', { networkId: 'net', riskScore: 40 }),
      centre('outside', { riskScore: 30 }),
    ];
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres,
      inspectors: [inspector('manager', { kind: 'centre-manager', organisationId: 'other-member', networkId: 'net' })],
    });
    expect(plan.visits.map((v) => v.organisationId)).toEqual(['outside']);
    expect(plan.unassigned.map((u) => [u.organisationId, u.reason, u.ruleId])).toEqual([
      ['member', 'conflict-of-interest', 'VIS-5'],
      ['net', 'conflict-of-interest', 'VIS-5'],
    ]);
    // An inspector employed by the coordinating entity is of the network too.
    expect(conflictOfInterest({ organisationId: 'net', networkId: null }, { organisationId: 'member', networkId: 'net' })).toBe(
      'own-network',
    );
    expect(conflictOfInterest({ organisationId: 'x', networkId: null }, { organisationId: 'member', networkId: 'net' })).toBeNull();
  });

  it('VIS-5 on generated plans, no visit ever goes to the inspector’s own centre or network', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const networks = ['n1', 'n2', null];
    for (let run = 0; run < 30; run++) {
      const centres = Array.from({ length: 15 }, (_, i) =>
        centre(`c${i}`, { networkId: networks[rand(3)]!, department: ['69', '01'][rand(2)]!, riskScore: rand(100) }),
      );
      const inspectors = Array.from({ length: 5 }, (_, i) =>
        inspector(`i${i}`, {
          kind: i % 2 ? 'centre-manager' : 'contractor',
          organisationId: i % 2 ? `c${rand(15)}` : null,
          networkId: networks[rand(3)] ?? null,
          departments: [['69'], ['01'], ['69', '01']][rand(3)]!,
          capacity: 1 + rand(4),
        }),
      );
      const plan = planVisits({ ...MAY, centres, inspectors });
      for (const v of plan.visits) {
        const i = inspectors.find((x) => x.id === v.inspectorId)!;
        const c = centres.find((x) => x.organisationId === v.organisationId)!;
        expect(conflictOfInterest(i, c)).toBeNull();
        expect(i.organisationId === c.organisationId).toBe(false);
        expect(i.networkId !== null && (i.networkId === c.networkId || i.networkId === c.organisationId)).toBe(false);
        expect(i.departments).toContain(c.department);
      }
      expect(plan.visits.length + plan.unassigned.length).toBe(centres.length);
    }
  });
});

describe('VIS-1: the riskiest centres, up to the inspectors’ capacity', () => {
  it('VIS-1 plans the riskiest centres up to the total capacity and explains the others', () => {
    const centres = [
      centre('low', { riskScore: 5 }),
      centre('high', { riskScore: 80 }),
      centre('mid', { riskScore: 30 }),
      centre('none', { riskScore: 0 }),
    ];
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres,
      inspectors: [inspector('i1', { capacity: 1 }), inspector('i2', { capacity: 1 })],
    });
    expect(plan.capacity).toBe(2);
    expect(plan.visits.map((v) => v.organisationId)).toEqual(['high', 'mid']);
    expect(plan.unassigned.map((u) => [u.organisationId, u.reason])).toEqual([
      ['low', 'capacity'],
      ['none', 'capacity'],
    ]);
    expect(plan.unassigned[0]!.message).toContain('2 visite(s)');
  });

  it('VIS-1 visits already booked count against an inspector’s capacity; unavailable inspectors add none', () => {
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [centre('a', { riskScore: 3 }), centre('b', { riskScore: 2 })],
      inspectors: [
        inspector('busy', { capacity: 2, booked: ['2026-05-20'] }),
        inspector('away', { availableFrom: '2026-07-01', availableTo: '2026-07-31' }),
      ],
    });
    expect(plan.capacity).toBe(1);
    expect(plan.visits.map((v) => [v.organisationId, v.inspectorId])).toEqual([['a', 'busy']]);
    expect(plan.unassigned).toEqual([expect.objectContaining({ organisationId: 'b', reason: 'capacity' })]);
  });

  it('VIS-5 a centre whose department no inspector covers is explained, and the next one takes the slot', () => {
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [centre('far', { department: '974', riskScore: 99 }), centre('near', { riskScore: 1 })],
      inspectors: [inspector('i', { capacity: 1 })],
    });
    expect(plan.visits.map((v) => v.organisationId)).toEqual(['near']);
    expect(plan.unassigned).toEqual([expect.objectContaining({ organisationId: 'far', reason: 'no-inspector-for-department' })]);
  });

  it('VIS-1 an unannounced visit takes place during one of the centre’s sessions in the period', () => {
    const sessions = [
      { sessionId: 'S-before', date: '2026-04-28' },
      { sessionId: 'S-during', date: '2026-05-16' },
      { sessionId: 'S-after', date: '2026-06-10' },
    ];
    const plan = planVisits({ ...MAY, announcedShare: 0, centres: [centre('a', { sessions })], inspectors: [inspector('i')] });
    expect(plan.visits[0]).toMatchObject({ kind: 'unannounced', plannedOn: '2026-05-16', sessionId: 'S-during', letterSentBy: null });
    expect(plan.visits[0]!.ruleIds).toContain('VIS-1');
  });

  it('VIS-1 a session outside the inspector’s availability is not used; without a usable session the visit is announced instead, and says so', () => {
    const plan = planVisits({
      ...MAY,
      announcedShare: 0,
      centres: [centre('a', { sessions: [{ sessionId: 'S-1', date: '2026-05-06' }] })],
      inspectors: [inspector('i', { availableFrom: '2026-05-11' })],
    });
    expect(plan.visits[0]).toMatchObject({ kind: 'announced', sessionId: null, plannedOn: '2026-05-12', letterSentBy: '2026-05-04' });
    expect(plan.visits[0]!.note).toContain('VIS-2');
  });

  it('VIS-1 VIS-2 the announced share splits the visits, the riskiest unannounced first', () => {
    const centres = ['a', 'b', 'c', 'd'].map((id, i) =>
      centre(id, { riskScore: 40 - i, sessions: [{ sessionId: `S-${id}`, date: '2026-05-20' }] }),
    );
    const plan = planVisits({
      ...MAY,
      announcedShare: 0.5,
      centres,
      inspectors: [inspector('i1'), inspector('i2'), inspector('i3'), inspector('i4')],
    });
    expect(plan.visits.map((v) => [v.organisationId, v.kind])).toEqual([
      ['a', 'unannounced'],
      ['b', 'announced'],
      ['c', 'unannounced'],
      ['d', 'announced'],
    ]);
  });
});

describe('VIS-3, APP-3: the centre bears the cost within the cap', () => {
  it('VIS-3 a control visit is charged its estimate up to 120 €; APP-3 a conformity visit up to 250 €', () => {
    expect(PARAMETERS.visits.controlVisitCapEur).toBe(120);
    expect(PARAMETERS.application.conformityVisitCapEur).toBe(250);
    const est = PARAMETERS.visits.estimatedCostEur;
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [
        centre('contr', { riskScore: 3 }),
        centre('manag', { riskScore: 2 }),
        centre('conf', { agrementId: null, applicationId: 'app-1', conformity: true, riskScore: 0 }),
      ],
      inspectors: [
        inspector('1-contractor', { kind: 'contractor', capacity: 2 }),
        inspector('2-manager', { kind: 'centre-manager', organisationId: 'elsewhere', capacity: 1 }),
      ],
    });
    const byCentre = Object.fromEntries(plan.visits.map((v) => [v.organisationId, v]));
    // APP-3 first: the conformity visit precedes the grant.
    expect(plan.visits[0]!.organisationId).toBe('conf');
    expect(byCentre.conf).toMatchObject({
      kind: 'conformity',
      inspectorKind: 'contractor',
      estimatedCostEur: est.contractor,
      costEur: Math.min(est.contractor, 250),
      costCapEur: 250,
    });
    expect(byCentre.conf!.costEur).toBe(180);
    expect(byCentre.conf!.letterSentBy).toBe(letterDeadline(byCentre.conf!.plannedOn));
    expect(byCentre.contr).toMatchObject({ kind: 'announced', inspectorKind: 'contractor', costEur: 120, costCapEur: 120 });
    expect(byCentre.contr!.estimatedCostEur).toBeGreaterThan(120);
    expect(byCentre.manag).toMatchObject({ inspectorKind: 'centre-manager', costEur: est['centre-manager'] });
    for (const v of plan.visits) expect(v.costEur).toBeLessThanOrEqual(v.costCapEur);
  });
});

describe('the planner is deterministic and checks its input', () => {
  it('VIS-1 the same centres and inspectors, in any order, give the same plan', () => {
    const centres = Array.from({ length: 8 }, (_, i) =>
      centre(`c${i}`, { riskScore: i % 3, sessions: [{ sessionId: `S${i}`, date: '2026-05-1' + (i % 9) }] }),
    );
    const inspectors = [
      inspector('x', { capacity: 2 }),
      inspector('y', { capacity: 3 }),
      inspector('z', { capacity: 1, kind: 'contractor' }),
    ];
    const one = planVisits({ ...MAY, centres, inspectors });
    const two = planVisits({ ...MAY, centres: [...centres].reverse(), inspectors: [...inspectors].reverse() });
    expect(two).toEqual(one);
    expect(one.visits).toHaveLength(6);
  });

  it('rejects a period ending before it starts, a share outside 0–1, a malformed date, naming the field', () => {
    const base = { ...MAY, centres: [], inspectors: [] };
    const field = (input: PlanInput) => {
      try {
        planVisits(input);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidCommand);
        return (e as InvalidCommand).field;
      }
      return null;
    };
    expect(field({ ...base, to: '2026-05-01' })).toBe('to');
    expect(field({ ...base, announcedShare: 1.5 })).toBe('announcedShare');
    expect(field({ ...base, from: '2026-02-30' })).toBe('from');
    expect(field(base)).toBeNull();
  });
});
