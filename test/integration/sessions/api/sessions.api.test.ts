import { describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { drainQuotaOutbox } from '../../../../src/sessions/usecases/quota-outbox';
import { quotaOutboxRepository } from '../../../../src/sessions/infra/quota-outbox.repository';
import { reportSessions } from '../../../../src/sessions/usecases/report-sessions';
import { createImport } from '../../../../src/sessions/usecases/import/run-import';
import { drainWorkflowOutbox } from '../../../../src/sessions/usecases/session-workflow-outbox';
import { agrementStateQuery } from '../../../../src/agrement/workflows/definitions';
import { sessionStateQuery, sessionWorkflowId } from '../../../../src/sessions/workflows/definitions';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { type Harness, useApi } from '../../../support/harness';
import { sessionReport } from '../../../support/session-fixtures';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { until as waitFor } from '../../../support/waiting';
import { ERASED, retentionCutoff } from '../../../../src/sessions/domain/retention';
import { eraseExpiredSessionData } from '../../../../src/sessions/usecases/retention';
import { reportContentHash } from '../../../../src/sessions/usecases/report-content';
import { sessionStreamId } from '../../../../src/sessions/usecases/session-stream';

let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const today = () => dateIn(new Date(), 'Europe/Paris');

const daysAgo = (n: number) => dateIn(new Date(Date.now() - n * 86_400_000), 'Europe/Paris');
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const centre = (startOn = today()) => runningAgrement(h, startOn);

async function http(method: string, path: string, body?: unknown, token = ops) {
  return requestJson(`${api}${path}`, method, { token, body });
}

/** Every item of a list, all pages (other files' rows share the run's database). */
const listed = (path: string, token = ops) => everyItem(async (page) => (await http('GET', page, undefined, token)).body, path);

/** A bulk import's job, running, whose upload was never kept (its sessions are reported by the test itself). */
const importJob = { format: 'ndjson', fileName: null, actor: 'Import (operations)', spool: null } as const;

const deadlineOf = (id: string) => h.client.workflow.getHandle(sessionWorkflowId(id)).query(sessionStateQuery);
const until = <T>(what: () => Promise<T>, ok: (v: T) => boolean) => waitFor(what, ok, 100, 100);

describe('sessions API (SES-1): reported as Pix Certif would, judged, followed to finalisation', () => {
  it('SES-1 SES-10 a new session is recorded (201) and its workflow holds the 48-hour deadline across the change to summer time', async () => {
    const c = await centre();
    const report = sessionReport(c.organisationId);
    const res = await http('POST', '/sessions', report);
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('created');
    // Ends Friday 26 March 2027 16:00 in Paris (UTC+1); 48 elapsed hours later it is 17:00 (UTC+2) on the Sunday.
    expect(res.body.session).toMatchObject({
      id: report.id,
      status: 'planned',
      deadlineAt: '2027-03-28T15:00:00.000Z',
      ruleSetId: 'sessions@2020-01',
      candidates: 10,
    });
    expect(res.body.session.price).toEqual({ totalEur: 450, pixShareEur: 100, payingCandidates: 10 });
    const wf = await until(
      () => deadlineOf(report.id),
      (s) => s.state === 'scheduled',
    );
    expect(wf.deadlineAt).toBe('2027-03-28T15:00:00.000Z');

    const again = await http('POST', '/sessions', report);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('unchanged');
    const other = await http('POST', '/sessions', { ...report, room: 'Salle C1' });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/PUT \/sessions/);
  });

  it('SES-2 SES-3 a session breaking several rules gets 422 listing every failing rule with actual and expected values, and nothing is written', async () => {
    const c = await centre();
    const report = sessionReport(
      c.organisationId,
      {
        spareComputers: 0,
        invigilators: [
          { lastName: 'A', firstName: 'B', referent: false },
          { lastName: 'C', firstName: 'D', referent: false },
        ],
      },
      41,
    );
    const res = await http('POST', '/sessions', report);
    expect(res.status).toBe(422);
    expect(res.body.rules).toEqual(expect.arrayContaining(['SES-2', 'SES-3']));
    // AGR-6: judged by the real cahier (January 2020): 20 candidates per invigilator.
    expect(res.body.failures.find((f: { ruleId: string }) => f.ruleId === 'SES-2')).toMatchObject({ actual: 20.5, expected: 20 });
    expect(res.body.failures.find((f: { ruleId: string }) => f.ruleId === 'SES-3')).toMatchObject({ actual: 0, expected: 3 });
    expect((await http('GET', `/sessions/${report.id}`)).status).toBe(404);
    // The dry run gives the same verdict without writing, and the passing checks on request.
    const dry = await http('POST', '/sessions/dry-run', report);
    expect(dry.status).toBe(200);
    expect(dry.body.allowed).toBe(false);
    expect(dry.body.failures.map((f: { ruleId: string }) => f.ruleId)).toEqual(expect.arrayContaining(['SES-2', 'SES-3']));
    const ok = await http('POST', '/sessions/dry-run?includePassing=true', sessionReport(c.organisationId));
    expect(ok.body).toMatchObject({ allowed: true, ruleSetId: 'sessions@2020-01', deadlineAt: '2027-03-28T15:00:00.000Z' });
    expect(ok.body.passes.length).toBeGreaterThan(5);
    expect(ok.body.passes[0].message).toEqual(expect.any(String));
    expect((await http('GET', `/sessions?organisationId=${c.organisationId}`)).body.total).toBe(0);
  });

  it('SES-9 SUS-2 a suspended centre may not report a session: 409 names the rule', async () => {
    const c = await centre();
    await c.act({ type: 'suspended', on: today(), reason: 'fraude' });
    await until(
      async () => (await h.db.query('SELECT state FROM agrements WHERE organisation_id = $1', [c.organisationId]))[0]?.state,
      (s) => s === 'suspended',
    );
    const res = await http('POST', '/sessions', sessionReport(c.organisationId));
    expect(res.status).toBe(409);
    expect(res.body.rule).toBe('SUS-2');
    expect(res.body.message).toMatch(/SES-9/);
  });

  it('SES-10 moving a session moves its deadline; cancelling it ends its workflow', async () => {
    const c = await centre();
    const report = sessionReport(c.organisationId);
    expect((await http('POST', '/sessions', report)).status).toBe(201);
    await until(
      () => deadlineOf(report.id),
      (s) => s.state === 'scheduled',
    );
    const moved = await http('PUT', `/sessions/${report.id}`, { ...report, date: '2027-04-09', endTime: '17:00' });
    expect(moved.status).toBe(200);
    expect(moved.body.session.deadlineAt).toBe('2027-04-11T15:00:00.000Z');
    expect((await deadlineOf(report.id)).deadlineAt).toBe('2027-04-11T15:00:00.000Z');
    const cancelled = await http('POST', `/sessions/${report.id}/cancel`, { reason: 'Trop peu de candidats inscrits' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.session).toMatchObject({ status: 'cancelled', cancellationReason: 'Trop peu de candidats inscrits' });
    const described = await until(
      () => h.client.workflow.getHandle(sessionWorkflowId(report.id)).describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    expect(described.status.name).toBe('COMPLETED');
    expect((await http('POST', `/sessions/${report.id}/finalise`, { candidatesWhoSat: 3 })).body.rule).toBe('SES-7');
  });

  it('QUO-3 a finalised session counts once in the agrément, even when reported again', async () => {
    const c = await centre(daysAgo(10));
    // Held yesterday, reported since: its 48 hours are still running.
    const report = sessionReport(c.organisationId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    expect((await http('POST', '/sessions', report)).status).toBe(201);
    await until(
      () => deadlineOf(report.id),
      (s) => s.state === 'scheduled',
    );
    const future = await http('POST', `/sessions/${report.id}/finalise`, { finalisedAt: '2099-01-01T00:00:00.000Z', candidatesWhoSat: 9 });
    expect(future.status).toBe(400);
    expect(future.body.field).toBe('finalisation.finalisedAt');
    const body = {
      finalisedAt: new Date(Date.now() - 60_000).toISOString(),
      candidatesWhoSat: 9,
      incidents: [{ candidateLocalId: 'c3', description: 'Coupure réseau 5 min', attributableToCentre: true }],
    };
    const fin = await http('POST', `/sessions/${report.id}/finalise`, body);
    expect(fin.status).toBe(200);
    expect(fin.body.session).toMatchObject({ status: 'finalised', candidatesWhoSat: 9 });
    const quota = await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 9,
    );
    expect(quota.quota).toMatchObject({ candidates: 9, sessionIds: [report.id] });
    // The same finalisation again is the same report again: unchanged (not a change refused); another one is refused.
    const again = await http('POST', `/sessions/${report.id}/finalise`, body);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('unchanged');
    const other = await http('POST', `/sessions/${report.id}/finalise`, { ...body, candidatesWhoSat: 8 });
    expect(other.status).toBe(409);
    expect(other.body.rule).toBe('SES-10');
    expect((await c.handle.query(agrementStateQuery)).quota.candidates).toBe(9);
  });

  it('SES-10 QUO-3 a finalisation retried with its Idempotency-Key (its answer lost) answers as the first, logged and counted once (issue 15)', async () => {
    const c = await centre(daysAgo(10));
    const report = sessionReport(c.organisationId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    expect((await http('POST', '/sessions', report)).status).toBe(201);
    const body = { finalisedAt: new Date(Date.now() - 60_000).toISOString(), candidatesWhoSat: 7, incidents: [], fraudReports: [] };
    const key = { 'idempotency-key': `finalise-retry-${report.id}` };
    const first = await requestJson(`${api}/sessions/${report.id}/finalise`, 'POST', { token: ops, body, headers: key });
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('updated');
    // The topology test's case: the API died before answering; the client sends the same request, same key, elsewhere.
    const retry = await requestJson(`${api}/sessions/${report.id}/finalise`, 'POST', { token: ops, body, headers: key });
    expect(retry.status).toBe(200);
    expect(retry.body.outcome).toBe('unchanged');
    expect(retry.body.session).toMatchObject({ status: 'finalised', candidatesWhoSat: 7 });
    const events: Array<{ type: string }> = await h.db.query(
      `SELECT type FROM event_log WHERE stream_type = 'session' AND stream_id = $1`,
      [sessionStreamId(report.id)],
    );
    expect(events.filter((e) => e.type === 'session-finalised')).toHaveLength(1);
    const quota = await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 7,
    );
    expect(quota.quota).toMatchObject({ candidates: 7, sessionIds: [report.id] });
  });

  it('QUO-3 a history batch of finalised sessions counts once in the quota; reported again it changes nothing', async () => {
    const c = await centre(daysAgo(60));
    const past = (i: number) =>
      sessionReport(c.organisationId, {
        id: `H-${c.organisationId.slice(0, 8)}-${i}`,
        date: daysAgo(40 - i),
        plannedOn: daysAgo(50),
        status: 'finalised',
        finalisation: {
          finalisedAt: new Date(Date.now() - (39 - i) * 86_400_000).toISOString(),
          candidatesWhoSat: 5 + i,
          incidents: [],
          fraudReports: [],
          endOfTestChecks: [],
        },
      });
    const batch = [past(0), past(1), past(2)];
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const first = await reportSessions(deps, batch, { actor: 'Import (operations)', source: 'import' });
    expect(first.map((o) => o.outcome)).toEqual(['created', 'created', 'created']);
    const counted = await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 18,
    );
    expect(counted.quota.candidates).toBe(18);
    const logBefore = (await h.db.query(`SELECT count(*)::int AS n FROM event_log WHERE stream_type = 'session'`))[0].n;
    const second = await reportSessions(deps, batch, { actor: 'Import (operations)', source: 'import' });
    expect(second.map((o) => o.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM event_log WHERE stream_type = 'session'`))[0].n).toBe(logBefore);
    expect((await c.handle.query(agrementStateQuery)).quota.candidates).toBe(18);
    const quality = await h.db.query(`SELECT count(*)::int AS n FROM session_quality WHERE organisation_id = $1 AND NOT late`, [
      c.organisationId,
    ]);
    expect(quality[0].n).toBe(3);
    // The batch's log entries are appended in one statement: the hash chain still reads back whole.
    expect(await verifyLogChain(h.db)).toMatchObject({ valid: true });
  });

  it('QUO-3 counts queued in the outbox with their rows survive a stop before delivery: the next drain delivers each once', async () => {
    const c = await centre(daysAgo(60));
    const ended = await centre(daysAgo(60));
    const past = (organisationId: string, i: number) =>
      sessionReport(organisationId, {
        id: `Q-${organisationId.slice(0, 8)}-${i}`,
        date: daysAgo(30 - i),
        plannedOn: daysAgo(50),
        status: 'finalised',
        finalisation: {
          finalisedAt: new Date(Date.now() - (29 - i) * 86_400_000).toISOString(),
          candidatesWhoSat: 4,
          incidents: [],
          fraudReports: [],
          endOfTestChecks: [],
        },
      });
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const outbox = async (orgs: string[]) =>
      (await h.db.query(`SELECT count(*)::int AS n FROM quota_outbox WHERE agrement_organisation_id = ANY($1)`, [orgs]))[0].n as number;
    // A bulk import's chunk commits its rows and its counts, then the process stops before delivering them.
    const outcomes = await reportSessions(deps, [past(c.organisationId, 0), past(c.organisationId, 1), past(ended.organisationId, 0)], {
      actor: 'Import (operations)',
      source: 'import',
      deliverQuota: false,
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created', 'created']);
    expect(await outbox([c.organisationId, ended.organisationId])).toBe(3);
    expect((await c.handle.query(agrementStateQuery)).quota.candidates).toBe(0);
    // Meanwhile one agrément ended: its workflow is gone, so its count has nowhere to go and is dropped.
    await ended.handle.terminate('test: agrément over');
    expect(await drainQuotaOutbox(deps, { organisationIds: [c.organisationId, ended.organisationId] })).toBe(3);
    const counted = await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 8,
    );
    expect(counted.quota.candidates).toBe(8);
    expect(await outbox([c.organisationId, ended.organisationId])).toBe(0);
    // Delivered twice (a drain interrupted after its signal, before its delete): the agrément counts each session once.
    await h.db.transaction((m) =>
      quotaOutboxRepository(m).queueReports([
        {
          agrementOrganisationId: c.organisationId,
          session: { sessionId: past(c.organisationId, 0).id, finalisedOn: daysAgo(29), candidates: 4 },
        },
      ]),
    );
    expect(await drainQuotaOutbox(deps, { organisationIds: [c.organisationId] })).toBe(1);
    // The drain returns once the signal is in the agrément's history; a query reads the state after it was handled.
    expect((await c.handle.query(agrementStateQuery)).quota).toMatchObject({ candidates: 8 });
    expect((await c.handle.query(agrementStateQuery)).quota.sessionIds).toHaveLength(2);
  });

  it('QUO-3 the counts a running bulk import queued wait for that import: other drains leave them, its own delivers them, any drain once it has failed', async () => {
    const [c, d] = [await centre(daysAgo(60)), await centre(daysAgo(60))];
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const finalised = (organisationId: string, i: number) =>
      sessionReport(organisationId, {
        id: `QI-${organisationId.slice(0, 8)}-${i}`,
        date: daysAgo(20 + i),
        plannedOn: daysAgo(50),
        status: 'finalised',
        finalisation: {
          finalisedAt: new Date(Date.now() - (19 + i) * 86_400_000).toISOString(),
          candidatesWhoSat: 3,
          incidents: [],
          fraudReports: [],
          endOfTestChecks: [],
        },
      });
    const waiting = async () =>
      (await h.db.query(`SELECT session_id FROM quota_outbox WHERE agrement_organisation_id = ANY($1) ORDER BY session_id`, [
        [c.organisationId, d.organisationId],
      ])) as Array<{ session_id: string }>;
    const [first, second] = [await createImport(deps, importJob), await createImport(deps, importJob)];
    try {
      // Two imports' chunks and one session reported through the API, none delivered yet.
      for (const [run, i] of [[first, 0] as const, [second, 1] as const])
        await reportSessions(deps, [finalised(c.organisationId, i)], {
          actor: 'Import',
          source: 'import',
          deliverQuota: false,
          importId: run.id,
        });
      await reportSessions(deps, [finalised(d.organisationId, 0)], { actor: 'Pix Certif', source: 'api', deliverQuota: false });
      expect(await waiting()).toHaveLength(3);

      // The housekeeping's drain: only the API's count goes; each import's wait for it.
      expect(await drainQuotaOutbox(deps, { organisationIds: [c.organisationId, d.organisationId] })).toBe(1);
      expect((await waiting()).map((r) => r.session_id)).toEqual([finalised(c.organisationId, 0).id, finalised(c.organisationId, 1).id]);
      // The first import, at its end, delivers its own and leaves the other running import's.
      expect(await drainQuotaOutbox(deps, { organisationIds: [c.organisationId], importId: first.id })).toBe(1);
      expect((await waiting()).map((r) => r.session_id)).toEqual([finalised(c.organisationId, 1).id]);
      await until(
        () => c.handle.query(agrementStateQuery),
        (a) => a.quota.candidates === 3,
      );
      // The second import fails before its delivery: its count is no longer held, the next drain delivers it.
      await h.db.query(`UPDATE session_imports SET status = 'failed', failure = 'test' WHERE id = $1`, [second.id]);
      expect(await drainQuotaOutbox(deps, { organisationIds: [c.organisationId] })).toBe(1);
      expect(await waiting()).toEqual([]);
      const counted = await until(
        () => c.handle.query(agrementStateQuery),
        (a) => a.quota.candidates === 6,
      );
      expect(counted.quota.sessionIds).toEqual([finalised(c.organisationId, 0).id, finalised(c.organisationId, 1).id]);
    } finally {
      // Jobs of the run's database are claimed by any resumeStalledImports (other files'): none is left running.
      await h.db.query(`UPDATE session_imports SET status = 'completed', finished_at = now() WHERE id = ANY($1) AND status = 'running'`, [
        [first.id, second.id],
      ]);
    }
  });

  it('SES-10 a session committed while Temporal cannot be reached keeps its workflow step queued; the next drain starts its deadline', async () => {
    const c = await centre();
    const report = sessionReport(c.organisationId);
    const workflow = h.client.workflow;
    const unreachable = Object.assign(Object.create(Object.getPrototypeOf(workflow)), workflow, {
      start: () => Promise.reject(new Error('Temporal unreachable')),
    }) as typeof workflow;
    const failing = { db: h.db, temporal: { workflow: unreachable } as typeof h.client, taskQueue: h.taskQueue, now: () => new Date() };
    await expect(reportSessions(failing, [report], { actor: 'Pix Certif', source: 'api' })).rejects.toThrow('Temporal unreachable');
    // The row is committed, its step kept with the reason; no workflow yet.
    expect((await h.db.query(`SELECT status FROM sessions WHERE id = $1`, [report.id]))[0]).toEqual({ status: 'planned' });
    const [queued] = await h.db.query(
      `SELECT attempts, last_error, step->>'kind' AS kind FROM session_workflow_outbox WHERE session_id = $1`,
      [report.id],
    );
    expect(queued).toEqual({ attempts: 1, last_error: 'Temporal unreachable', kind: 'start' });
    await expect(h.client.workflow.getHandle(sessionWorkflowId(report.id)).describe()).rejects.toThrow();
    // Reported again, unchanged: nothing new is queued (the queued step is the one to deliver).
    expect((await reportSessions(failing, [report], { actor: 'Pix Certif', source: 'api' }))[0]).toMatchObject({ outcome: 'unchanged' });
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    expect(await drainWorkflowOutbox(deps)).toBeGreaterThanOrEqual(1);
    expect(await h.db.query(`SELECT id FROM session_workflow_outbox WHERE session_id = $1`, [report.id])).toEqual([]);
    const state = await until(
      () => deadlineOf(report.id),
      (s) => s.state === 'scheduled',
    );
    expect(state.deadlineAt).toBe('2027-03-28T15:00:00.000Z');
  });

  it('SES-10 a finalisation does not overtake the start its session still owes (the reporting request died after its commit, issue 15): the deadline opens, then closes', async () => {
    const c = await centre(daysAgo(10));
    const report = sessionReport(c.organisationId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    const workflow = h.client.workflow;
    // The reporting API replica dies between its commit and its workflow call: the start stays queued.
    const dying = Object.assign(Object.create(Object.getPrototypeOf(workflow)), workflow, {
      start: () => Promise.reject(new Error('the replica died')),
    }) as typeof workflow;
    const failing = { db: h.db, temporal: { workflow: dying } as typeof h.client, taskQueue: h.taskQueue, now: () => new Date() };
    await expect(reportSessions(failing, [report], { actor: 'Pix Certif', source: 'api' })).rejects.toThrow('the replica died');
    // The client retries elsewhere (unchanged), then finalises, before any drain.
    expect((await http('POST', '/sessions', report)).body.outcome).toBe('unchanged');
    const fin = await http('POST', `/sessions/${report.id}/finalise`, {
      finalisedAt: new Date(Date.now() - 60_000).toISOString(),
      candidatesWhoSat: 6,
    });
    expect(fin.status).toBe(200);
    // Both steps went, in order: the deadline workflow was started, then told of the finalisation; nothing is left queued.
    const state = await until(
      () => deadlineOf(report.id),
      (s) => s.state === 'finalised',
    );
    expect(state.state).toBe('finalised');
    expect(await h.db.query(`SELECT id FROM session_workflow_outbox WHERE session_id = $1`, [report.id])).toEqual([]);
    const quota = await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === 6,
    );
    expect(quota.quota).toMatchObject({ candidates: 6, sessionIds: [report.id] });
  });

  it('SES-12 an incident attributable to the centre opens the remedy follow-up: on the dashboard until the centre records a new session or a refund, once', async () => {
    const c = await centre(daysAgo(10));
    const report = sessionReport(c.organisationId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    expect((await http('POST', '/sessions', report)).status).toBe(201);
    const plain = sessionReport(c.organisationId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '13:00', endTime: '15:00' });
    expect((await http('POST', '/sessions', plain)).status).toBe(201);
    const incidents = [
      { candidateLocalId: 'c3', description: 'Poste informatique en panne', attributableToCentre: true },
      { candidateLocalId: 'c5', description: 'Malaise du candidat', attributableToCentre: false },
    ];
    const fin = await http('POST', `/sessions/${report.id}/finalise`, {
      finalisedAt: new Date(Date.now() - 60_000).toISOString(),
      candidatesWhoSat: 10,
      incidents,
    });
    expect(fin.status).toBe(200);
    expect((await http('POST', `/sessions/${plain.id}/finalise`, { candidatesWhoSat: 10 })).status).toBe(200);
    // SES-12: due by the end of the 5th day after the session, Paris time.
    const owed = await until(
      async () => (await http('GET', `/sessions/${report.id}`)).body.remedy,
      (r) => r?.state === 'awaiting',
    );
    expect(owed).toMatchObject({
      state: 'awaiting',
      affected: ['c3'],
      incidents: ['Poste informatique en panne'],
      dueOn: plusDays(daysAgo(1), 5),
    });
    const due = await listed('/dashboard/deadlines?days=10&deadline=remedy-due');
    expect(due.filter((d: { subjectId: string }) => d.subjectId === report.id)).toEqual([
      expect.objectContaining({
        subject: 'session',
        deadline: 'remedy-due',
        ruleId: 'SES-12',
        on: owed.dueOn,
        at: owed.dueAt,
        organisationId: c.organisationId,
      }),
    ]);
    // Nothing to remedy without an attributable incident; a candidate the incident did not concern is refused with the field.
    const none = await http('POST', `/sessions/${plain.id}/remedy`, { kind: 'refund', candidateLocalIds: ['c1'] });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ rule: 'SES-12' });
    expect((await http('POST', `/sessions/${report.id}/remedy`, { kind: 'voucher', candidateLocalIds: ['c3'] })).body).toMatchObject({
      field: 'kind',
    });
    const stranger = await http('POST', `/sessions/${report.id}/remedy`, { kind: 'refund', candidateLocalIds: ['c5'] });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ field: 'candidateLocalIds' });
    const done = await http('POST', `/sessions/${report.id}/remedy`, {
      kind: 'new-session',
      candidateLocalIds: ['c3'],
      note: 'Nouvelle session gratuite le 12',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'remedied', remedy: { kind: 'new-session', candidateLocalIds: ['c3'] } });
    const again = await http('POST', `/sessions/${report.id}/remedy`, { kind: 'refund', candidateLocalIds: ['c3'] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ rule: 'SES-12' });
    await until(
      async () => (await http('GET', `/sessions/${report.id}`)).body.remedy,
      (r) => r?.state === 'remedied',
    );
    const after = await listed('/dashboard/deadlines?days=10&deadline=remedy-due');
    expect(after.some((d: { subjectId: string }) => d.subjectId === report.id)).toBe(false);
  });

  it('SES-11 sessions held more than 2 years ago lose their people’s data (not the day before), once, logged; the same history imported again is still unchanged', async () => {
    const c = await centre(daysAgo(60));
    const cutoff = retentionCutoff(today());
    const held = (id: string, date: string) =>
      sessionReport(c.organisationId, {
        id,
        date,
        plannedOn: plusDays(date, -40),
        status: 'finalised',
        finalisation: {
          finalisedAt: `${plusDays(date, 1)}T09:00:00.000Z`,
          candidatesWhoSat: 8,
          incidents: [],
          fraudReports: [],
          endOfTestChecks: [],
        },
      });
    const tag = c.organisationId.slice(0, 8);
    const old = held(`R-${tag}-old`, plusDays(cutoff, -1));
    const kept = held(`R-${tag}-kept`, cutoff);
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    expect((await reportSessions(deps, [old, kept], { actor: 'Import (operations)', source: 'import' })).map((o) => o.outcome)).toEqual([
      'created',
      'created',
    ]);
    // Issue 15: no hash while the report is whole (a report sent again is compared with it); the erasure keeps the original's.
    const hashes = async () =>
      Object.fromEntries(
        (
          (await h.db.query(`SELECT id, content_hash FROM sessions WHERE id = ANY($1)`, [[old.id, kept.id]])) as {
            id: string;
            content_hash: string | null;
          }[]
        ).map((r) => [r.id, r.content_hash]),
      );
    expect(await hashes()).toEqual({ [old.id]: null, [kept.id]: null });
    expect(await eraseExpiredSessionData(deps)).toBeGreaterThanOrEqual(1);
    expect(await hashes()).toEqual({ [old.id]: reportContentHash(old), [kept.id]: null });
    const erased = (await http('GET', `/sessions/${old.id}`)).body;
    expect(erased.personalDataErasedAt).not.toBeNull();
    expect(erased.report.candidates[0]).toMatchObject({ localId: 'c0', lastName: ERASED, firstName: ERASED });
    expect(erased).toMatchObject({ status: 'finalised', candidates: 10, candidatesWhoSat: 8 });
    const still = (await http('GET', `/sessions/${kept.id}`)).body;
    expect(still).toMatchObject({
      personalDataErasedAt: null,
      report: { candidates: expect.arrayContaining([expect.objectContaining({ lastName: 'Nom0' })]) },
    });
    const logged = await h.db.query(`SELECT type, rule_ids FROM event_log WHERE event_key = $1`, [`session-erasure:${old.id}`]);
    expect(logged).toEqual([{ type: 'personal-data-erased', rule_ids: ['SES-11', 'DATA-1'] }]);
    // Once: a second pass finds nothing of this centre; re-importing the original history changes nothing.
    await eraseExpiredSessionData(deps);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM event_log WHERE event_key = $1`, [`session-erasure:${old.id}`]))[0].n).toBe(1);
    expect((await reportSessions(deps, [old, kept], { actor: 'Import (operations)', source: 'import' })).map((o) => o.outcome)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect((await http('GET', `/sessions/${old.id}`)).body.report.candidates[0].lastName).toBe(ERASED);
  });

  it('SES-10 AGR-6 issue 14: the list finds a centre by part of its name and the sessions past their 48 hours; one session shows every rule’s verdict', async () => {
    const c = await centre(daysAgo(10));
    const held = sessionReport(c.organisationId, { date: daysAgo(3), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    const ahead = sessionReport(c.organisationId, { date: plusDays(today(), 20), plannedOn: today() });
    for (const r of [held, ahead]) expect((await http('POST', '/sessions', r)).status).toBe(201);
    const [{ name }]: { name: string }[] = await h.db.query('SELECT name FROM organisations WHERE id = $1', [c.organisationId]);

    // SES-10: held 3 days ago, still planned: overdue; the one ahead is not.
    const overdue = (await listed(`/sessions?overdue=true&organisationId=${c.organisationId}`)).map((x) => x.id);
    expect(overdue).toEqual([held.id]);
    const all = await listed(`/sessions?centre=${encodeURIComponent(name.slice(2, -2).toUpperCase())}`);
    expect(
      all
        .filter((x) => x.organisationId === c.organisationId)
        .map((x) => x.id)
        .sort(),
    ).toEqual([held.id, ahead.id].sort());
    expect(all.find((x) => x.id === held.id)).toMatchObject({ organisationName: name, agrementId: c.start.agrementId, finalisedAt: null });
    expect((await http('GET', '/sessions?overdue=oui')).body).toMatchObject({ statusCode: 400, field: 'overdue' });
    expect((await http('GET', `/sessions?centre=${'a'.repeat(201)}`)).body).toMatchObject({ statusCode: 400, field: 'centre' });

    // AGR-6: the verdicts of the set in force on its date, passing ones included, each with its rule ID.
    const one = await http('GET', `/sessions/${held.id}`);
    expect(one.status).toBe(200);
    expect(one.body.verdicts).toMatchObject({ ruleSetId: 'sessions@2020-01', failures: [] });
    const passed = one.body.verdicts.passes.map((v: Json) => v.ruleId);
    expect(passed).toEqual(expect.arrayContaining(['SES-2']));
    expect(passed.filter((id: string) => !/^[A-Z]+-\d+$/.test(id))).toEqual([]);
  });

  it('400 names the field, 404 an unknown organisation, and a centre cannot report for another', async () => {
    const c = await centre();
    const bad = sessionReport(c.organisationId);
    (bad.candidates[2] as { birthDate: string }).birthDate = '02/04/2001';
    const res = await http('POST', '/sessions', bad);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('candidates.2.birthDate');
    const extra = await http('POST', '/sessions', {
      ...sessionReport(c.organisationId),
      candidates: [{ ...sessionReport(c.organisationId).candidates[0], socialSecurityNumber: '1 01 04' }],
    });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/DATA-1/);
    expect((await http('POST', '/sessions', sessionReport('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    const other = await centre();
    const theirs = await h.tokenFor('centre', other.organisationId);
    expect((await http('POST', '/sessions', sessionReport(c.organisationId), theirs)).status).toBe(404);
    expect((await http('POST', '/sessions', sessionReport(other.organisationId), theirs)).status).toBe(201);
  });

  it('DATA-3 another centre’s session id is 404 on every sessions endpoint, exactly like an unknown id: its existence is not confirmed', async () => {
    const mine = await centre();
    const other = await centre();
    const theirs = sessionReport(other.organisationId);
    expect((await http('POST', '/sessions', theirs)).status).toBe(201);
    const token = await h.tokenFor('centre', mine.organisationId);
    const unknown = `S-unknown-${mine.organisationId.slice(0, 8)}`;
    const probes = (id: string): Array<[string, string, unknown]> => [
      ['POST', '/sessions', { ...sessionReport(mine.organisationId), id }],
      ['PUT', `/sessions/${id}`, { ...sessionReport(mine.organisationId), id }],
      ['GET', `/sessions/${id}`, undefined],
      ['POST', `/sessions/${id}/cancel`, { reason: 'Salle indisponible' }],
      ['POST', `/sessions/${id}/finalise`, { candidatesWhoSat: 1 }],
      ['POST', `/sessions/${id}/remedy`, { kind: 'refund', candidateLocalIds: ['c1'] }],
    ];
    for (const [i, [method, path, body]] of probes(theirs.id).entries()) {
      const res = await http(method, path, body, token);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.text, `${method} ${path}`).not.toMatch(/another organisation/);
      // The same answer as for an id that does not exist (POST creates that one: its own answer differs by nature).
      if (method !== 'POST' || path !== '/sessions') {
        const [, unknownPath, unknownBody] = probes(unknown)[i]!;
        expect((await http(method, unknownPath, unknownBody, token)).body.message.replace(unknown, 'ID')).toBe(
          res.body.message.replace(theirs.id, 'ID'),
        );
      }
    }
    // Their session is untouched; operations, who see both, are told it belongs to another organisation (409).
    expect((await http('GET', `/sessions/${theirs.id}`)).body).toMatchObject({ status: 'planned', organisationId: other.organisationId });
    expect((await http('PUT', `/sessions/${theirs.id}`, { ...sessionReport(mine.organisationId), id: theirs.id })).status).toBe(409);
  });

  it('AGR-6 lists the rule sets with their versions, effective dates and rule IDs: the real cahier first, never the fictional 2027 one', async () => {
    const res = await http('GET', '/rule-sets');
    expect(res.status).toBe(200);
    // Versions published through /rule-set-versions (AGR-5) follow the base one.
    expect(res.body[0]).toMatchObject({
      id: 'sessions@2020-01',
      effectiveFrom: '2020-01-01',
      effectiveUntil: res.body[1]?.effectiveFrom ?? null,
    });
    expect(res.body.map((s: { id: string }) => s.id)).not.toContain('sessions@2027-01');
    expect(res.body[0].ruleIds).toEqual(expect.arrayContaining(['SES-2', 'SES-3', 'SES-9', 'PRI-3']));
    expect((await http('GET', '/rule-sets/sessions@2020-01')).body.id).toBe('sessions@2020-01');
    expect((await http('GET', '/rule-sets/sessions@2027-01')).status).toBe(404);
    expect((await http('GET', '/rule-sets/sessions@1999-01')).status).toBe(404);
  });
});
