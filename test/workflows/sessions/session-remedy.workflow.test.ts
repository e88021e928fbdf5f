import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STREAM, sessionStreamId } from '../../../src/sessions/usecases/session-stream';
import { readStream } from '../../../src/shared/event-log/event-log';
import {
  recordRemedyUpdate,
  remedyStateQuery,
  type SessionRemedyInput,
  sessionRemedyWorkflowId,
} from '../../../src/sessions/workflows/remedy-definitions';
import { createHarness, type Harness, OPERATIONS_EMAIL, receivedMail } from '../../support/harness';
import { patchesIn, recordHistory } from '../../support/histories';
import { PARAMETERS } from '../../../src/config/parameters';
import { REMEDY_DUE_AT_ONCE } from '../../../src/sessions/workflows/remedy.workflow';
import { until, sleepUntil as waitUntil } from '../../support/waiting';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Starts a session's SES-12 follow-up whose clock reads `clockAt` now (the production workflow on a shifted clock). */
async function startRemedy(clockAt: string, overrides: Partial<SessionRemedyInput> = {}) {
  const id = randomUUID();
  const input: SessionRemedyInput = {
    sessionId: `S-${id.slice(0, 8)}`,
    centreId: id,
    centreName: `Centre ${id.slice(0, 6)}`,
    centreEmail: `centre-${id.slice(0, 8)}@test.fr`,
    date: '2026-03-28',
    timeZone: 'Europe/Paris',
    affected: ['c3', 'c7'],
    incidents: ['Coupure du réseau pendant 20 minutes'],
    ...overrides,
  };
  const clockOffsetMs = Date.parse(clockAt) - (await h.env.currentTimeMs());
  const handle = await h.client.workflow.start('sessionRemedyWorkflow', {
    workflowId: sessionRemedyWorkflowId(input.sessionId),
    taskQueue: h.taskQueue,
    args: [{ ...input, clockOffsetMs }],
  });
  return { handle, input, clockOffsetMs };
}

const sleepUntil = (clockOffsetMs: number, instant: string) => waitUntil(h.env, clockOffsetMs, instant);

async function remedyLog(sessionId: string) {
  const entries = await readStream(h.db, SESSION_STREAM, sessionStreamId(sessionId));
  return entries.map((e) => ({ type: e.type, at: `${e.occurredAt.toISOString().slice(0, 19)}Z`, to: e.toState, ruleIds: e.ruleIds }));
}

const row = async (sessionId: string) =>
  (await h.db.query(`SELECT state, due_at, version FROM session_remedies WHERE session_id = $1`, [sessionId]))[0];

describe('SES-12 remedy follow-up on the time-skipping server, with exact dates', () => {
  it('SES-12 a session of 2026-03-28 in Paris: the centre is told at once; nothing recorded by the end of 2026-04-02 (22:00 UTC, summer time), operations are alerted; a late remedy is recorded as late', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startRemedy('2026-03-28T18:00:00+01:00');
      const state = await handle.query(remedyStateQuery);
      expect(state).toMatchObject({ state: 'awaiting', dueOn: '2026-04-02', dueAt: '2026-04-02T22:00:00.000Z' });
      const told = await receivedMail(h.smtp, (m) => m.template === 'session-remedy-required' && m.to.includes(input.centreEmail));
      expect(told).toHaveLength(1);
      expect(told[0]!.subject).toBe(
        `Session ${input.sessionId} : nouvelle session gratuite ou remboursement à proposer au plus tard le 2 avril 2026`,
      );
      expect(h.smtp.readMessage(told[0]!.id)?.text).toContain(
        'les candidats concernés (c3, c7) doivent se voir proposer une nouvelle session gratuite ou le remboursement intégral dans les 5 jours',
      );

      await sleepUntil(clockOffsetMs, '2026-04-02T21:59:00Z');
      expect((await handle.query(remedyStateQuery)).state).toBe('awaiting');
      await sleepUntil(clockOffsetMs, '2026-04-02T22:00:30Z');
      const alerted = await receivedMail(h.smtp, (m) => m.template === 'session-remedy-overdue' && m.subject.includes(input.sessionId));
      expect(alerted).toHaveLength(1);
      expect(alerted[0]!.to).toEqual([OPERATIONS_EMAIL]);
      expect(
        (
          await until(
            () => row(input.sessionId),
            (r) => r?.state === 'overdue',
          )
        ).state,
      ).toBe('overdue');

      await sleepUntil(clockOffsetMs, '2026-04-04T09:00:00Z');
      const late = await handle.executeUpdate(recordRemedyUpdate, {
        args: [{ kind: 'refund', candidateLocalIds: ['c3', 'c7'], note: 'Remboursés le 4 avril', actor: 'Référent (centre)' }],
      });
      expect(late).toMatchObject({ state: 'remedied-late', remedy: { kind: 'refund', candidateLocalIds: ['c3', 'c7'] } });
      await handle.result();
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'session-remedy-late');
      // The deadline's entry to the second; those the test causes to the minute (they happen a moment after it acts).
      expect(await remedyLog(input.sessionId)).toEqual([
        { type: 'remedy-required', at: expect.stringMatching(/^2026-03-28T17:00:/), to: 'awaiting', ruleIds: ['SES-12'] },
        { type: 'remedy-overdue', at: '2026-04-02T22:00:00Z', to: 'overdue', ruleIds: ['SES-12'] },
        { type: 'remedy-recorded', at: expect.stringMatching(/^2026-04-04T09:00:/), to: 'remedied-late', ruleIds: ['SES-12'] },
      ]);
      expect(await row(input.sessionId)).toMatchObject({ state: 'remedied-late', version: 3 });
    });
  });

  it('SES-12 a follow-up opened after its due date (2026-04-02, Paris) is late at once: operations alerted, no timer for the past instant (REMEDY_DUE_AT_ONCE)', async () => {
    await h.run(async () => {
      const { handle, input } = await startRemedy('2026-04-05T10:00:00+02:00');
      const late = await until(
        () => handle.query(remedyStateQuery),
        (s) => s.state !== 'awaiting',
      );
      expect(late).toMatchObject({ state: 'overdue', dueAt: '2026-04-02T22:00:00.000Z' });
      const alert = await receivedMail(h.smtp, (m) => m.template === 'session-remedy-overdue' && m.subject.includes(input.sessionId));
      expect(alert).toHaveLength(1);
      const history = await handle.fetchHistory();
      const timers = (history.events ?? []).flatMap((e) =>
        e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)] : [],
      );
      // Only the follow-up's own wait (SES-12: 60 days) is a timer.
      expect(timers).toEqual([PARAMETERS.sessions.remedyFollowUpDays * 86_400]);
      expect(patchesIn(history)).toEqual([REMEDY_DUE_AT_ONCE]);
    });
  });

  it('SES-12 in Réunion (UTC+4) a remedy recorded on 2026-04-02 at 23:30 local time is on time; a second one, or one for a stranger, is refused', async () => {
    await h.run(async () => {
      const { handle, input, clockOffsetMs } = await startRemedy('2026-03-28T18:00:00+04:00', {
        timeZone: 'Indian/Reunion',
        affected: 'all',
      });
      expect((await handle.query(remedyStateQuery)).dueAt).toBe('2026-04-02T20:00:00.000Z');
      await sleepUntil(clockOffsetMs, '2026-04-02T19:30:00Z');
      const done = await handle.executeUpdate(recordRemedyUpdate, { args: [{ kind: 'new-session', candidateLocalIds: ['c1', 'c2'] }] });
      expect(done.state).toBe('remedied');
      await handle.result();
      expect(h.smtp.messages().filter((m) => m.template === 'session-remedy-overdue' && m.subject.includes(input.sessionId))).toHaveLength(
        0,
      );
      const other = await startRemedy('2026-03-28T18:00:00+01:00');
      await expect(
        other.handle.executeUpdate(recordRemedyUpdate, { args: [{ kind: 'refund', candidateLocalIds: ['c9'] }] }),
      ).rejects.toThrow();
      expect((await other.handle.query(remedyStateQuery)).state).toBe('awaiting');
      await other.handle.terminate('test over');
    });
  });
});
