import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STREAM, sessionStreamId } from '../../../src/sessions/usecases/session-stream';
import { findAgrement } from '../../../src/agrement/infra/agrement.repository';
import { readStream } from '../../../src/shared/event-log/event-log';
import { agrementStateQuery, agrementWorkflowId } from '../../../src/agrement/workflows/definitions';
import {
  cancelSessionUpdate,
  finaliseSessionUpdate,
  moveSessionUpdate,
  type SessionDeadlineInput,
  type SessionDeadlineSnapshot,
  sessionStateQuery,
  sessionWorkflowId,
} from '../../../src/sessions/workflows/definitions';
import { DUE_STEPS_AT_ONCE, LATE_REMINDER_IS_DEADLINE } from '../../../src/sessions/workflows/session-deadline.workflow';
import { agrementStart, insertOrganisation } from '../../support/agrement-fixtures';
import { createHarness, type Harness, OPERATIONS_EMAIL, receivedMail } from '../../support/harness';
import { patchesIn, recordHistory } from '../../support/histories';
import { until, sleepUntil as waitUntil } from '../../support/waiting';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Starts a session's deadline workflow whose clock reads `clockAt` now (the production workflow on a shifted clock). */
async function startSession(clockAt: string, overrides: Partial<SessionDeadlineInput> = {}) {
  const id = randomUUID();
  const input: SessionDeadlineInput = {
    sessionId: `S-${id.slice(0, 8)}`,
    centreId: id,
    agrementOrganisationId: null,
    centreName: `Centre ${id.slice(0, 6)}`,
    centreEmail: `centre-${id.slice(0, 8)}@test.fr`,
    date: '2026-03-28',
    endTime: '16:00',
    timeZone: 'Europe/Paris',
    candidates: 20,
    ...overrides,
  };
  const clockOffsetMs = Date.parse(clockAt) - (await h.env.currentTimeMs());
  const handle: WorkflowHandle = await h.client.workflow.start('sessionDeadlineWorkflow', {
    workflowId: sessionWorkflowId(input.sessionId),
    taskQueue: h.taskQueue,
    args: [{ ...input, clockOffsetMs }],
  });
  return { handle, input, clockOffsetMs };
}

const sleepUntil = (clockOffsetMs: number, instant: string) => waitUntil(h.env, clockOffsetMs, instant);

/**
 * The session's event log: type and the workflow instant it occurred at, to the second (a timer's
 * workflow task starts a few milliseconds after the instant it was set for; it never fires early).
 */
async function sessionLog(sessionId: string) {
  const entries = await readStream(h.db, SESSION_STREAM, sessionStreamId(sessionId));
  return entries.map((e) => ({
    type: e.type,
    at: `${e.occurredAt.toISOString().slice(0, 19)}Z`,
    from: e.fromState,
    to: e.toState,
    ruleIds: e.ruleIds,
    data: e.data,
  }));
}

async function quality(sessionId: string) {
  const rows: { organisation_id: string; deadline_at: Date; finalised_at: Date | null; late: boolean }[] = await h.db.query(
    'SELECT organisation_id, deadline_at, finalised_at, late FROM session_quality WHERE session_id = $1',
    [sessionId],
  );
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    deadlineAt: r.deadline_at.toISOString(),
    finalisedAt: r.finalised_at?.toISOString() ?? null,
    late: r.late,
  }));
}

const mailsTo = (address: string, template: string) => h.smtp.messages().filter((m) => m.template === template && m.to.includes(address));
const textOf = (id: string) => h.smtp.readMessage(id)?.text ?? '';
/** What has not happened yet, read on the workflow's state and the session's log (never after a pause). */
async function notYet(handle: WorkflowHandle, sessionId: string) {
  const s = await handle.query(sessionStateQuery);
  return { state: s.state, reminders: s.pendingReminders.map((r) => r.at), log: (await sessionLog(sessionId)).map((e) => e.type) };
}

describe('session-deadline workflow on the time-skipping server, with exact instants (SES-10)', () => {
  it('SES-10 a Paris session ending 2026-03-28 16:00: reminders at 2026-03-29T15:00Z (24 h) and 2026-03-30T11:00Z (4 h), escalation to operations at 2026-03-30T15:00Z (17:00 Paris summer time), late finalisation in the quality record', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startSession('2026-03-28T10:00:00+01:00');
      const s = await handle.query(sessionStateQuery);
      expect(s).toMatchObject({ state: 'scheduled', endsAt: '2026-03-28T15:00:00.000Z', deadlineAt: '2026-03-30T15:00:00.000Z' });
      expect(s.pendingReminders).toEqual([
        { hoursBefore: 24, at: '2026-03-29T15:00:00.000Z' },
        { hoursBefore: 4, at: '2026-03-30T11:00:00.000Z' },
      ]);

      await sleepUntil(clockOffsetMs, '2026-03-29T14:59:00Z');
      expect(await notYet(handle, input.sessionId)).toEqual({
        state: 'scheduled',
        reminders: ['2026-03-29T15:00:00.000Z', '2026-03-30T11:00:00.000Z'],
        log: ['deadline-scheduled'],
      });
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(0);

      await sleepUntil(clockOffsetMs, '2026-03-29T15:01:00Z');
      const first = await receivedMail(h.smtp, (m) => m.template === 'session-finalisation-reminder' && m.to.includes(input.centreEmail));
      expect(first).toHaveLength(1);
      expect(first[0]!.subject).toBe(`Session ${input.sessionId} du 28 mars 2026 : à finaliser au plus tard le 30 mars 2026 à 17 h`);
      expect(textOf(first[0]!.id)).toContain('Il reste 24 heures avant cette échéance.');

      await sleepUntil(clockOffsetMs, '2026-03-30T10:59:00Z');
      expect(await notYet(handle, input.sessionId)).toEqual({
        state: 'scheduled',
        reminders: ['2026-03-30T11:00:00.000Z'],
        log: ['deadline-scheduled', 'finalisation-reminder'],
      });
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(1);
      await sleepUntil(clockOffsetMs, '2026-03-30T11:01:00Z');
      const reminders = await receivedMail(
        h.smtp,
        (m) => m.template === 'session-finalisation-reminder' && m.to.includes(input.centreEmail),
        2,
      );
      expect(reminders).toHaveLength(2);
      expect(textOf(reminders[1]!.id)).toContain('Il reste 4 heures avant cette échéance.');

      await sleepUntil(clockOffsetMs, '2026-03-30T14:59:00Z');
      expect(await notYet(handle, input.sessionId)).toEqual({
        state: 'scheduled',
        reminders: [],
        log: ['deadline-scheduled', 'finalisation-reminder', 'finalisation-reminder'],
      });
      expect(
        h.smtp.messages().filter((m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId)),
      ).toHaveLength(0);
      await sleepUntil(clockOffsetMs, '2026-03-30T15:01:00Z');
      const overdue = await receivedMail(
        h.smtp,
        (m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId),
      );
      expect(overdue).toHaveLength(1);
      expect(overdue[0]!.to).toEqual([OPERATIONS_EMAIL]);
      expect(textOf(overdue[0]!.id)).toContain(input.centreName);
      expect(textOf(overdue[0]!.id)).toContain('Échéance (heure locale du centre) : 30 mars 2026 à 17 h (fuseau Europe/Paris)');
      expect((await handle.query(sessionStateQuery)).state).toBe('overdue');
      expect(await quality(input.sessionId)).toEqual([
        { organisationId: input.centreId, deadlineAt: '2026-03-30T15:00:00.000Z', finalisedAt: null, late: true },
      ]);

      // Overdue, the workflow keeps waiting for the late finalisation.
      await sleepUntil(clockOffsetMs, '2026-03-31T09:00:00+02:00');
      const done = await handle.executeUpdate(finaliseSessionUpdate, {
        args: [{ finalisedAt: '2026-03-31T07:00:00Z', candidatesWhoSat: 14, incidents: ['Coupure réseau de 10 minutes'] }],
      });
      expect(done).toMatchObject({
        state: 'finalised-late',
        finalisation: { finalisedAt: '2026-03-31T07:00:00.000Z', late: true, candidatesWhoSat: 14 },
        agrementReport: 'skipped',
      });
      expect((await handle.result()).state).toBe('finalised-late');
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'session-finalised-late');
      expect(await quality(input.sessionId)).toEqual([
        { organisationId: input.centreId, deadlineAt: '2026-03-30T15:00:00.000Z', finalisedAt: '2026-03-31T07:00:00.000Z', late: true },
      ]);

      const log = await sessionLog(input.sessionId);
      // To the minute: the opening and the late finalisation happen when the test acts, a few ms after the instant it aims at.
      expect(log.map((e) => [e.type, e.at.slice(0, 16), e.to])).toEqual([
        ['deadline-scheduled', '2026-03-28T09:00', 'scheduled'],
        ['finalisation-reminder', '2026-03-29T15:00', 'scheduled'],
        ['finalisation-reminder', '2026-03-30T11:00', 'scheduled'],
        ['deadline-missed', '2026-03-30T15:00', 'overdue'],
        ['finalised-late', '2026-03-31T07:00', 'finalised-late'],
      ]);
      expect(log.filter((e) => e.type === 'finalisation-reminder').map((e) => [e.data.dueAt, e.data.hoursLeft])).toEqual([
        ['2026-03-29T15:00:00.000Z', 24],
        ['2026-03-30T11:00:00.000Z', 4],
      ]);
      expect(log.every((e) => e.ruleIds.includes('SES-10') && e.data.sessionId === input.sessionId)).toBe(true);
      // Exactly once each, through the outbox.
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(2);
      expect(
        h.smtp.messages().filter((m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId)),
      ).toHaveLength(1);
    });
  });

  it('SES-10 Réunion (UTC+4): a session ending 2026-03-28 16:00 local escalates at 2026-03-30T12:00Z, shown to the centre as 16 h local time', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startSession('2026-03-28T10:00:00+04:00', { timeZone: 'Indian/Reunion' });
      expect((await handle.query(sessionStateQuery)).deadlineAt).toBe('2026-03-30T12:00:00.000Z');
      await sleepUntil(clockOffsetMs, '2026-03-29T12:01:00Z');
      const reminder = await receivedMail(
        h.smtp,
        (m) => m.template === 'session-finalisation-reminder' && m.to.includes(input.centreEmail),
      );
      expect(reminder[0]!.subject).toContain('au plus tard le 30 mars 2026 à 16 h');
      expect(textOf(reminder[0]!.id)).toContain('(heure locale, fuseau Indian/Reunion)');
      await sleepUntil(clockOffsetMs, '2026-03-30T12:01:00Z');
      expect((await handle.query(sessionStateQuery)).state).toBe('overdue');
      expect((await sessionLog(input.sessionId)).find((e) => e.type === 'deadline-missed')?.at).toBe('2026-03-30T12:00:00Z');
      await handle.executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 3 }] });
      expect((await handle.result()).state).toBe('finalised-late');
    });
  });

  it('SES-10 a session reported after its 24-hour reminder instant: the reminder is decided at once, with no timer for an instant already past', async () => {
    await h.run(async () => {
      // Reported at 2026-03-29T16:00Z: the 24-hour reminder (15:00Z) is past, the 4-hour one (2026-03-30T11:00Z) is not.
      const { handle, input } = await startSession('2026-03-29T16:00:00Z');
      const reminded = await until(
        () => handle.query(sessionStateQuery),
        (s) => s.pendingReminders.length === 1,
      );
      expect(reminded.pendingReminders).toEqual([{ hoursBefore: 4, at: '2026-03-30T11:00:00.000Z' }]);
      const done = await handle.executeUpdate(finaliseSessionUpdate, {
        args: [{ finalisedAt: '2026-03-29T15:55:00Z', candidatesWhoSat: 12 }],
      });
      expect(done).toMatchObject({ state: 'finalised', finalisation: { late: false, candidatesWhoSat: 12 }, pendingReminders: [] });
      expect((await handle.result()).state).toBe('finalised');
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, process.env.RECORD_HISTORIES_NAME ?? 'session-reported-after-reminder');
      expect((await sessionLog(input.sessionId)).map((e) => e.type)).toEqual(['deadline-scheduled', 'finalisation-reminder', 'finalised']);
      expect(
        await receivedMail(h.smtp, (m) => m.template === 'session-finalisation-reminder' && m.to.includes(input.centreEmail)),
      ).toHaveLength(1);
      // DUE_STEPS_AT_ONCE: no timer for the instant already past (the 4-hour reminder's, 19 h ahead, if the finalisation
      // came after it was started; a timer started and cancelled within one workflow task never reaches the history).
      const history = await handle.fetchHistory();
      const timers = (history.events ?? []).flatMap((e) =>
        e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)] : [],
      );
      expect(timers.every((seconds) => seconds > 18 * 3_600)).toBe(true);
      expect(patchesIn(history)).toEqual([DUE_STEPS_AT_ONCE]);
    });
  });

  it('SES-10 a session reported after its deadline without its finalisation is overdue at once: operations alerted, no reminder to the centre, no timer; its late finalisation closes it', async () => {
    await h.run(async () => {
      // The deadline was 2026-03-30T15:00Z; the session reaches the engine on 2026-04-01, still not finalised.
      const { handle, input } = await startSession('2026-04-01T10:00:00Z');
      const overdue = await until(
        () => handle.query(sessionStateQuery),
        (s) => s.state !== 'scheduled',
      );
      expect(overdue).toMatchObject({ state: 'overdue', deadlineAt: '2026-03-30T15:00:00.000Z', pendingReminders: [] });
      const alert = await receivedMail(h.smtp, (m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId));
      expect(alert.map((m) => m.to)).toEqual([[OPERATIONS_EMAIL]]);
      expect(await quality(input.sessionId)).toEqual([
        { organisationId: input.centreId, deadlineAt: '2026-03-30T15:00:00.000Z', finalisedAt: null, late: true },
      ]);
      const done = await handle.executeUpdate(finaliseSessionUpdate, {
        args: [{ finalisedAt: '2026-04-01T09:00:00Z', candidatesWhoSat: 9 }],
      });
      expect(done).toMatchObject({ state: 'finalised-late', finalisation: { late: true } });
      expect((await handle.result()).state).toBe('finalised-late');
      expect((await sessionLog(input.sessionId)).map((e) => e.type)).toEqual(['deadline-scheduled', 'deadline-missed', 'finalised-late']);
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(0);
      const history = await handle.fetchHistory();
      expect((history.events ?? []).filter((e) => e.timerStartedEventAttributes)).toEqual([]);
      expect(patchesIn(history)).toEqual([DUE_STEPS_AT_ONCE, LATE_REMINDER_IS_DEADLINE]);
    });
  });

  it('SES-10 finalising before the deadline ends the workflow: no further reminder, no escalation, an on-time entry in the quality record', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startSession('2026-03-28T10:00:00+01:00', { timeZone: 'America/Guadeloupe' });
      expect((await handle.query(sessionStateQuery)).deadlineAt).toBe('2026-03-30T20:00:00.000Z');
      await sleepUntil(clockOffsetMs, '2026-03-29T21:00:00Z');
      await receivedMail(h.smtp, (m) => m.template === 'session-finalisation-reminder' && m.to.includes(input.centreEmail));
      const done = await handle.executeUpdate(finaliseSessionUpdate, {
        args: [{ finalisedAt: '2026-03-29T20:30:00Z', candidatesWhoSat: 18, actor: 'Camille (centre)' }],
      });
      expect(done).toMatchObject({ state: 'finalised', finalisation: { late: false, candidatesWhoSat: 18 }, agrementReport: 'skipped' });
      expect((await handle.result()).state).toBe('finalised');
      expect((await handle.describe()).status.name).toBe('COMPLETED');

      // Completed: no timer is left that could remind or escalate, however much time passes.
      await h.env.sleep(5 * 24 * 3_600_000);
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(1);
      expect(
        h.smtp.messages().filter((m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId)),
      ).toHaveLength(0);
      const log = await sessionLog(input.sessionId);
      expect(log.map((e) => e.type)).toEqual(['deadline-scheduled', 'finalisation-reminder', 'finalised']);
      expect(log.at(-1)).toMatchObject({ from: 'scheduled', to: 'finalised', ruleIds: ['SES-10', 'QUO-3'] });
      expect(await quality(input.sessionId)).toEqual([
        { organisationId: input.centreId, deadlineAt: '2026-03-30T20:00:00.000Z', finalisedAt: '2026-03-29T20:30:00.000Z', late: false },
      ]);
    });
  });

  it('SES-10 moving the session to 2026-04-02 11:30 moves the deadline to 2026-04-04T09:30Z and its reminders; nothing fires at the old instants', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startSession('2026-03-27T10:00:00+01:00');
      const moved = await handle.executeUpdate(moveSessionUpdate, { args: [{ date: '2026-04-02', endTime: '11:30' }] });
      expect(moved).toMatchObject({
        state: 'scheduled',
        date: '2026-04-02',
        endsAt: '2026-04-02T09:30:00.000Z',
        deadlineAt: '2026-04-04T09:30:00.000Z',
      });
      expect(moved.pendingReminders.map((r) => r.at)).toEqual(['2026-04-03T09:30:00.000Z', '2026-04-04T05:30:00.000Z']);

      await sleepUntil(clockOffsetMs, '2026-03-31T12:00:00Z');
      expect(await notYet(handle, input.sessionId)).toEqual({
        state: 'scheduled',
        reminders: ['2026-04-03T09:30:00.000Z', '2026-04-04T05:30:00.000Z'],
        log: ['deadline-scheduled', 'moved'],
      });
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(0);

      await sleepUntil(clockOffsetMs, '2026-04-04T09:31:00Z');
      expect(
        await receivedMail(h.smtp, (m) => m.template === 'session-finalisation-overdue' && m.subject.includes(input.sessionId)),
      ).toHaveLength(1);
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(2);
      expect((await handle.query(sessionStateQuery)).state).toBe('overdue');
      const log = await sessionLog(input.sessionId);
      expect(log.map((e) => [e.type, e.at.slice(0, 16)])).toEqual([
        ['deadline-scheduled', '2026-03-27T09:00'],
        ['moved', '2026-03-27T09:00'],
        ['finalisation-reminder', '2026-04-03T09:30'],
        ['finalisation-reminder', '2026-04-04T05:30'],
        ['deadline-missed', '2026-04-04T09:30'],
      ]);
      expect(log[1]!.data).toMatchObject({
        previous: { date: '2026-03-28', endTime: '16:00', deadlineAt: '2026-03-30T15:00:00.000Z' },
        deadlineAt: '2026-04-04T09:30:00.000Z',
      });
      await handle.executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 0 }] });
      await handle.result();
    });
  });

  it('SES-10 cancelling before the session ends closes it; what the state refuses names SES-10 and changes nothing', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startSession('2026-03-27T10:00:00+01:00');
      // Not yet held: it cannot be finalised (refused by the validator, no trace in history).
      const refused = await handle
        .executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 5 }] })
        .catch((e: unknown) => e as { cause?: { type?: string; details?: unknown[] } });
      expect((refused as { cause: { type: string } }).cause.type).toBe('TransitionRefused');
      expect((refused as { cause: { details: unknown[] } }).cause.details[0]).toMatchObject({ ruleId: 'SES-10' });
      const invalid = await handle
        .executeUpdate(cancelSessionUpdate, { args: [{ reason: '' }] })
        .catch((e: unknown) => e as { cause?: { type?: string; details?: unknown[] } });
      expect((invalid as { cause: { type: string } }).cause.type).toBe('InvalidCommand');
      expect((invalid as { cause: { details: unknown[] } }).cause.details[0]).toMatchObject({ field: 'reason' });
      expect((await handle.query(sessionStateQuery)).version).toBe(0);

      const cancelled = await handle.executeUpdate(cancelSessionUpdate, {
        args: [{ reason: 'Salle indisponible', actor: 'Camille (centre)' }],
      });
      expect(cancelled).toMatchObject({ state: 'cancelled', cancellation: { reason: 'Salle indisponible' }, agrementReport: 'skipped' });
      const result: SessionDeadlineSnapshot = await handle.result();
      expect(result.state).toBe('cancelled');
      // Completed: nothing is left to fire at the old instants.
      await sleepUntil(clockOffsetMs, '2026-04-01T12:00:00Z');
      expect(mailsTo(input.centreEmail, 'session-finalisation-reminder')).toHaveLength(0);
      expect(h.smtp.messages().filter((m) => m.subject.includes(input.sessionId))).toHaveLength(0);
      const log = await sessionLog(input.sessionId);
      expect(log.map((e) => e.type)).toEqual(['deadline-scheduled', 'cancelled']);
      expect(await quality(input.sessionId)).toEqual([]);
    });
  });

  it('QUO-3 SES-10 the agrément counts the finalised session’s candidates exactly once, even when finalise is retried with the same update id', async () => {
    await h.run(async () => {
      const start = agrementStart('2026-01-15', {
        referent: { name: 'R', email: 'r@test.fr', trainedOn: '2026-01-10', recognisedQualifications: true },
      });
      await insertOrganisation(h.db, start);
      const agrementClock = Date.parse('2026-03-28T10:00:00+01:00') - (await h.env.currentTimeMs());
      const agrement = await h.client.workflow.start('agrementWorkflow', {
        workflowId: agrementWorkflowId(start.organisationId),
        taskQueue: h.taskQueue,
        args: [{ start, clockOffsetMs: agrementClock }],
      });
      const { handle, input, clockOffsetMs } = await startSession('2026-03-28T10:00:00+01:00', {
        centreId: start.organisationId,
        agrementOrganisationId: start.organisationId,
        centreName: start.organisationName,
        centreEmail: start.email,
      });
      await sleepUntil(clockOffsetMs, '2026-03-29T08:00:00Z');

      const updateId = `finalise-${input.sessionId}`;
      const finalise = () => handle.executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 17 }], updateId });
      // A client that lost the answer retries, at once and later, with the same update id.
      const [a, b] = await Promise.all([finalise(), finalise()]);
      expect(a).toEqual(b);
      expect(a).toMatchObject({ state: 'finalised', agrementReport: 'sent' });
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      // Once the workflow has completed, the same update id still answers with the recorded outcome.
      expect(await finalise()).toEqual(a);
      expect((await handle.result()).state).toBe('finalised');

      const quota = await until(
        async () => (await agrement.query(agrementStateQuery)).quota,
        (q) => q.sessionIds.includes(input.sessionId),
      );
      expect(quota).toEqual({ candidates: 17, sessionIds: [input.sessionId] });

      // One signal in the session's history, one count in the agrément's log.
      const history = await handle.fetchHistory();
      const signals = (history.events ?? []).filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes);
      expect(signals).toHaveLength(1);
      // The query answers from the workflow's state; its log is written by the activity that follows: waited for.
      const counted = async () =>
        (await findAgrement(h.db, start.agrementId)).timeline.filter((e) => e.type === 'sessions-finalised').map((e) => e.data);
      expect(await until(counted, (list) => list.length > 0)).toEqual([
        expect.objectContaining({ sessionId: input.sessionId, candidates: 17, counted: true, total: 17 }),
      ]);
      expect((await sessionLog(input.sessionId)).filter((e) => e.type === 'finalised')).toHaveLength(1);
    });
  });

  it('QUO-3 a finalised session whose agrément workflow is not running is logged and the session still completes', async () => {
    await h.run(async () => {
      const { handle, clockOffsetMs } = await startSession('2026-03-28T10:00:00+01:00', { agrementOrganisationId: randomUUID() });
      await sleepUntil(clockOffsetMs, '2026-03-29T08:00:00Z');
      const done = await handle.executeUpdate(finaliseSessionUpdate, { args: [{ candidatesWhoSat: 4 }] });
      expect(done).toMatchObject({ state: 'finalised', agrementReport: 'failed' });
      expect((await handle.result()).state).toBe('finalised');
    });
  });
});
