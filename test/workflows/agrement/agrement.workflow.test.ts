import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgrementStart } from '../../../src/agrement/domain/agrement';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { findAgrement } from '../../../src/agrement/infra/agrement.repository';
import {
  agrementActionUpdate,
  type AgrementAction,
  agrementStateQuery,
  agrementWorkflowId,
  sessionsFinalisedSignal,
} from '../../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../support/agrement-fixtures';
import { createHarness, type Harness, LEGAL_EMAIL, OPERATIONS_EMAIL, receivedMail } from '../../support/harness';
import { patchesIn, recordHistory } from '../../support/histories';
import { RECORD_IN_WORKFLOW_TASK } from '../../../src/agrement/workflows/agrement.workflow';
import { until, sleepUntil as waitUntil } from '../../support/waiting';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Starts an agrément whose workflow clock reads `clockAt` now: the production workflow on a shifted clock. */
async function startAgrement(start: AgrementStart, clockAt: string, extra: { continueAsNewAfterEvents?: number } = {}) {
  await insertOrganisation(h.db, start);
  const clockOffsetMs = Date.parse(clockAt) - (await h.env.currentTimeMs());
  const handle = await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start, clockOffsetMs, ...extra }],
  });
  return { handle, clockOffsetMs };
}

const act = (handle: WorkflowHandle, action: AgrementAction, actor = 'Juriste Pix (legal)', reason = 'test') =>
  handle.executeUpdate(agrementActionUpdate, { args: [{ action, actor, reason }] });

const sleepUntil = (clockOffsetMs: number, instant: string) => waitUntil(h.env, clockOffsetMs, instant);

async function timeline(agrementId: string) {
  const { timeline } = await findAgrement(h.db, agrementId);
  return timeline.map((e) => ({ type: e.type, on: dateIn(e.occurredAt, 'Europe/Paris'), ruleIds: e.ruleIds, actor: e.actor }));
}

describe('agrément workflow on the time-skipping server, with exact dates', () => {
  it('AGR-2 REF-3 QUO-3 attestation received 2025-01-31 for 3 years: renewal due 2027-10-31, term 2028-01-31, badge due 2025-07-31, checkpoints 2026-01-31, 2027-01-31, 2027-07-31', async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31');
      const { handle, clockOffsetMs } = await startAgrement(start, '2025-01-31T09:00:00+01:00');
      const s = await handle.query(agrementStateQuery);
      expect(s.termOn).toBe('2028-01-31');
      const by = (name: string) => s.deadlines.filter((d) => d.name === name).map((d) => d.on);
      expect(by('renewal-request-due')).toEqual(['2027-10-31']);
      expect(by('badge-due')).toEqual(['2025-07-31']);
      expect(by('quota-checkpoint')).toEqual(['2026-01-31', '2027-01-31', '2027-07-31']);
      expect(by('term')).toEqual(['2028-01-31']);
      // A "by" deadline passes at midnight, Paris time (UTC+2 in summer).
      expect(s.deadlines.find((d) => d.name === 'badge-due')!.at).toBe('2025-07-31T22:00:00.000Z');

      await act(handle, { type: 'sessions-finalised', sessionId: 'S-1', finalisedOn: '2025-03-01', candidates: 100 }, 'Ops (operations)');
      await sleepUntil(clockOffsetMs, '2026-02-01T12:00:00+01:00');
      const events = await timeline(start.agrementId);
      expect(events.filter((e) => e.type === 'badge-reminder').map((e) => e.on)).toEqual(['2025-07-01', '2025-07-24']);
      expect(events.find((e) => e.type === 'badge-missed')).toMatchObject({ on: '2025-08-01', ruleIds: ['REF-3'] });
      expect(events.find((e) => e.type === 'breach-notice-proposed')).toMatchObject({ on: '2025-08-01', ruleIds: ['REF-3', 'BRE-4'] });
      expect(events.find((e) => e.type === 'quota-warning')).toMatchObject({ on: '2026-01-31', ruleIds: ['QUO-3', 'QUO-1'] });

      const toCentre = await receivedMail(h.smtp, (m) => m.template === 'quota-warning' && m.to.includes(start.email));
      expect(toCentre).toHaveLength(1);
      const toOperations = await receivedMail(
        h.smtp,
        (m) =>
          m.template === 'quota-warning' &&
          m.to.includes(OPERATIONS_EMAIL) &&
          (h.smtp.readMessage(m.id)?.text ?? '').includes(start.organisationName),
      );
      expect(toOperations).toHaveLength(1);
      const proposal = await receivedMail(
        h.smtp,
        (m) => m.template === 'breach-proposed' && (h.smtp.readMessage(m.id)?.text ?? '').includes(start.organisationName),
      );
      expect(proposal[0]!.to).toEqual([LEGAL_EMAIL]);
      const state = await handle.query(agrementStateQuery);
      expect(state.state).toBe('active');
      expect(state.proposals).toEqual([expect.objectContaining({ ruleId: 'REF-3', kind: 'breach-notice', proposedOn: '2025-08-01' })]);
    });
  });

  it('BRE-2 BRE-4 a letter sent 2026-03-10 after 10 days of suspension must be cured by 2026-03-30; uncured, termination is proposed on 2026-03-31 and confirmed by the legal team', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-02-01', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-15', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2026-02-28T10:00:00+01:00');
      await act(handle, { type: 'suspended', on: '2026-02-28', reason: 'fraude signalée par des candidats' });
      expect((await handle.query(agrementStateQuery)).sessionBlocker?.ruleId).toBe('SUS-2');
      await sleepUntil(clockOffsetMs, '2026-03-10T10:00:00+01:00');
      const notified = await act(handle, { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'fraude avérée' });
      expect(notified.state).toBe('under-notice');
      expect(notified.breach).toMatchObject({ cureDueOn: '2026-03-30', suspendedDaysDeducted: 10 });
      expect(notified.deadlines.find((d) => d.name === 'cure-due')).toMatchObject({ on: '2026-03-30', at: '2026-03-30T22:00:00.000Z' });

      await sleepUntil(clockOffsetMs, '2026-03-31T12:00:00+02:00');
      const proposed = await handle.query(agrementStateQuery);
      expect(proposed.state).toBe('under-notice');
      expect(proposed.proposals).toEqual([expect.objectContaining({ ruleId: 'BRE-1', proposedOn: '2026-03-31' })]);
      const done = await act(handle, { type: 'proposal-confirmed', on: '2026-03-31', proposalId: proposed.proposals[0]!.id });
      expect(done.state).toBe('terminated');
      expect(done.end).toMatchObject({ on: '2026-03-31', ruleId: 'BRE-1', confidentialityUntil: '2031-03-31' });
      await handle.result();
      const events = await timeline(start.agrementId);
      expect(events.map((e) => e.type)).toEqual([
        'agrement-started',
        'suspended',
        'breach-notified',
        'cure-deadline-passed',
        'termination-proposed',
        'termination-confirmed',
        'terminated',
      ]);
      expect(events.find((e) => e.type === 'breach-notified')!.ruleIds).toEqual(['BRE-1', 'BRE-2']);
      const notice = await receivedMail(h.smtp, (m) => m.template === 'breach-notice' && m.to.includes(start.email));
      expect(h.smtp.readMessage(notice[0]!.id)!.text).toContain('30 mars 2026');
      const ended = await receivedMail(h.smtp, (m) => m.template === 'agrement-terminated' && m.to.includes(start.email));
      expect(ended).toHaveLength(1);
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'agrement-breach-termination');
    });
  });

  it('TER-1 a termination for convenience notified 2026-06-01 takes effect on 2026-07-01', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-15', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-10', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2026-06-01T09:00:00+02:00');
      const notice = await act(handle, { type: 'termination-requested', on: '2026-06-01' }, 'Centre (centre)');
      expect(notice.state).toBe('terminating');
      expect(notice.deadlines.find((d) => d.name === 'termination-effective')).toMatchObject({
        on: '2026-07-01',
        at: '2026-06-30T22:00:00.000Z',
      });
      await sleepUntil(clockOffsetMs, '2026-07-01T09:00:00+02:00');
      const result = await handle.result();
      expect(result.state).toBe('terminated');
      expect(result.end).toMatchObject({ on: '2026-07-01', ruleId: 'TER-1' });
      expect((await timeline(start.agrementId)).at(-1)).toMatchObject({
        type: 'terminated',
        on: '2026-07-01',
        ruleIds: ['TER-1', 'TER-5'],
      });
    });
  });

  it('AGR-3 a renewal accepted before the term starts a new term at the old term; AGR-4 otherwise the agrément expires at its term', async () => {
    await h.run(async () => {
      const renewed = agrementStart('2025-01-31', {
        years: 1,
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const a = await startAgrement(renewed, '2025-09-01T09:00:00+02:00');
      await act(a.handle, { type: 'renewal-requested', on: '2025-09-01' }, 'Centre (centre)');
      await sleepUntil(a.clockOffsetMs, '2025-12-01T09:00:00+01:00');
      await act(a.handle, { type: 'renewal-accepted', on: '2025-12-01', years: 2 }, 'Ops (operations)');
      await sleepUntil(a.clockOffsetMs, '2026-02-01T09:00:00+01:00');
      const s = await a.handle.query(agrementStateQuery);
      expect(s).toMatchObject({ state: 'active', startOn: '2026-01-31', termOn: '2028-01-31' });
      expect(s.deadlines.find((d) => d.name === 'renewal-request-due')?.on).toBe('2027-10-31');

      const expiring = agrementStart('2025-01-31', {
        years: 1,
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const b = await startAgrement(expiring, '2025-09-01T09:00:00+02:00');
      await sleepUntil(b.clockOffsetMs, '2026-02-01T09:00:00+01:00');
      const result = await b.handle.result();
      expect(result).toMatchObject({ state: 'expired', end: { on: '2026-01-31', ruleId: 'AGR-4' } });
      const events = await timeline(expiring.agrementId);
      // AGR-2: reminders 60, 30 and 7 days before the 2025-10-31 deadline (the first is due the day the clock starts).
      expect(events.filter((e) => e.type === 'renewal-reminder').map((e) => e.on)).toEqual(['2025-09-01', '2025-10-01', '2025-10-24']);
      expect(events.find((e) => e.type === 'renewal-request-missed')?.on).toBe('2025-11-01');
      const missedOps = await receivedMail(
        h.smtp,
        (m) =>
          m.template === 'agrement-renewal-missed-operations' && (h.smtp.readMessage(m.id)?.text ?? '').includes(expiring.organisationName),
      );
      expect(missedOps).toHaveLength(1);
      expect(missedOps[0]!.to).toEqual([OPERATIONS_EMAIL]);
    });
  });

  it("SES-9 SUS-2 TER-5 after a suspension on 2026-02-28, a termination notice and its end on 2026-03-30, the centre is told each time which planned sessions are affected (on the workflow's clock, once each)", async () => {
    await h.run(async () => {
      const start = agrementStart('2026-02-01', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-15', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2026-02-28T10:00:00+01:00');
      // Planned sessions as Pix Certif reported them: one to come on 2026-04-10, one dated before the clock (held, not affected).
      const sessionId = `S-${start.agrementId.slice(0, 8)}`;
      for (const [id, date] of [
        [sessionId, '2026-04-10'],
        [`${sessionId}-past`, '2026-02-20'],
      ] as const) {
        await h.db.query(
          `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                                 candidate_count, rule_set_id, report, content_hash, source)
           VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', 'Europe/Paris', 'planned', $4, 10, 'sessions@2020-01', $5, 'test', 'api')`,
          [
            id,
            start.organisationId,
            date,
            `${date}T14:00:00Z`,
            JSON.stringify({ address: '12 rue des Écoles, 69007 Lyon', room: 'Salle B12' }),
          ],
        );
      }
      const mails = () => h.smtp.messages().filter((m) => m.template === 'planned-sessions-affected' && m.to.includes(start.email));

      await act(handle, { type: 'suspended', on: '2026-02-28', reason: 'fraude signalée' });
      const [suspended] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(start.email));
      const text = (h.smtp.readMessage(suspended!.id)?.text ?? '').replace(/\s+/g, ' ');
      expect(text).toContain(
        `session ${sessionId} : le 10 avril 2026, de 14 h à 16 h (heure locale, fuseau Europe/Paris), Salle B12, 12 rue des Écoles, 69007 Lyon — motif : agrément suspendu (SUS-2), à compter du 28 février 2026`,
      );
      expect(text).not.toContain(`${sessionId}-past`);
      await act(handle, { type: 'suspension-lifted', on: '2026-02-28' });
      await act(handle, { type: 'termination-requested', on: '2026-02-28' }, 'Centre (centre)');
      await sleepUntil(clockOffsetMs, '2026-03-30T09:00:00+02:00');
      expect(await handle.result()).toMatchObject({ state: 'terminated', end: { on: '2026-03-30', ruleId: 'TER-1' } });

      // Suspension, termination notice, end: one notice each (the lift affects nothing).
      const all = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(start.email), 3);
      expect(all).toHaveLength(3);
      const texts = all.map((m) => (h.smtp.readMessage(m.id)?.text ?? '').replace(/\s+/g, ' '));
      expect(texts[1]).toContain('prendra fin le 30 mars 2026');
      expect(texts[1]).toContain("fin de la convention d'agrément (TER-5), à compter du 30 mars 2026");
      expect(texts[2]).toContain('a pris fin le 30 mars 2026');
      expect(mails()).toHaveLength(3);
      const logged = await h.db.query(
        `SELECT type, rule_ids FROM event_log WHERE stream_type = 'session' AND data->>'sessionId' = $1 ORDER BY id`,
        [sessionId],
      );
      expect(logged.map((e: { type: string; rule_ids: string[] }) => `${e.type} ${e.rule_ids[0]}`)).toEqual([
        'session-blocked-by-agrement SUS-2',
        'session-blocked-by-agrement TER-5',
        'session-blocked-by-agrement TER-5',
      ]);
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'agrement-affected-sessions');
    });
  });

  it('TER-3 force majeure from 2026-03-15 suspends the convention and, still ongoing after 2026-05-15 (more than 2 months), terminates it on 2026-05-16', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-15', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-10', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2026-03-15T09:00:00+01:00');
      const s = await act(handle, { type: 'force-majeure-started', on: '2026-03-15' });
      expect(s.state).toBe('force-majeure');
      expect(s.sessionBlocker?.ruleId).toBe('TER-3');
      // Exactly 2 months: not yet "more than" 2 months.
      await sleepUntil(clockOffsetMs, '2026-05-15T23:00:00+02:00');
      expect((await handle.query(agrementStateQuery)).state).toBe('force-majeure');
      await sleepUntil(clockOffsetMs, '2026-05-16T09:00:00+02:00');
      const result = await handle.result();
      expect(result).toMatchObject({ state: 'terminated', end: { on: '2026-05-16', ruleId: 'TER-3' } });
    });
  });

  it('QUO-2 a centre below 600 candidates in the 3 years to 2028-01-31 is proposed for withdrawal once the last finalisations are in (2028-02-02); confirmed that day, it ends 15 days later on 2028-02-17', async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2027-12-20T09:00:00+01:00');
      // Renewed at its term (AGR-3): the quota still counts from the first grant (QUO-1).
      await act(handle, { type: 'renewal-requested', on: '2027-10-01' }, 'Centre (centre)');
      await act(handle, { type: 'renewal-accepted', on: '2027-12-20' }, 'Ops (operations)');
      await act(handle, { type: 'sessions-finalised', sessionId: 'S-1', finalisedOn: '2027-12-20', candidates: 540 }, 'Ops (operations)');
      await sleepUntil(clockOffsetMs, '2028-02-01T09:00:00+01:00');
      expect((await handle.query(agrementStateQuery)).proposals).toEqual([]);
      await sleepUntil(clockOffsetMs, '2028-02-02T09:00:00+01:00');
      const proposed = await handle.query(agrementStateQuery);
      expect(proposed.proposals).toEqual([expect.objectContaining({ ruleId: 'QUO-2', proposedOn: '2028-02-02' })]);
      const notice = await act(handle, { type: 'proposal-confirmed', on: '2028-02-02', proposalId: proposed.proposals[0]!.id });
      expect(notice).toMatchObject({ state: 'terminating', termination: { ruleId: 'QUO-2', effectiveOn: '2028-02-17' } });
      await sleepUntil(clockOffsetMs, '2028-02-17T09:00:00+01:00');
      expect(await handle.result()).toMatchObject({ state: 'terminated', end: { on: '2028-02-17', ruleId: 'QUO-2' } });
    });
  });

  it("QUO-3 a count delivered with the workflow's first activation is recorded after the opening (agrement-started is the first event)", async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      await insertOrganisation(h.db, start);
      const clockOffsetMs = Date.parse('2025-02-03T09:00:00+01:00') - (await h.env.currentTimeMs());
      const handle = await h.client.workflow.signalWithStart('agrementWorkflow', {
        workflowId: agrementWorkflowId(start.organisationId),
        taskQueue: h.taskQueue,
        args: [{ start, clockOffsetMs }],
        signal: sessionsFinalisedSignal,
        signalArgs: [[{ sessionId: 'S-first', finalisedOn: '2025-02-01', candidates: 12 }]],
      });
      await until(
        () => handle.query(agrementStateQuery),
        (a) => a.quota.candidates === 12,
      );
      const recorded = () => timeline(start.agrementId).catch(() => []); // the row appears with the opening
      await until(recorded, (r) => r.length >= 2);
      const events = await timeline(start.agrementId);
      expect(events.map((e) => e.type)).toEqual(['agrement-started', 'sessions-finalised']);
      expect((await findAgrement(h.db, start.agrementId)).agrement).toMatchObject({ candidates: 12 });
    });
  });

  it('QUO-3 sessions a bulk signal counts are one timeline entry listing them; the same signal again records nothing', async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const { handle } = await startAgrement(start, '2025-02-03T09:00:00+01:00');
      const entries = async () => (await findAgrement(h.db, start.agrementId)).timeline;
      const batch = [
        { sessionId: 'S-a', finalisedOn: '2025-02-01', candidates: 12 },
        { sessionId: 'S-b', finalisedOn: '2025-02-02', candidates: 30 },
        { sessionId: 'S-a', finalisedOn: '2025-02-01', candidates: 12 },
      ];
      await handle.signal(sessionsFinalisedSignal, batch);
      await until(
        () => handle.query(agrementStateQuery),
        (a) => a.quota.candidates === 42,
      );
      await until(entries, (r) => r.length >= 2);
      await handle.signal(sessionsFinalisedSignal, batch);
      // The signal again, then a session alone: once its entry is there, the repeated batch was applied before it.
      await handle.signal(sessionsFinalisedSignal, [{ sessionId: 'S-c', finalisedOn: '2025-02-03', candidates: 5 }]);
      const events = await until(entries, (r) => r.length >= 3);
      expect(events.map((e) => e.type)).toEqual(['agrement-started', 'sessions-finalised', 'sessions-finalised']);
      expect(events[1]!.data).toEqual({
        sessions: [
          { sessionId: 'S-a', sessionDate: '2025-02-01', candidates: 12, counted: true },
          { sessionId: 'S-b', sessionDate: '2025-02-02', candidates: 30, counted: true },
        ],
        counted: true,
        candidates: 42,
        total: 42,
      });
      expect(events[2]!.data).toMatchObject({ sessionId: 'S-c', candidates: 5, total: 47 });
      expect((await findAgrement(h.db, start.agrementId)).agrement).toMatchObject({ candidates: 47 });
    });
  });

  it('issue 15 QUO-3 TER-1 decisions are recorded inside the workflow task (patched): a count rewrites no deadline row, a termination notice replaces those it changes', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-15', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-10', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2026-06-01T09:00:00+02:00');
      const entries = async () => (await findAgrement(h.db, start.agrementId)).timeline;
      // Each row with the transaction that wrote it (xmin): a row rewritten with the same values has another.
      const rows = (): Promise<{ key: string; on: string; xmin: string }[]> =>
        h.db.query(`SELECT key, on_date::text AS on, xmin::text AS xmin FROM agrement_deadlines WHERE agrement_id = $1 ORDER BY key`, [
          start.agrementId,
        ]);
      const dashboardRows = (): Promise<{ key: string; xmin: string }[]> =>
        h.db.query(`SELECT key, xmin::text AS xmin FROM dashboard_deadlines WHERE agrement_id = $1 ORDER BY key`, [start.agrementId]);
      await until(rows, (r) => r.length > 0); // written with the opening
      const opened = await rows();
      const openedOnDashboards = await dashboardRows();
      expect(opened.length).toBeGreaterThan(0);
      expect(openedOnDashboards.map((r) => r.key)).toEqual(opened.map((r) => r.key));

      await handle.signal(sessionsFinalisedSignal, [{ sessionId: 'S-a', finalisedOn: '2026-05-30', candidates: 12 }]);
      await until(entries, (r) => r.length >= 2);
      expect((await findAgrement(h.db, start.agrementId)).agrement).toMatchObject({ candidates: 12, version: 1 });
      expect(await rows()).toEqual(opened);
      expect(await dashboardRows()).toEqual(openedOnDashboards);

      const notice = await act(handle, { type: 'termination-requested', on: '2026-06-01' }, 'Centre (centre)');
      const noticed = await rows();
      expect(noticed.map((r) => r.key)).toEqual(notice.deadlines.map((d) => d.key).sort());
      const effective = notice.deadlines.find((d) => d.name === 'termination-effective')!.key;
      expect(opened.map((r) => r.key)).not.toContain(effective);
      for (const row of noticed) {
        const was = opened.find((r) => r.key === row.key);
        // Kept as it was where the deadline is the same, written anew where it is not.
        if (was && was.on === row.on) expect(row.xmin).toBe(was.xmin);
        else expect(row.xmin).not.toBe(opened[0]!.xmin);
      }
      expect((await dashboardRows()).map((r) => r.key)).toEqual(noticed.map((r) => r.key));

      await sleepUntil(clockOffsetMs, '2026-07-01T09:00:00+02:00');
      expect(await handle.result()).toMatchObject({ state: 'terminated', end: { on: '2026-07-01', ruleId: 'TER-1' } });
      expect(await rows()).toEqual([]);
      expect(await dashboardRows()).toEqual([]);
      expect((await entries()).map((e) => e.type)).toEqual(['agrement-started', 'sessions-finalised', 'termination-notice', 'terminated']);

      // The opening is an activity task; the three decisions after it, local activities inside their workflow tasks.
      const history = await handle.fetchHistory();
      expect(patchesIn(history)).toContain(RECORD_IN_WORKFLOW_TASK);
      const scheduled = (history.events ?? []).flatMap((e) =>
        e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
      );
      expect(scheduled.filter((name) => name === 'recordAgrement')).toHaveLength(1);
      const localActivities = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
      expect(localActivities).toHaveLength(3);
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'agrement-recorded-in-task');
    });
  });

  it('continues as new before its history grows large, and loses nothing', async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const { handle } = await startAgrement(start, '2025-02-01T09:00:00+01:00', { continueAsNewAfterEvents: 40 });
      const firstRun = (await handle.describe()).runId;
      for (let i = 0; i < 12; i++) {
        await act(
          handle,
          { type: 'sessions-finalised', sessionId: `S-${i}`, finalisedOn: '2025-02-01', candidates: 10 },
          'Ops (operations)',
        );
      }
      await act(handle, { type: 'sessions-finalised', sessionId: 'S-0', finalisedOn: '2025-02-01', candidates: 10 }, 'Ops (operations)');
      const latest = h.client.workflow.getHandle(agrementWorkflowId(start.organisationId));
      const s = await latest.query(agrementStateQuery);
      expect((await latest.describe()).runId).not.toBe(firstRun);
      expect(s.quota.candidates).toBe(120);
      expect(s.quota.sessionIds).toHaveLength(12);
    });
  });

  it('REF-4 short of 4 days, the centre and operations are warned on 2025-12-02, 60 days before the year ending 2026-01-30 (not the day before)', async () => {
    await h.run(async () => {
      const start = agrementStart('2025-01-31', {
        years: 1,
        referent: { name: 'Camille Référente', email: 'r@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
      });
      const { handle, clockOffsetMs } = await startAgrement(start, '2025-11-01T09:00:00+01:00');
      await act(handle, { type: 'referent-contribution', on: '2025-11-01', days: 1.5 }, 'Ops (operations)');
      const s = await handle.query(agrementStateQuery);
      // An 'on' deadline happens at the start of its day in the centre's zone (Paris, UTC+1 in winter).
      expect(s.deadlines.find((d) => d.name === 'referent-contribution-warning')).toMatchObject({
        on: '2025-12-02',
        ruleId: 'REF-4',
        at: '2025-12-01T23:00:00.000Z',
      });
      expect(s.ledger.find((e) => e.key === 'referent-contribution-warning:2025-12-02')).toMatchObject({ outcome: 'pending' });

      await sleepUntil(clockOffsetMs, '2025-12-01T23:30:00+01:00');
      expect((await timeline(start.agrementId)).some((e) => e.type === 'referent-contribution-warning')).toBe(false);
      await sleepUntil(clockOffsetMs, '2025-12-02T09:00:00+01:00');
      const warning = (await timeline(start.agrementId)).find((e) => e.type === 'referent-contribution-warning');
      expect(warning).toMatchObject({ on: '2025-12-02', ruleIds: ['REF-4'], actor: 'system' });
      expect(
        (await handle.query(agrementStateQuery)).ledger.find((e) => e.key === 'referent-contribution-warning:2025-12-02'),
      ).toMatchObject({
        outcome: 'reached',
        outcomeOn: '2025-12-02',
      });

      const toCentre = await receivedMail(h.smtp, (m) => m.template === 'referent-contribution-warning' && m.to.includes(start.email));
      expect(toCentre).toHaveLength(1);
      const text = (h.smtp.readMessage(toCentre[0]!.id)?.text ?? '').replace(/\s+/g, ' ');
      expect(text).toContain('1,5 jour de contribution a été enregistré pour Camille Référente, sur les 4 jours requis.');
      expect(text).toContain('au plus tard le 30 janvier 2026');
      const toOperations = await receivedMail(
        h.smtp,
        (m) =>
          m.template === 'referent-contribution-warning' &&
          m.to.includes(OPERATIONS_EMAIL) &&
          (h.smtp.readMessage(m.id)?.text ?? '').includes(start.organisationName),
      );
      expect(toOperations).toHaveLength(1);

      // Without a renewal the agrément expires at its term (AGR-4): the history replays (test/workflows/application/application.replay.test.ts).
      await sleepUntil(clockOffsetMs, '2026-02-01T09:00:00+01:00');
      expect(await handle.result()).toMatchObject({ state: 'expired', end: { on: '2026-01-31' } });
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'agrement-ref4-warning');
    });
  });

  it('refuses what the state does not allow, naming the rule, and changes nothing', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-15', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-10', recognisedQualifications: true },
      });
      const { handle } = await startAgrement(start, '2026-02-01T09:00:00+01:00');
      const before = await handle.query(agrementStateQuery);
      const error = await act(handle, { type: 'suspension-lifted', on: '2026-02-01' }).catch(
        (e: unknown) => e as { cause: { type: string; details: unknown[] } },
      );
      expect((error as { cause: { type: string } }).cause.type).toBe('TransitionRefused');
      expect((error as { cause: { details: unknown[] } }).cause.details[0]).toMatchObject({ ruleId: 'SUS-4' });
      expect((await handle.query(agrementStateQuery)).version).toBe(before.version);
    });
  });
});
