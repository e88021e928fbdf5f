import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../../src/shared/event-log/event-log';
import { patchesIn, recordHistory } from '../../support/histories';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../src/activities';
import { SENT_WHILE_PREPARING } from '../../../src/billing/workflows/statement.workflow';
import { markStatementSentUpdate, statementStateQuery, statementWorkflowId } from '../../../src/billing/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../support/agrement-fixtures';
import { createHarness, type Harness, LEGAL_EMAIL, OPERATIONS_EMAIL, workflowBundle } from '../../support/harness';
import { sleepUntil as waitUntil, until as waitFor } from '../../support/waiting';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A centre with finalised sessions in October 2026 (rows as the sessions API stores them). */
async function centreWithSessions(sessions: Array<{ date: string; payingCandidates: number; pixShareCents: number; priceCents: number }>) {
  const start = agrementStart('2026-01-05');
  await insertOrganisation(h.db, start);
  await addSessions(start.organisationId, sessions);
  return start;
}

async function addSessions(
  organisationId: string,
  sessions: Array<{ date: string; payingCandidates: number; pixShareCents: number; priceCents: number }>,
  from = 0,
) {
  const start = { organisationId };
  for (const [j, s] of sessions.entries()) {
    const i = from + j;
    await h.db.query(
      `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                             candidate_count, candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, content_hash, source, finalised_at)
       VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', 'Europe/Paris', 'finalised', $3::date + 3, $4, $4, $5, $6, $4, 'sessions@2020-01', '{}', 'h', 'api', $3::date + 1)`,
      [`B-${start.organisationId.slice(0, 8)}-${i}`, start.organisationId, s.date, s.payingCandidates, s.priceCents, s.pixShareCents],
    );
  }
}

async function startStatement(organisationId: string, month: string, clockAt: string) {
  const clockOffsetMs = Date.parse(clockAt) - (await h.env.currentTimeMs());
  const handle = await h.client.workflow.start('statementWorkflow', {
    workflowId: statementWorkflowId(organisationId, month),
    taskQueue: h.taskQueue,
    args: [{ organisationId, month, clockOffsetMs }],
  });
  return { handle, clockOffsetMs };
}

const sleepUntil = (clockOffsetMs: number, instant: string) => waitUntil(h.env, clockOffsetMs, instant);

const mails = (to: string, template: string) => h.smtp.messages().filter((m) => m.template === template && m.to.includes(to));
/** Waits until the SMTP server has what `what` looks for (fails the test otherwise). */
const until = (what: () => boolean) =>
  waitFor(
    async () => what(),
    (ok) => ok,
  );

describe('monthly statement workflow on the time-skipping server (BIL-1)', () => {
  it('BIL-1 October 2026: prepared 1 Nov 06:00 Paris, reminders 2 Nov and 5 Nov 09:00, overdue after the 5th (operations told), weekly reminders, sent late on the 13th', async () => {
    await h.run(async () => {
      const c = await centreWithSessions([
        { date: '2026-10-02', payingCandidates: 1, priceCents: 4_500, pixShareCents: 1_000 },
        { date: '2026-10-20', payingCandidates: 3, priceCents: 13_500, pixShareCents: 3_000 },
        { date: '2026-11-02', payingCandidates: 5, priceCents: 22_500, pixShareCents: 5_000 },
      ]);
      const { handle, clockOffsetMs } = await startStatement(c.organisationId, '2026-10', '2026-11-01T05:00:00Z');
      await until(() => mails(c.email, 'statement-prepared').length === 1);
      // The reminder is planned once the preparation's e-mail is sent: wait for it on the workflow's state.
      const prepared = await waitFor(
        () => handle.query(statementStateQuery),
        (s) => s.nextReminderAt !== null,
      );
      expect(prepared).toMatchObject({
        state: 'prepared',
        dueAt: '2026-11-05T22:59:59.999Z',
        nextReminderAt: '2026-11-02T08:00:00.000Z',
        remindersSent: 0,
      });
      const [row] = await h.db.query('SELECT * FROM monthly_statements WHERE id = $1', [prepared.statementId]);
      expect(row).toMatchObject({
        state: 'prepared',
        candidates: 4,
        price_incl_vat_cents: 18_000,
        price_excl_vat_cents: 15_000,
        pix_share_incl_vat_cents: 4_000,
        pix_share_excl_vat_cents: 3_333,
      });
      expect(row.lines.map((l: { sessionId: string }) => l.sessionId)).toEqual([
        `B-${c.organisationId.slice(0, 8)}-0`,
        `B-${c.organisationId.slice(0, 8)}-1`,
      ]);

      // Not yet: the first reminder is still the one pending, none was counted.
      await sleepUntil(clockOffsetMs, '2026-11-02T07:59:00Z');
      expect(await handle.query(statementStateQuery)).toMatchObject({
        state: 'prepared',
        remindersSent: 0,
        nextReminderAt: '2026-11-02T08:00:00.000Z',
      });
      expect(mails(c.email, 'statement-reminder')).toHaveLength(0);
      await sleepUntil(clockOffsetMs, '2026-11-02T08:00:01Z');
      await until(() => mails(c.email, 'statement-reminder').length === 1);
      expect((await handle.query(statementStateQuery)).nextReminderAt).toBe('2026-11-05T08:00:00.000Z');
      await sleepUntil(clockOffsetMs, '2026-11-05T08:00:01Z');
      await until(() => mails(c.email, 'statement-reminder').length === 2);
      expect((await handle.query(statementStateQuery)).nextReminderAt).toBe('2026-11-05T22:59:59.999Z');

      await sleepUntil(clockOffsetMs, '2026-11-05T22:59:00Z');
      expect(await handle.query(statementStateQuery)).toMatchObject({ state: 'prepared', nextReminderAt: '2026-11-05T22:59:59.999Z' });
      expect(mails(OPERATIONS_EMAIL, 'statement-overdue')).toHaveLength(0);
      await sleepUntil(clockOffsetMs, '2026-11-05T23:00:00Z');
      await until(() => mails(OPERATIONS_EMAIL, 'statement-overdue').length === 1);
      expect((await handle.query(statementStateQuery)).nextReminderAt).toBe('2026-11-12T08:00:00.000Z');
      await sleepUntil(clockOffsetMs, '2026-11-12T08:00:01Z');
      await until(() => mails(c.email, 'statement-reminder').length === 3);
      expect(mails(c.email, 'statement-reminder')[2]!.subject).toMatch(/en retard/);

      await sleepUntil(clockOffsetMs, '2026-11-13T10:00:00Z');
      const sent = await handle.executeUpdate(markStatementSentUpdate, { args: [{ actor: 'Centre (centre)' }] });
      expect(sent).toMatchObject({ state: 'sent', late: true, remindersSent: 3, nextReminderAt: null });
      expect((await handle.result()).state).toBe('sent');
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'statement-sent-late');
      const log = await readStream(h.db, 'statement', prepared.statementId!);
      expect(log.map((e) => [e.type, e.ruleIds, e.toState])).toEqual([
        ['statement-prepared', ['BIL-1'], 'prepared'],
        ['statement-sent', ['BIL-1'], 'sent'],
      ]);
      await expect(handle.executeUpdate(markStatementSentUpdate, { args: [{}] })).rejects.toThrow();
    });
  });

  it('BIL-1 sent before the 5th: on time, no more reminders; the monthly run starts one statement per centre with paying sessions only', async () => {
    await h.run(async () => {
      const paying = await centreWithSessions([{ date: '2026-10-09', payingCandidates: 2, priceCents: 9_000, pixShareCents: 2_000 }]);
      const free = await centreWithSessions([{ date: '2026-10-09', payingCandidates: 0, priceCents: 0, pixShareCents: 0 }]);
      const clockOffsetMs = Date.parse('2026-11-01T05:00:00Z') - (await h.env.currentTimeMs());
      const run = await h.client.workflow.execute('monthlyStatementsWorkflow', {
        workflowId: `monthly-${randomUUID()}`,
        taskQueue: h.taskQueue,
        args: [{ clockOffsetMs }],
      });
      expect(run.month).toBe('2026-10');
      const handle = h.client.workflow.getHandle(statementWorkflowId(paying.organisationId, '2026-10'));
      await until(() => mails(paying.email, 'statement-prepared').length === 1);
      await expect(h.client.workflow.getHandle(statementWorkflowId(free.organisationId, '2026-10')).describe()).rejects.toThrow();
      await sleepUntil(clockOffsetMs, '2026-11-03T10:00:00Z');
      await until(() => mails(paying.email, 'statement-reminder').length === 1);
      expect(await handle.executeUpdate(markStatementSentUpdate, { args: [{}] })).toMatchObject({
        state: 'sent',
        late: false,
        remindersSent: 1,
      });
      // Sent: the workflow is over, nothing can remind the centre any more.
      expect(await handle.result()).toMatchObject({ state: 'sent', late: false, nextReminderAt: null });
      expect(mails(paying.email, 'statement-reminder')).toHaveLength(1);
    });
  });

  it('BIL-1: what the centre sends is the statement as of then: a session of October finalised after the 1st, 06:00 is on it', async () => {
    await h.run(async () => {
      const c = await centreWithSessions([{ date: '2026-10-09', payingCandidates: 2, priceCents: 9_000, pixShareCents: 2_000 }]);
      const { handle } = await startStatement(c.organisationId, '2026-10', '2026-11-01T05:00:00Z');
      await until(() => mails(c.email, 'statement-prepared').length === 1);
      const { statementId } = await handle.query(statementStateQuery);
      // Held on the evening of 31 October, finalised on 2 November (written here as the sessions API stores it).
      await addSessions(c.organisationId, [{ date: '2026-10-31', payingCandidates: 3, priceCents: 13_500, pixShareCents: 3_000 }], 1);
      expect(await handle.executeUpdate(markStatementSentUpdate, { args: [{}] })).toMatchObject({ state: 'sent', late: false });
      const [row] = await h.db.query('SELECT lines, candidates, pix_share_incl_vat_cents FROM monthly_statements WHERE id = $1', [
        statementId,
      ]);
      expect(row).toMatchObject({ candidates: 5, pix_share_incl_vat_cents: 5_000 });
      expect(row.lines.map((l: { date: string }) => l.date)).toEqual(['2026-10-09', '2026-10-31']);
      const frozen = await h.db.query('SELECT count(*)::int AS n FROM sessions WHERE organisation_id = $1 AND statement_id = $2', [
        c.organisationId,
        statementId,
      ]);
      expect(frozen[0].n).toBe(2);
    });
  });

  it("BIL-1: the monthly run also starts the month before's statement that a late finalisation could not start, so no paying session waits for ever", async () => {
    await h.run(async () => {
      // Held 30 September, finalised after the run of 1 October, and its statement never started.
      const c = await centreWithSessions([{ date: '2026-09-30', payingCandidates: 4, priceCents: 18_000, pixShareCents: 4_000 }]);
      const clockOffsetMs = Date.parse('2026-11-01T05:00:00Z') - (await h.env.currentTimeMs());
      const run = await h.client.workflow.execute('monthlyStatementsWorkflow', {
        workflowId: `monthly-${randomUUID()}`,
        taskQueue: h.taskQueue,
        args: [{ clockOffsetMs }],
      });
      expect(run.month).toBe('2026-10');
      await until(() => mails(c.email, 'statement-prepared').length === 1);
      const september = await h.client.workflow.getHandle(statementWorkflowId(c.organisationId, '2026-09')).query(statementStateQuery);
      expect(september).toMatchObject({ month: '2026-09', state: 'prepared' });
      const [row] = await h.db.query('SELECT month, candidates, pix_share_incl_vat_cents FROM monthly_statements WHERE id = $1', [
        september.statementId,
      ]);
      expect(row).toEqual({ month: '2026-09', candidates: 4, pix_share_incl_vat_cents: 4_000 });
    });
  });

  it('BIL-1: reported sent between its row committed (listed) and its workflow hearing of it, the statement is sent, not refused (patched)', async () => {
    const c = await centreWithSessions([{ date: '2026-10-09', payingCandidates: 2, priceCents: 9_000, pixShareCents: 2_000 }]);
    // The real activities, the preparation held open after its transaction committed: the moment the centre already
    // sees the statement in the list while the workflow still waits for the activity's result.
    const real = createActivities({ db: h.db, operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL });
    let committed!: () => void;
    const rowCommitted = new Promise<void>((r) => (committed = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const taskQueue = `held-${randomUUID()}`;
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...real,
        async prepareStatement(input: Parameters<typeof real.prepareStatement>[0]) {
          const prepared = await real.prepareStatement(input);
          committed();
          await released;
          return prepared;
        },
      },
    });
    await h.run(() =>
      worker.runUntil(async () => {
        const clockOffsetMs = Date.parse('2026-11-01T05:00:00Z') - (await h.env.currentTimeMs());
        const handle = await h.client.workflow.start('statementWorkflow', {
          workflowId: statementWorkflowId(c.organisationId, '2026-10'),
          taskQueue,
          args: [{ organisationId: c.organisationId, month: '2026-10', clockOffsetMs }],
        });
        await rowCommitted;
        try {
          await sentWhilePreparing(handle);
        } finally {
          release();
        }
      }),
    );
    async function sentWhilePreparing(handle: WorkflowHandle) {
      const [row] = await h.db.query('SELECT state FROM monthly_statements WHERE organisation_id = $1', [c.organisationId]);
      expect(row).toEqual({ state: 'prepared' });
      expect((await handle.query(statementStateQuery)).state).toBe('preparing');
      const sending = handle.executeUpdate(markStatementSentUpdate, { args: [{ actor: 'Centre (centre)' }] });
      // Accepted while preparing (it was refused: "the statement is being prepared"), then applied once prepared.
      await Promise.race([
        sending,
        waitFor(
          async () => (await handle.fetchHistory()).events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? false,
          (accepted) => accepted,
        ),
      ]);
      release();
      expect(await sending).toMatchObject({ state: 'sent', late: false, remindersSent: 0 });
      expect(await handle.result()).toMatchObject({ state: 'sent', nextReminderAt: null });
      const history = await handle.fetchHistory();
      expect(patchesIn(history)).toEqual([SENT_WHILE_PREPARING]);
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'statement-sent-while-preparing');
      const [sent] = await h.db.query('SELECT state, late FROM monthly_statements WHERE organisation_id = $1', [c.organisationId]);
      expect(sent).toEqual({ state: 'sent', late: false });
    }
  });
});
