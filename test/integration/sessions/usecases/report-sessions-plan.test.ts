import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDataSources, dataSourceFor } from '../../../../src/shared/database/data-source';
import type { ApplicationDeps } from '../../../../src/shared/usecases/dependencies';
import {
  planAhead,
  prepareReports,
  reportSessions,
  type ReportOptions,
  storeReports,
} from '../../../../src/sessions/usecases/report-sessions';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { sessionReport } from '../../../support/session-fixtures';

/**
 * Issue 15: a bulk import judges its next chunk ahead of the chunk's transaction (planAhead), on what PostgreSQL holds
 * then. The transaction reads everything again and keeps those verdicts only if it finds the same: whatever changed in
 * between (a session stored by someone else, the centre's category), the chunk is judged on what the transaction reads.
 */
let db: DataSource;
let deps: ApplicationDeps;
const sessionIds: string[] = [];

beforeAll(async () => {
  db = await dataSourceFor(inject('databaseUrl'));
  // Finalised history writes no workflow call and its QUO-3 counts stay queued (deliverQuota: false): no Temporal here.
  deps = { db, temporal: undefined as never, taskQueue: 'unused', now: () => new Date() };
});
afterAll(async () => {
  // Their QUO-3 counts, queued for agréments that have no workflow here, are not left for another test's delivery.
  await db.query(`DELETE FROM quota_outbox WHERE session_id = ANY($1)`, [sessionIds]);
  await closeDataSources();
});

const options: ReportOptions = { actor: 'Import (operations)', source: 'import', mode: 'upsert', deliverQuota: false };

/** A centre and finalised sessions of its history (SES-1, SES-10), as an import reads them. */
async function centreWithHistory(count: number) {
  const start = agrementStart('2025-09-01');
  await insertOrganisation(db, start);
  const reports = Array.from({ length: count }, (_, i) =>
    sessionReport(start.organisationId, {
      date: '2026-05-12',
      plannedOn: '2026-04-01',
      status: 'finalised',
      finalisation: {
        finalisedAt: `2026-05-13T08:0${i}:00.000Z`,
        candidatesWhoSat: 10,
        incidents: [],
        fraudReports: [],
        endOfTestChecks: [],
      },
    }),
  );
  sessionIds.push(...reports.map((r) => r.id));
  return { organisationId: start.organisationId, reports };
}

const logEntries = async (sessionId: string) =>
  (await db.query(`SELECT type FROM event_log WHERE data->>'sessionId' = $1 ORDER BY id`, [sessionId])).map(
    (r: { type: string }) => r.type,
  );

describe('SES-1: a batch judged ahead of its transaction (issue 15, bulk import)', () => {
  it('SES-1 nothing changed between the plan and the transaction: the verdicts planned are the ones stored', async () => {
    const { reports } = await centreWithHistory(2);
    const broken = { ...reports[1]!, public: 'everyone' };
    const planned = await planAhead(deps, prepareReports([reports[0], broken], {}), options);
    expect(planned.plan?.outcomes.map((o) => o.outcome)).toEqual(['created', 'refused']);

    const outcomes = await storeReports(deps, planned, options);
    expect(outcomes).toBe(planned.plan!.outcomes);
    expect(await logEntries(reports[0]!.id)).toEqual(['session-reported']);
    expect((await db.query(`SELECT status FROM sessions WHERE id = $1`, [reports[0]!.id]))[0].status).toBe('finalised');
  });

  it('SES-1 the same session stored between the plan and the transaction: judged again, unchanged, logged once', async () => {
    const { reports } = await centreWithHistory(1);
    const planned = await planAhead(deps, prepareReports(reports, {}), options);
    expect(planned.plan?.outcomes.map((o) => o.outcome)).toEqual(['created']);

    // The chunk before it, committing meanwhile, held the same session.
    expect((await reportSessions(deps, reports, options)).map((o) => o.outcome)).toEqual(['created']);
    const outcomes = await storeReports(deps, planned, options);
    expect(outcomes.map((o) => o.outcome)).toEqual(['unchanged']);
    expect(await logEntries(reports[0]!.id)).toEqual(['session-reported']);
  });

  it('SCO-2 the centre became a collège between the plan and the transaction: judged on the collège (no campaign window: refused)', async () => {
    const { organisationId, reports } = await centreWithHistory(1);
    const planned = await planAhead(deps, prepareReports(reports, {}), options);
    expect(planned.plan?.outcomes.map((o) => o.outcome)).toEqual(['created']);

    await db.query(`UPDATE organisations SET category = 'college' WHERE id = $1`, [organisationId]);
    const [outcome] = await storeReports(deps, planned, options);
    expect(outcome).toMatchObject({ outcome: 'refused', error: { name: 'TransitionRefused', ruleId: 'SCO-2' } });
    expect(await db.query(`SELECT id FROM sessions WHERE id = $1`, [reports[0]!.id])).toEqual([]);
    expect(await logEntries(reports[0]!.id)).toEqual([]);
  });

  it('SES-1 PostgreSQL unreachable for the plan: no plan, the transaction judges', async () => {
    const { reports } = await centreWithHistory(1);
    const unreachable = { ...deps, db: { query: () => Promise.reject(new Error('connection refused')) } as unknown as DataSource };
    const prepared = await planAhead(unreachable, prepareReports(reports, {}), options);
    expect(prepared.plan).toBeUndefined();
    expect((await storeReports(deps, prepared, options)).map((o) => o.outcome)).toEqual(['created']);
  });
});
