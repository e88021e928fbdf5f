import { describe, expect, it } from 'vitest';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';
import {
  assertCanDeactivate,
  assertPlannedVisitsKept,
  isUnavailable,
  normaliseUnavailability,
  validateInspector,
} from '../../../../src/visits/domain/inspectors';
import { letterDeadline, type PlannerCentre, type PlannerInspector, planVisits } from '../../../../src/visits/domain/planner';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCommand);
    return (error as InvalidCommand).field;
  }
  throw new Error('accepted');
}

const valid = {
  kind: 'contractor',
  name: ' Léa Dubois ',
  email: ' Lea@Pix.test ',
  departments: ['75', '2A', '75'],
  capacity: 2,
  availableFrom: '2026-05-04',
};

describe('VIS-5 inspectors: who may be one', () => {
  it('normalises a new inspector: trimmed name, lower-case e-mail, departments once and sorted, open-ended, no unavailability', () => {
    expect(validateInspector(valid)).toEqual({
      kind: 'contractor',
      name: 'Léa Dubois',
      email: 'lea@pix.test',
      organisationId: null,
      networkId: null,
      departments: ['2A', '75'],
      capacity: 2,
      availableFrom: '2026-05-04',
      availableTo: null,
      unavailable: [],
    });
  });

  it('VIS-5 a centre manager names the centre they manage; nobody else belongs to a centre', () => {
    expect(fieldOf(() => validateInspector({ ...valid, kind: 'centre-manager' }))).toBe('organisationId');
    expect(validateInspector({ ...valid, kind: 'centre-manager', organisationId: 'org-1' }).organisationId).toBe('org-1');
    expect(fieldOf(() => validateInspector({ ...valid, kind: 'pix-staff', organisationId: 'org-1' }))).toBe('organisationId');
  });

  it('refuses bad input naming the field', () => {
    expect(fieldOf(() => validateInspector({ ...valid, kind: 'volunteer' }))).toBe('kind');
    expect(fieldOf(() => validateInspector({ ...valid, name: ' ' }))).toBe('name');
    expect(fieldOf(() => validateInspector({ ...valid, email: 'lea@' }))).toBe('email');
    expect(fieldOf(() => validateInspector({ ...valid, departments: [] }))).toBe('departments');
    expect(fieldOf(() => validateInspector({ ...valid, departments: ['75', '977'] }))).toBe('departments[1]');
    expect(fieldOf(() => validateInspector({ ...valid, capacity: 1.5 }))).toBe('capacity');
    expect(fieldOf(() => validateInspector({ ...valid, availableTo: '2026-05-03' }))).toBe('availableTo');
    expect(fieldOf(() => validateInspector({ ...valid, unavailable: [{ from: '2026-05-10', to: 'demain' }] }))).toBe('unavailable[0].to');
  });

  it('unavailable ranges: both ends included, sorted, reasons kept when given', () => {
    const ranges = normaliseUnavailability([
      { from: '2026-07-01', to: '2026-07-31', reason: ' Congés ' },
      { from: '2026-05-12', to: '2026-05-12' },
    ]);
    expect(ranges).toEqual([
      { from: '2026-05-12', to: '2026-05-12' },
      { from: '2026-07-01', to: '2026-07-31', reason: 'Congés' },
    ]);
    expect(
      ['2026-05-11', '2026-05-12', '2026-05-13', '2026-07-01', '2026-07-31', '2026-08-01'].map((d) => isUnavailable(ranges, d)),
    ).toEqual([false, true, false, true, true, false]);
  });
});

describe('VIS-5 changes that would strand a planned visit are refused', () => {
  const planned = [{ visitId: 'v1', organisationId: 'c1', department: '75', plannedOn: '2026-05-20' }];
  const keep = { departments: ['75'], availableFrom: '2026-05-01', availableTo: null, unavailable: [] };
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(TransitionRefused);
      return { rule: (error as TransitionRefused).ruleId, details: (error as TransitionRefused).details };
    }
    return null;
  };

  it('VIS-5 keeps a change that leaves the visit possible', () => {
    expect(refusal(() => assertPlannedVisitsKept(planned, keep))).toBeNull();
    expect(
      refusal(() =>
        assertPlannedVisitsKept(planned, { ...keep, availableTo: '2026-05-20', unavailable: [{ from: '2026-05-21', to: '2026-05-30' }] }),
      ),
    ).toBeNull();
  });

  it('VIS-5 refuses the visit day made unavailable, the engagement ending the day before, the department dropped', () => {
    for (const next of [
      { ...keep, unavailable: [{ from: '2026-05-20', to: '2026-05-20' }] },
      { ...keep, availableTo: '2026-05-19' },
      { ...keep, availableFrom: '2026-05-21' },
      { ...keep, departments: ['92'] },
    ]) {
      expect(refusal(() => assertPlannedVisitsKept(planned, next))).toEqual({
        rule: 'VIS-5',
        details: { ruleId: 'VIS-5', plannedVisits: [{ visitId: 'v1', plannedOn: '2026-05-20', department: '75' }] },
      });
    }
  });

  it('VIS-5 deactivation waits until no visit is planned', () => {
    expect(refusal(() => assertCanDeactivate(planned))).toEqual({
      rule: 'VIS-5',
      details: { ruleId: 'VIS-5', plannedVisits: [{ visitId: 'v1', plannedOn: '2026-05-20' }] },
    });
    expect(refusal(() => assertCanDeactivate([]))).toBeNull();
  });
});

describe('VIS-5 the planner honours unavailable days', () => {
  const centre = (overrides: Partial<PlannerCentre> = {}): PlannerCentre => ({
    organisationId: 'c1',
    name: 'Centre c1',
    agrementId: 'agr-c1',
    department: '69',
    networkId: null,
    riskScore: 10,
    sessions: [],
    ...overrides,
  });
  const inspector = (overrides: Partial<PlannerInspector> = {}): PlannerInspector => ({
    id: 'i1',
    name: 'Inspecteur i1',
    kind: 'pix-staff',
    organisationId: null,
    networkId: null,
    departments: ['69'],
    availableFrom: '2026-01-01',
    availableTo: '2026-12-31',
    capacity: 5,
    ...overrides,
  });
  const MAY = { from: '2026-05-04', to: '2026-05-29', today: '2026-05-04' };

  it('VIS-2 VIS-5 the earliest announced visit (Tue 2026-05-12) moves to Fri 2026-05-15 when the inspector is away 12–14 May', () => {
    expect(planVisits({ ...MAY, announcedShare: 1, centres: [centre()], inspectors: [inspector()] }).visits[0]!.plannedOn).toBe(
      '2026-05-12',
    );
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [centre()],
      inspectors: [inspector({ unavailable: [{ from: '2026-05-12', to: '2026-05-14' }] })],
    });
    expect(plan.visits[0]).toMatchObject({ inspectorId: 'i1', plannedOn: '2026-05-15', letterSentBy: letterDeadline('2026-05-15') });
  });

  it('VIS-1 VIS-5 an unannounced visit takes the session on a day the inspector is available, else another inspector', () => {
    const sessions = [
      { sessionId: 's1', date: '2026-05-19' },
      { sessionId: 's2', date: '2026-05-26' },
    ];
    const away = { unavailable: [{ from: '2026-05-18', to: '2026-05-22' }] };
    const one = planVisits({ ...MAY, announcedShare: 0, centres: [centre({ sessions })], inspectors: [inspector(away)] });
    expect(one.visits[0]).toMatchObject({ kind: 'unannounced', sessionId: 's2', plannedOn: '2026-05-26' });
    const two = planVisits({
      ...MAY,
      announcedShare: 0,
      centres: [centre({ sessions: sessions.slice(0, 1) })],
      inspectors: [inspector({ ...away, capacity: 9 }), inspector({ id: 'i2', capacity: 1 })],
    });
    expect(two.visits[0]).toMatchObject({ kind: 'unannounced', inspectorId: 'i2', sessionId: 's1' });
  });

  it('VIS-2 no available working day left in the period: the centre is left out, explained', () => {
    const plan = planVisits({
      ...MAY,
      announcedShare: 1,
      centres: [centre()],
      inspectors: [inspector({ unavailable: [{ from: '2026-05-01', to: '2026-05-31' }] })],
    });
    expect(plan.visits).toEqual([]);
    expect(plan.unassigned[0]).toMatchObject({ organisationId: 'c1', reason: 'no-date', ruleId: 'VIS-2' });
  });
});
