/** VIS-1: how the risk facts combine their sources, over an in-memory port (no PostgreSQL). */
import { describe, expect, it } from 'vitest';
import type { Agrement } from '../../../../src/agrement/domain/agrement';
import { NotFound } from '../../../../src/shared/domain/errors';
import type { RiskAgrement, RiskFactsRepository } from '../../../../src/visits/usecases/ports';
import { riskFacts, riskFactsFor } from '../../../../src/visits/usecases/risk-facts';

interface Sources {
  agrements: RiskAgrement[];
  sanctions: Array<{ owner: string; type: string; count: number }>;
  lateSessions: Array<{ organisationId: string; sessionId: string }>;
  finalisations: Array<{ centreId: string; sessionId: string; incidents: number; fraudReports: number }>;
  remedies: Array<{ organisationId: string; count: number }>;
  events: Array<{ organisationId: string; kind: string; sessionId: string | null }>;
  lastVisits: Record<string, string>;
}

function memory(sources: Partial<Sources>): RiskFactsRepository & { reads: number } {
  const s: Sources = {
    agrements: [],
    sanctions: [],
    lateSessions: [],
    finalisations: [],
    remedies: [],
    events: [],
    lastVisits: {},
    ...sources,
  };
  const port = {
    reads: 0,
    async agrements(ids: string[]) {
      port.reads++;
      return s.agrements.filter((a) => ids.includes(a.id));
    },
    async sanctionCounts(owners: string[]) {
      port.reads++;
      return s.sanctions.filter((h) => owners.includes(h.owner));
    },
    async lateSessions(organisationIds: string[]) {
      port.reads++;
      return s.lateSessions.filter((r) => organisationIds.includes(r.organisationId));
    },
    async finalisationReports(organisationIds: string[]) {
      port.reads++;
      return s.finalisations.filter((f) => organisationIds.includes(f.centreId));
    },
    async lateRemedies(organisationIds: string[]) {
      port.reads++;
      return s.remedies.filter((r) => organisationIds.includes(r.organisationId));
    },
    async qualityEvents(organisationIds: string[]) {
      port.reads++;
      return s.events.filter((e) => organisationIds.includes(e.organisationId));
    },
    async lastVisitsDone(organisationIds: string[]) {
      port.reads++;
      return new Map(Object.entries(s.lastVisits).filter(([id]) => organisationIds.includes(id)));
    },
  };
  return port;
}

const agrement = (id: string, overrides: Partial<RiskAgrement> = {}): RiskAgrement => ({
  id,
  organisationId: 'centre-a',
  firstGrantOn: '2024-03-10',
  candidates: 120,
  snapshot: {} as Agrement,
  ...overrides,
});

const TODAY = '2026-05-04';
const A = { organisationId: 'centre-a', agrementId: 'agr-a' };

describe('VIS-1: the risk facts of a centre, from their sources', () => {
  it('SES-10: a late session counts once whichever source names it; a late finalisation reported without a session counts on its own', async () => {
    const facts = await riskFacts(
      memory({
        agrements: [agrement('agr-a')],
        lateSessions: [
          { organisationId: 'centre-a', sessionId: 's1' },
          { organisationId: 'centre-a', sessionId: 's2' },
        ],
        events: [
          { organisationId: 'centre-a', kind: 'late-finalisation', sessionId: 's1' },
          { organisationId: 'centre-a', kind: 'late-finalisation', sessionId: 's3' },
          { organisationId: 'centre-a', kind: 'late-finalisation', sessionId: null },
        ],
      }),
      A,
      TODAY,
    );
    expect(facts.lateFinalisations).toBe(4);
  });

  it('SES-12, SUS-1: per session, the larger count of the finalisation and the quality record; reports without a session add up', async () => {
    const facts = await riskFacts(
      memory({
        agrements: [agrement('agr-a')],
        finalisations: [
          { centreId: 'centre-a', sessionId: 's1', incidents: 2, fraudReports: 1 },
          { centreId: 'centre-a', sessionId: 's2', incidents: 0, fraudReports: 0 },
        ],
        events: [
          { organisationId: 'centre-a', kind: 'incident', sessionId: 's1' },
          { organisationId: 'centre-a', kind: 'incident', sessionId: 's1' },
          { organisationId: 'centre-a', kind: 'incident', sessionId: 's1' },
          { organisationId: 'centre-a', kind: 'incident', sessionId: 's2' },
          { organisationId: 'centre-a', kind: 'incident', sessionId: null },
          { organisationId: 'centre-a', kind: 'fraud-report', sessionId: 's1' },
          { organisationId: 'centre-a', kind: 'complaint', sessionId: null },
          { organisationId: 'centre-a', kind: 'complaint', sessionId: 's2' },
        ],
        remedies: [{ organisationId: 'centre-a', count: 2 }],
      }),
      A,
      TODAY,
    );
    // s1: max(2, 3) = 3; s2: max(0, 1) = 1; one without a session.
    expect(facts.incidents).toBe(5);
    // s1: max(1, 1) = 1.
    expect(facts.fraudReports).toBe(1);
    expect(facts.complaints).toBe(2);
    expect(facts.remediesLate).toBe(2);
  });

  it('SUS-1, BRE-1: past sanctions of the owner across renewals, or the current one in the snapshot; a suspension for force majeure is not one', async () => {
    const sources = (snapshot: object) =>
      memory({
        agrements: [agrement('agr-a', { organisationId: 'network-n', snapshot: snapshot as Agrement })],
        sanctions: [
          { owner: 'network-n', type: 'breach-notified', count: 2 },
          { owner: 'someone-else', type: 'suspended', count: 4 },
        ],
      });
    const current = await riskFacts(sources({ suspension: { cause: 'fraud' }, breach: { on: '2026-01-01' } }), A, TODAY);
    expect(current).toMatchObject({ pastSuspensions: 1, pastBreaches: 2 });
    const forceMajeure = await riskFacts(sources({ suspension: { cause: 'force-majeure' } }), A, TODAY);
    expect(forceMajeure).toMatchObject({ pastSuspensions: 0, pastBreaches: 2 });
  });

  it('VIS-1: months without a visit count from the last visit done, or from the first grant when never visited', async () => {
    const visited = await riskFacts(memory({ agrements: [agrement('agr-a')], lastVisits: { 'centre-a': '2025-02-20' } }), A, TODAY);
    expect(visited).toMatchObject({ everVisited: true, monthsWithoutVisit: 14, monthsSinceFirstGrant: 25, candidates: 120 });
    const never = await riskFacts(memory({ agrements: [agrement('agr-a')] }), A, TODAY);
    expect(never).toMatchObject({ everVisited: false, monthsWithoutVisit: 25 });
  });

  it('several centres under one network agrément each get their own facts', async () => {
    const sources = memory({
      agrements: [agrement('agr-n', { organisationId: 'network-n' })],
      events: [{ organisationId: 'member-1', kind: 'complaint', sessionId: null }],
    });
    const facts = await riskFactsFor(
      sources,
      [
        { organisationId: 'member-1', agrementId: 'agr-n' },
        { organisationId: 'member-2', agrementId: 'agr-n' },
      ],
      TODAY,
    );
    expect(facts.get('member-1/agr-n')!.complaints).toBe(1);
    expect(facts.get('member-2/agr-n')!.complaints).toBe(0);
  });

  it('an unknown agrément is not found; no subject, nothing read', async () => {
    await expect(riskFacts(memory({}), A, TODAY)).rejects.toBeInstanceOf(NotFound);
    const sources = memory({});
    expect((await riskFactsFor(sources, [], TODAY)).size).toBe(0);
    expect(sources.reads).toBe(0);
  });
});
