/**
 * VIS-1..5, APP-3: the plan of a period over in-memory ports (no PostgreSQL): what it reads decides what it
 * plans, and what it plans is what it records.
 */
import { describe, expect, it } from 'vitest';
import type { Agrement } from '../../../../src/agrement/domain/agrement';
import { planAndRecord, type PlanningPorts } from '../../../../src/visits/usecases/plan-period';
import type {
  AvailableInspector,
  ConformityVisitDue,
  InspectorsRepository,
  PersistedVisit,
  PlannedVisitSlot,
  RiskFactsRepository,
  ScheduledSession,
  VisitsRepository,
  VisitTarget,
} from '../../../../src/visits/usecases/ports';

const notUsed = (): never => {
  throw new Error('not read by planning');
};

interface World {
  existing: PlannedVisitSlot[];
  targets: VisitTarget[];
  conformity: ConformityVisitDue[];
  sessions: Array<ScheduledSession & { organisationId: string }>;
  inspectors: AvailableInspector[];
  complaints: Record<string, number>;
}

function ports(world: World) {
  const calls: string[] = [];
  const recorded: Array<{ visits: readonly PersistedVisit[]; actor: string; at: Date; period: { from: string; to: string } }> = [];
  const visits: VisitsRepository = {
    async lockPlanning() {
      calls.push('lock');
    },
    async agrementTargets(filter) {
      calls.push(`targets live=${filter.liveOnly}`);
      return world.targets;
    },
    async visitsPlannedBetween() {
      calls.push('existing');
      return world.existing;
    },
    async conformityVisitsDue() {
      calls.push('conformity');
      return world.conformity;
    },
    async scheduledSessions(organisationIds, from, to) {
      calls.push('sessions');
      const result = new Map<string, ScheduledSession[]>();
      for (const s of world.sessions) {
        if (!organisationIds.includes(s.organisationId) || s.date < from || s.date > to) continue;
        result.set(s.organisationId, [...(result.get(s.organisationId) ?? []), { sessionId: s.sessionId, date: s.date }]);
      }
      return result;
    },
    async recordPlannedVisits(planned, context) {
      calls.push('record');
      recorded.push({ visits: planned, ...context });
    },
    findVisit: notUsed,
    plannedVisits: notUsed,
    visitsBetween: notUsed,
    inspectorHasVisited: notUsed,
    recordFindings: notUsed,
  };
  const inspectors: InspectorsRepository = {
    async availableBetween() {
      calls.push('inspectors');
      return world.inspectors;
    },
    lockPlanning: notUsed,
    find: notUsed,
    list: notUsed,
    plannedVisits: notUsed,
    organisationExists: notUsed,
    idByEmail: notUsed,
    idOfUser: notUsed,
    create: notUsed,
    update: notUsed,
    deactivate: notUsed,
  };
  // Every centre granted long ago, calm but for its complaints (SES-13).
  const riskSources: RiskFactsRepository = {
    async agrements(ids) {
      return ids.map((id) => ({ id, organisationId: `owner-${id}`, firstGrantOn: '2023-01-02', candidates: 40, snapshot: {} as Agrement }));
    },
    async sanctionCounts() {
      return [];
    },
    async lateSessions() {
      return [];
    },
    async finalisationReports() {
      return [];
    },
    async lateRemedies() {
      return [];
    },
    async qualityEvents(organisationIds) {
      return organisationIds.flatMap((organisationId) =>
        Array.from({ length: world.complaints[organisationId] ?? 0 }, () => ({ organisationId, kind: 'complaint', sessionId: null })),
      );
    },
    async lastVisitsDone(organisationIds) {
      return new Map(organisationIds.map((id) => [id, '2026-01-15']));
    },
  };
  const planning: PlanningPorts = { visits, inspectors, riskSources };
  return { planning, calls, recorded };
}

const target = (id: string): VisitTarget => ({
  organisationId: id,
  name: `Centre ${id}`,
  email: `${id}@example.org`,
  department: '69',
  networkId: null,
  agrementId: `agr-${id}`,
});

const MAY = { from: '2026-05-04', to: '2026-05-29', today: '2026-05-04' };
const AT = new Date('2026-05-04T08:00:00Z');

function may(): World {
  return {
    // An earlier plan visits 'covered' on Tue 2026-05-12 with the only inspector.
    existing: [{ id: 'visit-earlier', organisationId: 'covered', inspectorId: 'insp-1', plannedOn: '2026-05-12', kind: 'announced' }],
    targets: [target('covered'), target('calm'), target('risky')],
    conformity: [{ applicationId: 'app-1', organisationId: 'newcomer', name: 'Centre newcomer', department: '69', networkId: null }],
    sessions: [
      { organisationId: 'risky', sessionId: 'session-risky', date: '2026-05-20' },
      { organisationId: 'calm', sessionId: 'session-calm', date: '2026-05-21' },
    ],
    inspectors: [
      {
        id: 'insp-1',
        name: 'Inspectrice',
        email: 'inspectrice@example.org',
        kind: 'pix-staff',
        organisationId: null,
        networkId: null,
        departments: ['69'],
        availableFrom: '2026-01-01',
        // Open-ended: engaged through the period.
        availableTo: null,
        capacity: 3,
        unavailable: [],
      },
    ],
    complaints: { risky: 3 },
  };
}

describe('VIS-1..5, APP-3: planning a period over the ports', () => {
  it('APP-3, VIS-1, VIS-5: the conformity visit first, then the riskiest centre, within the capacity left by the earlier plan', async () => {
    const { planning, recorded } = ports(may());
    const result = await planAndRecord(planning, { ...MAY, announcedShare: 0 }, { actor: 'operations:ops@example.org', now: () => AT });

    // The centre visited by the earlier plan is covered: not planned again, reported as already planned.
    expect(result.alreadyPlanned).toEqual([
      { visitId: 'visit-earlier', organisationId: 'covered', plannedOn: '2026-05-12', kind: 'announced' },
    ]);
    expect(result.plan.unassigned.map((u) => u.organisationId)).not.toContain('covered');
    // Capacity 3, one day already booked: two visits left, the conformity visit and the riskier of the two centres.
    expect(result.plan.capacity).toBe(2);
    expect(result.visits.map((v) => [v.organisationId, v.kind])).toEqual([
      ['newcomer', 'conformity'],
      ['risky', 'unannounced'],
    ]);
    const [conformity, risky] = result.visits;
    expect(conformity).toMatchObject({ agrementId: null, applicationId: 'app-1', riskScore: 0 });
    // VIS-2: the first day a letter allows is Tue 2026-05-12, the inspector's booked day: the next working day.
    expect(conformity!.plannedOn).toBe('2026-05-13');
    // VIS-1: the unannounced visit attends the centre's scheduled session.
    expect(risky).toMatchObject({ agrementId: 'agr-risky', sessionId: 'session-risky', plannedOn: '2026-05-20' });
    expect(risky!.riskScore).toBeGreaterThan(0);
    expect(result.plan.unassigned).toEqual([expect.objectContaining({ organisationId: 'calm', reason: 'capacity' })]);

    // What is planned is what is recorded, under the same ids, once.
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.visits).toEqual(result.visits);
    expect(new Set(result.visits.map((v) => v.id)).size).toBe(2);
    expect(recorded[0]).toMatchObject({ actor: 'operations:ops@example.org', at: AT, period: { from: MAY.from, to: MAY.to } });
  });

  it('the planning lock is taken before anything is read, and the plan is recorded last', async () => {
    const { planning, calls } = ports(may());
    await planAndRecord(planning, { ...MAY, announcedShare: 1 }, { actor: 'operations:ops@example.org', now: () => AT });
    expect(calls[0]).toBe('lock');
    expect(calls.at(-1)).toBe('record');
    expect(calls).toContain('targets live=true');
  });

  it('VIS-1: with every centre covered and no conformity visit due, nothing is planned', async () => {
    const world = may();
    world.targets = [target('covered')];
    world.conformity = [];
    const { planning, recorded } = ports(world);
    const result = await planAndRecord(planning, MAY, { actor: 'operations:ops@example.org', now: () => AT });
    expect(result.visits).toEqual([]);
    expect(result.plan.unassigned).toEqual([]);
    expect(recorded[0]!.visits).toEqual([]);
  });
});
