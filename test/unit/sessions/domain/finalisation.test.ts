import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';
import {
  decide,
  dueCommand,
  finalisationDeadline,
  nextTimer,
  openSessionDeadline,
  reminderInstants,
  type SessionDeadline,
  type SessionDeadlineCommand,
  type SessionSchedule,
  sessionEndsAt,
} from '../../../../src/sessions/domain/finalisation';
import { renderEmail } from '../../../../src/mail/infra/templates';

const iso = (d: Date) => d.toISOString();
const at = (instant: string) => new Date(instant);

/** A session of 2026-03-28 ending 16:00 in Paris (UTC+1, the night before the switch to summer time). */
function open(
  overrides: Partial<{ date: string; endTime: string; timeZone: string; secondarySchool: boolean }> = {},
  schedule: SessionSchedule = PARAMETERS.sessions,
): SessionDeadline {
  return openSessionDeadline(
    { sessionId: 'S-42', centreName: 'Centre Pasteur', date: '2026-03-28', endTime: '16:00', timeZone: 'Europe/Paris', ...overrides },
    schedule,
  ).session;
}

function refusal(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (err) {
    if (err instanceof TransitionRefused) return err;
    throw err;
  }
  throw new Error('expected a TransitionRefused');
}

function invalid(fn: () => unknown): InvalidCommand {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidCommand) return err;
    throw err;
  }
  throw new Error('expected an InvalidCommand');
}

const finalise = (finalisedAt: string, candidatesWhoSat = 12): SessionDeadlineCommand => ({
  type: 'finalise',
  finalisedAt,
  candidatesWhoSat,
});

describe('SES-10 the finalisation deadline: 48 elapsed hours after the end, in the centre’s zone', () => {
  it('SES-10 Paris across the switch to summer time: ending 2026-03-28 16:00 (UTC+1) is due 2026-03-30 17:00 Paris time (UTC+2), 2026-03-30T15:00:00Z', () => {
    expect(iso(sessionEndsAt('2026-03-28', '16:00', 'Europe/Paris'))).toBe('2026-03-28T15:00:00.000Z');
    expect(iso(finalisationDeadline('2026-03-28', '16:00', 'Europe/Paris'))).toBe('2026-03-30T15:00:00.000Z');
  });

  it('SES-10 Paris across the switch back to winter time: ending 2026-10-24 16:00 (UTC+2) is due 2026-10-26 15:00 Paris time, 2026-10-26T14:00:00Z', () => {
    expect(iso(finalisationDeadline('2026-10-24', '16:00', 'Europe/Paris'))).toBe('2026-10-26T14:00:00.000Z');
  });

  it('SES-10 Réunion (UTC+4, no DST): ending 2026-03-28 16:00 is due 2026-03-30T12:00:00Z (16:00 local)', () => {
    expect(iso(finalisationDeadline('2026-03-28', '16:00', 'Indian/Reunion'))).toBe('2026-03-30T12:00:00.000Z');
  });

  it('SES-10 Guadeloupe (UTC−4): ending 2026-03-28 16:00 is due 2026-03-30T20:00:00Z (16:00 local)', () => {
    expect(iso(finalisationDeadline('2026-03-28', '16:00', 'America/Guadeloupe'))).toBe('2026-03-30T20:00:00.000Z');
  });

  it('SES-10 a session ending 23:30 local: Paris 2026-03-28 23:30 (22:30Z) is due 2026-03-30T22:30:00Z, i.e. 00:30 on 2026-03-31 in Paris', () => {
    expect(iso(finalisationDeadline('2026-03-28', '23:30', 'Europe/Paris'))).toBe('2026-03-30T22:30:00.000Z');
    // Réunion, over the new year: 2026-12-31 23:30 (19:30Z) → 2027-01-02T19:30:00Z.
    expect(iso(finalisationDeadline('2026-12-31', '23:30', 'Indian/Reunion'))).toBe('2027-01-02T19:30:00.000Z');
  });

  it('SES-10 the number of hours comes from the parameters', () => {
    expect(PARAMETERS.sessions.finalisationHours).toBe(48);
    // Elapsed hours: 24 h after 15:00Z is 15:00Z, 17:00 in Paris once summer time has begun.
    expect(iso(finalisationDeadline('2026-03-28', '16:00', 'Europe/Paris', 24))).toBe('2026-03-29T15:00:00.000Z');
  });

  it('SES-10 refuses a malformed end time, date or zone, naming the field', () => {
    expect(invalid(() => finalisationDeadline('2026-03-28', '24:00', 'Europe/Paris')).field).toBe('endTime');
    expect(invalid(() => finalisationDeadline('2026-03-28', '9:00', 'Europe/Paris')).field).toBe('endTime');
    expect(invalid(() => finalisationDeadline('2026-02-30', '16:00', 'Europe/Paris')).field).toBe('date');
    expect(invalid(() => finalisationDeadline('2026-03-28', '16:00', 'Mars/Olympus')).field).toBe('timeZone');
  });
});

describe('SES-10 reminders', () => {
  it('SES-10 24 h and 4 h before a 2026-03-30T15:00:00Z deadline: 2026-03-29T15:00:00Z and 2026-03-30T11:00:00Z', () => {
    expect(PARAMETERS.sessions.reminderHoursBefore).toEqual([24, 4]);
    const reminders = reminderInstants(at('2026-03-30T15:00:00Z'));
    expect(reminders.map((r) => [r.hoursBefore, iso(r.at)])).toEqual([
      [24, '2026-03-29T15:00:00.000Z'],
      [4, '2026-03-30T11:00:00.000Z'],
    ]);
  });

  it('SES-10 a configurable schedule; a reminder that would fall before the session ends is dropped', () => {
    const s = open({}, { finalisationHours: 48, reminderHoursBefore: [72, 12] });
    expect(nextTimer(s)).toEqual({ kind: 'reminder', at: at('2026-03-30T03:00:00Z') });
  });

  it('SES-10 a reminder is sent at its instant, with the hours left; the next timer is the following reminder, then the deadline', () => {
    let s = open();
    expect(nextTimer(s)).toEqual({ kind: 'reminder', at: at('2026-03-29T15:00:00Z') });
    // A timer that fires early finds nothing to send.
    expect(decide(s, { type: 'reminder-due' }, at('2026-03-29T14:59:59Z')).events).toEqual([]);
    const first = decide(s, { type: 'reminder-due' }, at('2026-03-29T15:00:00Z'));
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({ type: 'finalisation-reminder', ruleIds: ['SES-10'], from: 'scheduled', to: 'scheduled' });
    expect(first.events[0]!.emails).toEqual([
      {
        template: 'session-finalisation-reminder',
        audience: 'centre',
        data: expect.objectContaining({
          sessionId: 'S-42',
          sessionDate: '2026-03-28',
          deadlineAt: '2026-03-30T15:00:00.000Z',
          timeZone: 'Europe/Paris',
          hoursLeft: 24,
        }),
      },
    ]);
    s = first.session;
    expect(nextTimer(s)).toEqual({ kind: 'reminder', at: at('2026-03-30T11:00:00Z') });
    s = decide(s, { type: 'reminder-due' }, at('2026-03-30T11:00:00Z')).session;
    expect(nextTimer(s)).toEqual({ kind: 'deadline', at: at('2026-03-30T15:00:00Z') });
  });

  it('SES-10 SCO-3 after an outage only the latest due reminder is sent; a secondary school’s reminder cites SCO-3', () => {
    const d = decide(open({ secondarySchool: true }), { type: 'reminder-due' }, at('2026-03-30T12:00:00Z'));
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ ruleIds: ['SES-10', 'SCO-3'], data: { hoursBefore: 4, hoursLeft: 3 } });
    expect(nextTimer(d.session)?.kind).toBe('deadline');
  });
});

describe('SES-10 the deadline’s state machine', () => {
  it('SES-10 scheduled → finalised when finalised after the end and before the deadline (QUO-3 cited: the candidates count)', () => {
    const d = decide(open(), finalise('2026-03-29T09:00:00Z'), at('2026-03-29T09:05:00Z'));
    expect(d.session.state).toBe('finalised');
    expect(d.session.finalisation).toMatchObject({ finalisedAt: '2026-03-29T09:00:00.000Z', candidatesWhoSat: 12, late: false });
    expect(d.events).toEqual([
      expect.objectContaining({ type: 'finalised', ruleIds: ['SES-10', 'QUO-3'], from: 'scheduled', to: 'finalised', emails: [] }),
    ]);
    expect(nextTimer(d.session)).toBeNull();
  });

  it('SES-10 the deadline passes: scheduled → overdue with an alert to operations; then overdue → finalised-late', () => {
    const s = open();
    expect(decide(s, { type: 'deadline-passed' }, at('2026-03-30T14:59:59Z')).events).toEqual([]);
    const missed = decide(s, { type: 'deadline-passed' }, at('2026-03-30T15:00:00Z'));
    expect(missed.session).toMatchObject({ state: 'overdue', overdueAt: '2026-03-30T15:00:00.000Z' });
    expect(missed.events[0]).toMatchObject({ type: 'deadline-missed', from: 'scheduled', to: 'overdue' });
    expect(missed.events[0]!.emails).toEqual([
      expect.objectContaining({
        template: 'session-finalisation-overdue',
        audience: 'operations',
        data: expect.objectContaining({ centreName: 'Centre Pasteur', deadlineAt: '2026-03-30T15:00:00.000Z' }),
      }),
    ]);
    expect(nextTimer(missed.session)).toBeNull();
    const late = decide(missed.session, finalise('2026-03-31T08:00:00Z', 9), at('2026-03-31T08:00:00Z'));
    expect(late.session).toMatchObject({ state: 'finalised-late', finalisation: { late: true, candidatesWhoSat: 9 } });
    expect(late.events[0]).toMatchObject({ type: 'finalised-late', from: 'overdue', to: 'finalised-late' });
  });

  it('SES-10 lateness is judged on the finalisation instant, even when the deadline’s timer has not fired yet', () => {
    const d = decide(open(), finalise('2026-03-30T15:00:01Z'), at('2026-03-30T15:00:01Z'));
    expect(d.session.state).toBe('finalised-late');
  });

  it('SES-10 moving the session moves the deadline and its reminders; a retried identical move changes nothing', () => {
    let s = decide(open(), { type: 'reminder-due' }, at('2026-03-28T09:00:00Z')).session; // too early: nothing
    const moved = decide(s, { type: 'move', date: '2026-04-02', endTime: '11:30' }, at('2026-03-27T10:00:00Z'));
    s = moved.session;
    expect(s).toMatchObject({
      state: 'scheduled',
      date: '2026-04-02',
      endTime: '11:30',
      endsAt: '2026-04-02T09:30:00.000Z',
      deadlineAt: '2026-04-04T09:30:00.000Z',
    });
    expect(moved.events[0]).toMatchObject({
      type: 'moved',
      data: { previous: { date: '2026-03-28', endTime: '16:00', deadlineAt: '2026-03-30T15:00:00.000Z' } },
    });
    expect(nextTimer(s)).toEqual({ kind: 'reminder', at: at('2026-04-03T09:30:00Z') });
    expect(decide(s, { type: 'move', date: '2026-04-02', endTime: '11:30' }, at('2026-03-27T11:00:00Z')).events).toEqual([]);
  });

  it('SES-10 cancelling before the session ends closes the deadline', () => {
    const d = decide(open(), { type: 'cancel', reason: 'salle indisponible' }, at('2026-03-27T10:00:00Z'));
    expect(d.session).toMatchObject({ state: 'cancelled', cancellation: { reason: 'salle indisponible' } });
    expect(nextTimer(d.session)).toBeNull();
  });

  it('SES-10 refuses, naming the rule: finalising before the end, twice, or once cancelled; moving or cancelling a session that took place or is overdue', () => {
    const s = open();
    const early = refusal(() => decide(s, finalise('2026-03-28T14:00:00Z'), at('2026-03-28T14:00:00Z')));
    expect(early.ruleId).toBe('SES-10');
    expect(early.details).toMatchObject({ ruleId: 'SES-10' });
    const done = decide(s, finalise('2026-03-29T09:00:00Z'), at('2026-03-29T09:00:00Z')).session;
    expect(refusal(() => decide(done, finalise('2026-03-29T10:00:00Z'), at('2026-03-29T10:00:00Z'))).ruleId).toBe('SES-10');
    expect(refusal(() => decide(done, { type: 'move', date: '2026-04-02', endTime: '11:30' }, at('2026-03-29T10:00:00Z'))).ruleId).toBe(
      'SES-10',
    );
    const cancelled = decide(s, { type: 'cancel', reason: 'salle indisponible' }, at('2026-03-27T10:00:00Z')).session;
    expect(refusal(() => decide(cancelled, finalise('2026-03-29T10:00:00Z'), at('2026-03-29T10:00:00Z'))).ruleId).toBe('SES-10');
    expect(refusal(() => decide(s, { type: 'cancel', reason: 'trop tard' }, at('2026-03-28T15:00:00Z'))).ruleId).toBe('SES-10');
    expect(refusal(() => decide(s, { type: 'move', date: '2026-04-02', endTime: '11:30' }, at('2026-03-29T10:00:00Z'))).ruleId).toBe(
      'SES-10',
    );
    const overdue = decide(s, { type: 'deadline-passed' }, at('2026-03-30T15:00:00Z')).session;
    expect(refusal(() => decide(overdue, { type: 'cancel', reason: 'oubli' }, at('2026-03-30T16:00:00Z'))).ruleId).toBe('SES-10');
    // Refusals leave the deadline untouched.
    expect(s.state).toBe('scheduled');
    expect(s.version).toBe(0);
  });

  it('SES-10 refuses malformed commands, naming the field', () => {
    const s = open();
    const now = at('2026-03-29T09:00:00Z');
    expect(invalid(() => decide(s, finalise('2026-03-29T09:00:00Z', -1), now)).field).toBe('candidatesWhoSat');
    expect(invalid(() => decide(s, finalise('hier'), now)).field).toBe('finalisedAt');
    expect(invalid(() => decide(s, finalise('2026-03-29T10:00:00Z'), now)).field).toBe('finalisedAt'); // in the future
    expect(
      invalid(() => decide(s, { type: 'finalise', finalisedAt: '2026-03-29T09:00:00Z', candidatesWhoSat: 3, incidents: [''] }, now)).field,
    ).toBe('incidents');
    const before = at('2026-03-27T09:00:00Z');
    expect(invalid(() => decide(s, { type: 'cancel', reason: ' ' }, before)).field).toBe('reason');
    expect(invalid(() => decide(s, { type: 'move', date: '2026-04-31', endTime: '10:00' }, before)).field).toBe('date');
    expect(invalid(() => decide(s, { type: 'move', date: '2026-04-02', endTime: '10h' }, before)).field).toBe('endTime');
    expect(invalid(() => decide(s, { type: 'move', date: '2026-03-26', endTime: '10:00' }, before)).field).toBe('date'); // already past
  });
});

describe('SES-10 the workflow’s due timers always move the deadline on (dueCommand)', () => {
  /** The workflow's loop at a fixed instant: each timer already due is decided; returns the decisions it took. */
  function settleAt(s: SessionDeadline, now: Date): { session: SessionDeadline; steps: string[] } {
    const steps: string[] = [];
    for (let next = nextTimer(s); next && next.at.getTime() <= now.getTime(); next = nextTimer(s)) {
      const d = decide(s, dueCommand(s, next.kind, now), now);
      // A due timer that decides nothing would be waited for again, forever.
      if (d.events.length === 0) throw new Error(`${next.kind} due at ${iso(next.at)} decided nothing at ${iso(now)}`);
      steps.push(...d.events.map((e) => e.type));
      s = d.session;
    }
    return { session: s, steps };
  }

  it('reported 2 days after its deadline, not finalised: overdue at once, no reminder', () => {
    const { session, steps } = settleAt(open(), at('2026-04-01T10:00:00Z'));
    expect(steps).toEqual(['deadline-missed']);
    expect(session.state).toBe('overdue');
    expect(nextTimer(session)).toBeNull();
  });

  it('reported between the 24-hour reminder and the deadline: the latest reminder only, then the deadline waits', () => {
    const { session, steps } = settleAt(open(), at('2026-03-30T12:00:00Z'));
    expect(steps).toEqual(['finalisation-reminder']);
    expect(nextTimer(session)).toEqual({ kind: 'deadline', at: at('2026-03-30T15:00:00.000Z') });
  });

  it('property: whenever the workflow starts or wakes up, the due timers settle in at most one step each, overdue once the deadline has passed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3 * 24 * 60, max: 6 * 24 * 60 }),
        fc.constantFrom('Europe/Paris', 'America/Cayenne', 'Indian/Reunion', 'Pacific/Noumea'),
        (minutesAfterEnd, timeZone) => {
          const s = open({ timeZone });
          const now = new Date(Date.parse(s.endsAt) + minutesAfterEnd * 60_000);
          const { session, steps } = settleAt(s, now);
          expect(steps.length).toBeLessThanOrEqual(PARAMETERS.sessions.reminderHoursBefore.length + 1);
          const next = nextTimer(session);
          if (now.getTime() >= Date.parse(s.deadlineAt)) {
            expect(session.state).toBe('overdue');
            expect(next).toBeNull();
          } else expect(next!.at.getTime()).toBeGreaterThan(now.getTime());
        },
      ),
    );
  });
});

describe('SCO-3: in collèges and lycées the 48 hours matter doubly', () => {
  const rendered = (d: ReturnType<typeof decide>) =>
    d.events
      .flatMap((e) => e.emails)
      .map((m) => ({ audience: m.audience, text: renderEmail(m.template, m.data).text.replace(/\s+/g, ' ') }));

  it('SCO-3 a secondary school’s reminder and overdue alert say the results feed the pupils’ school records; an agreed centre’s do not', () => {
    const school = open({ secondarySchool: true });
    const reminder = rendered(decide(school, { type: 'reminder-due' }, at('2026-03-29T15:00:00Z')));
    expect(reminder).toEqual([
      { audience: 'centre', text: expect.stringContaining('Les résultats de vos élèves alimentent leur livret scolaire') },
    ]);
    const overdue = rendered(decide(school, { type: 'deadline-passed' }, at('2026-03-30T15:00:00Z')));
    expect(overdue).toEqual([
      { audience: 'operations', text: expect.stringContaining('les résultats alimentent le livret scolaire des élèves') },
    ]);

    const centre = open();
    for (const d of [
      decide(centre, { type: 'reminder-due' }, at('2026-03-29T15:00:00Z')),
      decide(centre, { type: 'deadline-passed' }, at('2026-03-30T15:00:00Z')),
    ]) {
      const [mail] = rendered(d);
      expect(mail!.text).toContain('S-42');
      expect(mail!.text).not.toMatch(/livret scolaire/);
      expect(d.events[0]!.ruleIds).not.toContain('SCO-3');
    }
  });

  it('SCO-3 a secondary school is held to the same 48 hours (SES-10): no extra time because it has no agrément', () => {
    expect(open({ secondarySchool: true }).deadlineAt).toBe(open().deadlineAt);
    const late = decide(open({ secondarySchool: true }), finalise('2026-03-30T15:00:01Z'), at('2026-03-30T15:00:01Z'));
    expect(late.session.finalisation).toMatchObject({ late: true });
  });
});
