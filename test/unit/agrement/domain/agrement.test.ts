import { describe, expect, it } from 'vitest';
import {
  type Agrement,
  type AgrementCommand,
  decide,
  decideSessionsFinalised,
  openAgrement,
  pendingDeadlines,
  sessionBlocker,
} from '../../../../src/agrement/domain/agrement';
import { emailsFor } from '../../../../src/agrement/domain/notifications';
import { InvalidCommand, TransitionRefused } from '../../../../src/shared/domain/errors';

function open(overrides: Partial<Parameters<typeof openAgrement>[0]> = {}): Agrement {
  return openAgrement({
    agrementId: '3f2a9c1b-0000-4000-8000-000000000001',
    organisationId: 'org-1',
    organisationName: 'Centre Test',
    email: 'centre@test.fr',
    kind: 'centre',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: false },
    ...overrides,
  });
}

const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);
const reach = (a: Agrement, key: string, on: string) => decide(a, { type: 'deadline-reached', key, on }, on);
function refusal(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransitionRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('agrément state machine', () => {
  it('AGR-2 REF-3 QUO-3 an attestation received 2025-01-31 for 3 years holds its deadlines with exact dates', () => {
    const names = pendingDeadlines(open()).map((d) => `${d.name} ${d.on}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'badge-due 2025-07-31',
        'quota-checkpoint 2026-01-31',
        'quota-checkpoint 2027-01-31',
        'quota-checkpoint 2027-07-31',
        'renewal-request-due 2027-10-31',
        'term 2028-01-31',
        // QUO-1: judged once the window's last sessions could be finalised (48 h, SES-10).
        'quota-deadline 2028-02-02',
        'referent-contribution-year 2026-01-31',
      ]),
    );
    expect(pendingDeadlines(open())[0]!.on <= '2025-07-31').toBe(true);
  });

  it('AGR-4 without an accepted renewal the agrément expires at its term, and TER-5 runs confidentiality 5 more years', () => {
    const { agrement, events } = reach(open(), 'term:2028-01-31', '2028-01-31');
    expect(agrement.state).toBe('expired');
    expect(agrement.end).toMatchObject({ on: '2028-01-31', ruleId: 'AGR-4', confidentialityUntil: '2033-01-31' });
    expect(events[0]).toMatchObject({ type: 'expired', from: 'active', to: 'expired' });
    expect(emailsFor(events[0]!, agrement)[0]!.template).toBe('agrement-expired');
    expect(sessionBlocker(agrement)?.ruleId).toBe('AGR-4');
  });

  it('AGR-3 a renewal accepted before the term starts a new term at the old term, for the initial duration by default', () => {
    let a = run(open(), '2027-09-01', { type: 'renewal-requested', on: '2027-09-01' });
    a = run(a, '2027-12-01', { type: 'renewal-accepted', on: '2027-12-01' });
    a = reach(a, 'term:2028-01-31', '2028-01-31').agrement;
    expect(a.state).toBe('active');
    expect(a.startOn).toBe('2028-01-31');
    expect(a.termOn).toBe('2031-01-31');
    expect(pendingDeadlines(a).find((d) => d.name === 'renewal-request-due')?.on).toBe('2030-10-31');
  });

  it('AGR-2 a renewal requested after the deadline is refused; AGR-1 no acceptance without a request', () => {
    expect(refusal(() => decide(open(), { type: 'renewal-requested', on: '2027-11-01' }, '2027-11-01')).ruleId).toBe('AGR-2');
    expect(refusal(() => decide(open(), { type: 'renewal-accepted', on: '2027-11-01' }, '2027-11-01')).ruleId).toBe('AGR-2');
  });

  it('SUS-1 SUS-2 suspension blocks sessions; SUS-4 lifting restores them', () => {
    const s = decide(open(), { type: 'suspended', on: '2026-02-28', reason: 'fraude signalée' }, '2026-02-28');
    expect(s.agrement.state).toBe('suspended');
    expect(s.events[0]!.ruleIds).toEqual(['SUS-1', 'SUS-2', 'SUS-3']);
    expect(sessionBlocker(s.agrement)?.ruleId).toBe('SUS-2');
    const l = decide(s.agrement, { type: 'suspension-lifted', on: '2026-03-05' }, '2026-03-05');
    expect(l.agrement.state).toBe('active');
    expect(sessionBlocker(l.agrement)).toBeNull();
    expect(() => decide(open(), { type: 'suspended', on: '2026-02-28', reason: ' ' }, '2026-02-28')).toThrow(InvalidCommand);
  });

  it('BRE-2 a notice after 10 days of suspension is due 2026-03-30; BRE-1 uncured, it is proposed for termination; BRE-4 a person confirms', () => {
    let a = run(
      open(),
      '2026-03-10',
      { type: 'suspended', on: '2026-02-28', reason: 'fraude' },
      { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'fraude avérée' },
    );
    expect(a.state).toBe('under-notice');
    expect(a.breach).toMatchObject({ cureDueOn: '2026-03-30', suspendedDaysDeducted: 10 });
    const due = reach(a, 'cure-due:2026-03-30:2026-03-10', '2026-03-31');
    a = due.agrement;
    expect(a.state).toBe('under-notice');
    expect(a.proposals).toEqual([expect.objectContaining({ kind: 'termination', ruleId: 'BRE-1', proposedOn: '2026-03-31' })]);
    expect(due.events.flatMap((e) => emailsFor(e, due.agrement)).map((e) => `${e.template}/${e.audience}`)).toEqual([
      'termination-proposed/legal',
    ]);
    const confirmed = decide(a, { type: 'proposal-confirmed', on: '2026-04-02', proposalId: a.proposals[0]!.id }, '2026-04-02').agrement;
    expect(confirmed.state).toBe('terminated');
    expect(confirmed.end).toMatchObject({ on: '2026-04-02', ruleId: 'BRE-1' });
  });

  it('BRE-3 a recorded cure with evidence closes the procedure and returns to the suspension if one is open', () => {
    let a = run(open(), '2026-03-10', { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'locaux non conformes' });
    expect(a.breach?.cureDueOn).toBe('2026-04-09');
    expect(() => decide(a, { type: 'breach-cured', on: '2026-03-20', evidence: '' }, '2026-03-20')).toThrow(InvalidCommand);
    a = run(a, '2026-03-20', { type: 'breach-cured', on: '2026-03-20', evidence: 'photos des nouveaux locaux' });
    expect(a.state).toBe('active');
    expect(pendingDeadlines(a).some((d) => d.name === 'cure-due')).toBe(false);
  });

  it('TER-1 termination for convenience notified 2026-06-01 takes effect 2026-07-01', () => {
    let a = run(open(), '2026-06-01', { type: 'termination-requested', on: '2026-06-01' });
    expect(a.state).toBe('terminating');
    expect(pendingDeadlines(a).find((d) => d.name === 'termination-effective')?.on).toBe('2026-07-01');
    a = reach(a, 'termination-effective:2026-07-01:2026-06-01', '2026-07-01').agrement;
    expect(a.state).toBe('terminated');
    expect(a.end?.ruleId).toBe('TER-1');
  });

  it('AGR-5 a termination within the month after a substantial change takes effect with the new cahier', () => {
    const a = run(
      open(),
      '2026-06-10',
      { type: 'cahier-change-notified', on: '2026-06-01', effectiveOn: '2026-09-01', summary: '1 surveillant pour 15 candidats' },
      { type: 'termination-requested', on: '2026-06-10' },
    );
    expect(a.termination).toMatchObject({ cause: 'cahier-change', ruleId: 'AGR-5', effectiveOn: '2026-09-01' });
  });

  it('QUO-2 below 600 at 3 years: withdrawal proposed, then 15 days after the confirmed notice', () => {
    let a = run(open(), '2026-01-01', { type: 'sessions-finalised', sessionId: 's1', finalisedOn: '2026-01-01', candidates: 120 });
    a = reach(a, 'quota-deadline:2028-02-02', '2028-02-02').agrement;
    expect(a.proposals[0]).toMatchObject({ ruleId: 'QUO-2', cause: 'quota' });
    a = decide(a, { type: 'proposal-confirmed', on: '2028-02-03', proposalId: a.proposals[0]!.id }, '2028-02-03').agrement;
    expect(a.state).toBe('terminating');
    expect(a.termination).toMatchObject({ ruleId: 'QUO-2', effectiveOn: '2028-02-18' });
  });

  it('QUO-1 the window is [first grant, + 3 years) by session date: held on its last day and finalised after it counts, held the day after does not', () => {
    let a = run(open(), '2028-02-01', {
      type: 'sessions-finalised',
      sessionId: 'last-day',
      sessionDate: '2028-01-30',
      finalisedOn: '2028-02-01',
      candidates: 20,
    });
    expect(a.quota.candidates).toBe(20);
    a = run(a, '2028-02-01', {
      type: 'sessions-finalised',
      sessionId: 'after',
      sessionDate: '2028-01-31',
      finalisedOn: '2028-02-01',
      candidates: 30,
    });
    expect(a.quota.candidates).toBe(20);
  });

  it('QUO-1 a withdrawal proposal not yet confirmed is withdrawn when late finalisations reach the threshold', () => {
    let a = run(open(), '2027-06-01', { type: 'sessions-finalised', sessionId: 's1', finalisedOn: '2027-06-01', candidates: 590 });
    a = reach(a, 'quota-deadline:2028-02-02', '2028-02-02').agrement;
    expect(a.proposals).toHaveLength(1);
    const d = decide(
      a,
      { type: 'sessions-finalised', sessionId: 's2', sessionDate: '2028-01-30', finalisedOn: '2028-02-02', candidates: 10 },
      '2028-02-02',
    );
    expect(d.agrement.proposals).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual(['sessions-finalised', 'proposal-withdrawn']);
    expect(d.agrement.ledger.find((e) => e.name === 'quota-deadline')).toMatchObject({ outcome: 'reached', on: '2028-02-02' });
  });

  it('QUO-3 a finalised session counts once even when reported twice; QUO-3 warns when the pace falls short', () => {
    let a = run(open(), '2025-06-01', { type: 'sessions-finalised', sessionId: 's1', finalisedOn: '2025-06-01', candidates: 100 });
    const again = decide(a, { type: 'sessions-finalised', sessionId: 's1', finalisedOn: '2025-06-01', candidates: 100 }, '2025-06-01');
    expect(again.events).toEqual([]);
    expect(again.agrement.quota.candidates).toBe(100);
    const check = reach(a, 'quota-checkpoint:2026-01-31', '2026-01-31');
    expect(check.events[0]).toMatchObject({
      type: 'quota-warning',
      data: { candidates: 100, projected: 300, target: 600, monthsElapsed: 12 },
    });
    expect(emailsFor(check.events[0]!, check.agrement).map((e) => e.audience)).toEqual(['centre', 'operations']);
    a = run(a, '2025-12-01', { type: 'sessions-finalised', sessionId: 's2', finalisedOn: '2025-12-01', candidates: 150 });
    expect(reach(a, 'quota-checkpoint:2026-01-31', '2026-01-31').events[0]!.type).toBe('quota-on-track');
  });

  it('QUO-3 a batch of finalised sessions is decided as each in turn would be: same events, same agrément, refusals set aside, duplicates ignored', () => {
    const start = run(open(), '2025-06-01', { type: 'sessions-finalised', sessionId: 's0', finalisedOn: '2025-06-01', candidates: 10 });
    const batch = [
      { sessionId: 's1', finalisedOn: '2025-06-02', candidates: 12 },
      { sessionId: 's0', finalisedOn: '2025-06-01', candidates: 10 }, // already counted
      { sessionId: 's2', finalisedOn: '2024-12-01', candidates: 9 }, // before the first grant: refused
      { sessionId: 's3', finalisedOn: '2025-06-03', candidates: -1 }, // refused
      { sessionId: 's1', finalisedOn: '2025-06-02', candidates: 12 }, // twice in the batch
      { sessionId: 's4', finalisedOn: '2028-03-01', candidates: 7 }, // after the 3 years: recorded, not counted
    ];
    let oneByOne = start;
    const events: unknown[] = [];
    for (const s of batch) {
      try {
        const d = decide(oneByOne, { type: 'sessions-finalised', ...s }, '2025-06-05');
        oneByOne = d.agrement;
        events.push(...d.events);
      } catch {
        // set aside, as the batch does
      }
    }
    const snapshot = JSON.stringify(start);
    const { decision, refused } = decideSessionsFinalised(start, batch, '2025-06-05');
    expect(decision.events).toEqual(events);
    expect(decision.agrement).toEqual(oneByOne);
    expect(decision.agrement.quota).toMatchObject({ candidates: 22, sessionIds: ['s0', 's1', 's4'] });
    expect(decision.agrement.version).toBe(start.version + 2);
    expect(refused.map((r) => [r.sessionId, (r.error as InvalidCommand).field])).toEqual([
      ['s2', 'finalisedOn'],
      ['s3', 'candidates'],
    ]);
    expect(JSON.stringify(start)).toBe(snapshot); // the agrément it was given is untouched
    expect(decideSessionsFinalised(start, [{ sessionId: 's0', finalisedOn: '2025-06-01', candidates: 10 }], '2025-06-05').decision).toEqual(
      { agrement: start, events: [] },
    );
  });

  it('QUO-3 counting sessions moves no deadline: the deadlines of any agrément are the same whatever its count (the bulk fold keeps its ledger)', () => {
    const agrements = [
      open(),
      open({ kind: 'network' }),
      reach(open(), 'badge-due:2025-07-31', '2025-08-01').agrement,
      run(open(), '2025-03-01', { type: 'suspended', on: '2025-03-01', reason: 'contrôle', ruleId: 'SUS-1' } as AgrementCommand),
    ];
    for (const a of agrements) {
      const counted = { ...a, quota: { ...a.quota, candidates: a.quota.candidates + 10_000, sessionIds: [...a.quota.sessionIds, 'x'] } };
      expect(pendingDeadlines(counted)).toEqual(pendingDeadlines(a));
    }
  });

  it('QUO-3 QUO-2 a batch that reaches the quota mid-way withdraws the proposal, its agrément and ledger as each session in turn would leave them', () => {
    const proposed = reach(open({ startOn: '2022-01-31' }), 'quota-deadline:2025-02-02', '2025-02-02').agrement;
    expect(proposed.proposals.map((p) => p.cause)).toContain('quota');
    const batch = Array.from({ length: 40 }, (_, i) => ({
      sessionId: `q${i}`,
      finalisedOn: '2025-01-20',
      sessionDate: '2025-01-20',
      candidates: 20,
    }));
    let oneByOne = proposed;
    for (const s of batch) oneByOne = decide(oneByOne, { type: 'sessions-finalised', ...s }, '2025-02-03').agrement;
    const { decision } = decideSessionsFinalised(proposed, batch, '2025-02-03');
    expect(decision.agrement).toEqual(oneByOne);
    expect(decision.events.some((e) => e.type !== 'sessions-finalised')).toBe(true);
  });

  it('REF-3 a missed badge proposes a formal notice to the legal team; REF-5 a new référent must be trained (REF-2)', () => {
    const missed = reach(open(), 'badge-due:2025-07-31', '2025-08-01');
    expect(missed.agrement.proposals[0]).toMatchObject({ kind: 'breach-notice', ruleId: 'REF-3' });
    expect(missed.agrement.state).toBe('active');
    // REF-5: the change comes with the new référent's CV.
    expect(() =>
      decide(
        open(),
        { type: 'referent-changed', on: '2026-01-15', name: 'Sam', email: 'sam@test.fr', recognisedQualifications: false },
        '2026-01-15',
      ),
    ).toThrow(/CV/);
    const changed = decide(
      open(),
      { type: 'referent-changed', on: '2026-01-15', name: 'Sam', email: 'sam@test.fr', recognisedQualifications: false, cv: 'cv-sam.pdf' },
      '2026-01-15',
    ).agrement;
    expect(sessionBlocker(changed)?.ruleId).toBe('REF-2');
    expect(pendingDeadlines(changed).find((d) => d.name === 'badge-due')?.on).toBe('2026-07-15');
    expect(sessionBlocker(run(changed, '2026-01-20', { type: 'referent-trained', on: '2026-01-20' }))).toBeNull();
  });

  it('SUS-5 no answer within 1 month to a control-visit demand proposes termination', () => {
    let a = run(open(), '2026-01-31', { type: 'visit-demanded', on: '2026-01-31' });
    expect(pendingDeadlines(a).find((d) => d.name === 'visit-answer-due')?.on).toBe('2026-02-28');
    a = reach(a, 'visit-answer-due:2026-02-28:2026-01-31', '2026-03-01').agrement;
    expect(a.proposals[0]).toMatchObject({ ruleId: 'SUS-5' });
  });

  it('TER-3 force majeure suspends the convention and terminates it only when it lasts more than 2 months', () => {
    let a = run(open(), '2026-03-15', { type: 'force-majeure-started', on: '2026-03-15' });
    expect(a.state).toBe('force-majeure');
    expect(sessionBlocker(a)?.ruleId).toBe('TER-3');
    const ended = run(a, '2026-04-01', { type: 'force-majeure-ended', on: '2026-04-01' });
    expect(ended.state).toBe('active');
    // Ending exactly 2 calendar months after it began: not "more than" 2 months, no termination.
    const limit = pendingDeadlines(a).find((d) => d.name === 'force-majeure-limit')!;
    expect(limit).toMatchObject({ on: '2026-05-15', boundary: 'by' });
    expect(run(a, '2026-05-15', { type: 'force-majeure-ended', on: '2026-05-15' }).state).toBe('active');
    a = reach(a, limit.key, '2026-05-16').agrement;
    expect(a.state).toBe('terminated');
    expect(a.end).toMatchObject({ ruleId: 'TER-3', on: '2026-05-16' });
  });

  it('TER-4 labour documents not provided within 15 days are proposed for termination', () => {
    let a = run(open(), '2026-05-01', { type: 'labour-documents-requested', on: '2026-05-01' });
    a = reach(a, 'labour-documents-due:2026-05-16:2026-05-01', '2026-05-17').agrement;
    expect(a.proposals[0]).toMatchObject({ ruleId: 'TER-4' });
  });

  it('TER-5 nothing but reads after the end: every action is refused naming the rule', () => {
    const ended = reach(open(), 'term:2028-01-31', '2028-01-31').agrement;
    expect(refusal(() => decide(ended, { type: 'suspended', on: '2028-02-01', reason: 'x' }, '2028-02-01')).ruleId).toBe('TER-5');
    expect(pendingDeadlines(ended)).toEqual([]);
  });

  it('REF-4 tracks the contribution per agrément year and judges each year at its end against 4 days', () => {
    let a = decide(open(), { type: 'referent-contribution', on: '2025-06-01', days: 2.5 }, '2025-06-01').agrement;
    a = decide(a, { type: 'referent-contribution', on: '2026-01-30', days: 1 }, '2026-01-30').agrement;
    expect(a.referent.contributions).toEqual({ '1': 3.5 });
    const yearEnd = pendingDeadlines(a).find((d) => d.name === 'referent-contribution-year')!;
    expect(yearEnd.on).toBe('2026-01-31');
    const judged = reach(a, yearEnd.key, '2026-01-31');
    expect(judged.events[0]).toMatchObject({ type: 'referent-contribution-short', data: { agrementYear: 1, days: 3.5, required: 4 } });
    const enough = decide(a, { type: 'referent-contribution', on: '2026-01-30', days: 0.5 }, '2026-01-30').agrement;
    expect(reach(enough, yearEnd.key, '2026-01-31').events[0]).toMatchObject({ type: 'referent-contribution-met', data: { days: 4 } });
  });
});

describe('notifications built from the events (BRE-4)', () => {
  it('BRE-4 REF-3 a formal-notice proposal writes to the legal team once, with its grounds in French', () => {
    const missed = decide(
      openAgrement({
        agrementId: '3f2a9c1b-0000-4000-8000-000000000003',
        organisationId: 'org-3',
        organisationName: 'Centre Notif',
        email: 'centre@test.fr',
        kind: 'centre',
        foreign: false,
        startOn: '2025-01-31',
        years: 3,
        referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: false },
      }),
      { type: 'deadline-reached', key: 'badge-due:2025-07-31', on: '2025-08-01' },
      '2025-08-01',
    );
    const mails = missed.events.flatMap((e) => emailsFor(e, missed.agrement));
    expect(mails).toEqual([
      expect.objectContaining({
        template: 'breach-proposed',
        audience: 'legal',
        data: expect.objectContaining({ proposalRuleId: 'REF-3', reasonFr: expect.stringContaining('badge') }),
      }),
    ]);
  });
});
