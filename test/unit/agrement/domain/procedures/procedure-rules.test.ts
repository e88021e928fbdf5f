import { describe, expect, it } from 'vitest';
import {
  type Agrement,
  type AgrementCommand,
  decide,
  type Decision,
  openAgrement,
  pendingDeadlines,
  sessionBlocker,
} from '../../../../../src/agrement/domain/agrement';
import { emailsFor } from '../../../../../src/agrement/domain/notifications';
import { InvalidCommand, TransitionRefused } from '../../../../../src/shared/domain/errors';

/**
 * Rules of the agrément's procedures whose behaviour had no test named with them (issue 10 §4): each test
 * drives the pure state machine through the public `decide` and fails if the clause it names is broken.
 */

function open(overrides: Partial<Parameters<typeof openAgrement>[0]> = {}): Agrement {
  return openAgrement({
    agrementId: '5c1d7e2a-0000-4000-8000-000000000010',
    organisationId: 'org-10',
    organisationName: 'Centre Règles',
    email: 'centre@regles.fr',
    kind: 'centre',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@regles.fr', trainedOn: '2025-01-10', recognisedQualifications: false },
    ...overrides,
  });
}

const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);
const reach = (a: Agrement, key: string, on: string) => decide(a, { type: 'deadline-reached', key, on }, on);
const deadlineNamed = (a: Agrement, name: string) => pendingDeadlines(a).find((d) => d.name === name);
const mails = (d: Decision) => d.events.flatMap((e) => emailsFor(e, d.agrement));

function refusal(fn: () => unknown): TransitionRefused {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransitionRefused) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

function invalid(fn: () => unknown): InvalidCommand {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidCommand) return e;
    throw e;
  }
  throw new Error('expected an InvalidCommand');
}

describe('term and renewal (AGR-1, AGR-3)', () => {
  it('AGR-1 no tacit renewal: a renewal requested but not accepted lets the agrément expire at its term; it cannot be accepted on the term or after', () => {
    const requested = run(open(), '2027-09-01', { type: 'renewal-requested', on: '2027-09-01' });
    expect(requested.renewal).toMatchObject({ requestedOn: '2027-09-01', acceptedOn: null });
    // The term is the expiry until Pix accepts.
    expect(deadlineNamed(requested, 'term')).toMatchObject({ on: '2028-01-31', ruleId: 'AGR-4' });
    expect(sessionBlocker(requested, '2028-01-31')?.ruleId).toBe('AGR-4');

    const atTerm = refusal(() => decide(requested, { type: 'renewal-accepted', on: '2028-01-31' }, '2028-01-31'));
    expect(atTerm.ruleId).toBe('AGR-3');

    const expired = reach(requested, 'term:2028-01-31', '2028-01-31');
    expect(expired.agrement.state).toBe('expired');
    expect(expired.agrement.termOn).toBe('2028-01-31');
    expect(expired.agrement.end).toMatchObject({ on: '2028-01-31', ruleId: 'AGR-4', cause: 'expiry' });
    expect(mails(expired).map((m) => m.template)).toContain('agrement-expired');
    expect(refusal(() => decide(expired.agrement, { type: 'renewal-accepted', on: '2028-02-01' }, '2028-02-01')).ruleId).toBe('TER-5');
  });

  it('AGR-3 the renewal lasts the duration Pix states (2 years here), from the old term; a centre abroad is renewed for 1 year at most (APP-8)', () => {
    let a = run(
      open(),
      '2027-12-01',
      { type: 'renewal-requested', on: '2027-09-01' },
      { type: 'renewal-accepted', on: '2027-12-01', years: 2 },
    );
    expect(deadlineNamed(a, 'term')).toMatchObject({ on: '2028-01-31', ruleId: 'AGR-3' });
    // Accepted before the term, it takes effect at the term, not at the acceptance.
    expect(a.startOn).toBe('2025-01-31');
    const renewed = reach(a, 'term:2028-01-31', '2028-01-31');
    a = renewed.agrement;
    expect(a.state).toBe('active');
    expect([a.startOn, a.termOn]).toEqual(['2028-01-31', '2030-01-31']);
    expect(renewed.events[0]).toMatchObject({ type: 'renewed', data: { previousTermOn: '2028-01-31', newTermOn: '2030-01-31', years: 2 } });
    expect(sessionBlocker(a, '2029-12-31')).toBeNull();
    expect(sessionBlocker(a, '2030-01-31')?.ruleId).toBe('AGR-4');

    const abroad = run(open({ foreign: true, years: 1, timeZone: 'America/Montreal' }), '2025-10-01', {
      type: 'renewal-requested',
      on: '2025-10-01',
    });
    expect(abroad.termOn).toBe('2026-01-31');
    expect(refusal(() => decide(abroad, { type: 'renewal-accepted', on: '2025-11-01', years: 2 }, '2025-11-01')).ruleId).toBe('APP-8');
    const oneYear = run(abroad, '2025-11-01', { type: 'renewal-accepted', on: '2025-11-01' });
    expect(reach(oneYear, 'term:2026-01-31', '2026-01-31').agrement.termOn).toBe('2027-01-31');
  });
});

describe('the référent (REF-1, REF-2, REF-5)', () => {
  it('REF-1 a centre has one référent: a change replaces it rather than adding one, and only the one in post owes the badge', () => {
    const before = open();
    expect(
      pendingDeadlines(before)
        .filter((d) => d.name === 'badge-due')
        .map((d) => d.on),
    ).toEqual(['2025-07-31']);
    const changed = decide(
      before,
      {
        type: 'referent-changed',
        on: '2025-03-03',
        name: 'Sam',
        email: 'sam@regles.fr',
        recognisedQualifications: false,
        cv: 'cv-sam.pdf',
      },
      '2025-03-03',
    );
    expect(changed.agrement.referent).toMatchObject({ name: 'Sam', email: 'sam@regles.fr', appointedOn: '2025-03-03' });
    expect(JSON.stringify(changed.agrement.referent)).not.toContain('alex@regles.fr');
    // One référent, one badge deadline: Alex's is gone with Alex, Sam's runs from Sam's appointment.
    expect(
      pendingDeadlines(changed.agrement)
        .filter((d) => d.name === 'badge-due')
        .map((d) => d.on),
    ).toEqual(['2025-09-03']);
    // The centre is told the new référent, by name, must be trained.
    expect(mails(changed)).toEqual([
      expect.objectContaining({
        template: 'referent-training-required',
        audience: 'centre',
        data: expect.objectContaining({ referentName: 'Sam' }),
      }),
    ]);
  });

  it('REF-2 an agrément whose référent is not trained refuses every session, naming REF-2, until the training is recorded (once)', () => {
    const untrained = open({ referent: { name: 'Alex', email: 'alex@regles.fr', trainedOn: null, recognisedQualifications: false } });
    expect(sessionBlocker(untrained)?.ruleId).toBe('REF-2');
    expect(sessionBlocker(untrained, '2025-02-15')?.ruleId).toBe('REF-2');
    expect(sessionBlocker(untrained, '2027-06-15')?.ruleId).toBe('REF-2');
    const trained = decide(untrained, { type: 'referent-trained', on: '2025-02-10' }, '2025-02-10');
    expect(trained.events).toEqual([expect.objectContaining({ type: 'referent-trained', ruleIds: ['REF-2'] })]);
    expect(sessionBlocker(trained.agrement)).toBeNull();
    expect(sessionBlocker(trained.agrement, '2025-02-15')).toBeNull();
    expect(refusal(() => decide(trained.agrement, { type: 'referent-trained', on: '2025-02-11' }, '2025-02-11')).ruleId).toBe('REF-2');
  });

  it('REF-5 a change notified in advance takes effect on its date: the trained référent stays until then; from it the new one must be trained (REF-2)', () => {
    const change = {
      type: 'referent-changed',
      on: '2026-01-15',
      name: 'Sam',
      email: 'sam@regles.fr',
      recognisedQualifications: true,
      cv: 'cv-sam.pdf',
    } as const;
    // The new référent's details and CV come with the notice, which precedes the change.
    expect(invalid(() => decide(open(), { ...change, cv: undefined }, '2026-01-15')).field).toBe('cv');
    expect(invalid(() => decide(open(), { ...change, name: ' ' }, '2026-01-15')).field).toBe('name');
    expect(invalid(() => decide(open(), { ...change, effectiveOn: '2026-01-14' }, '2026-01-15')).field).toBe('effectiveOn');

    const notified = decide(open(), { ...change, effectiveOn: '2026-02-01' }, '2026-01-15');
    expect(notified.events.map((e) => e.type)).toEqual(['referent-change-notified']);
    expect(notified.agrement.referent).toMatchObject({ name: 'Alex', trained: true });
    expect(sessionBlocker(notified.agrement, '2026-01-31')).toBeNull();
    expect(sessionBlocker(notified.agrement, '2026-02-01')?.ruleId).toBe('REF-2');
    const effective = deadlineNamed(notified.agrement, 'referent-change-effective')!;
    expect(effective).toMatchObject({ on: '2026-02-01', ruleId: 'REF-5' });

    const taken = reach(notified.agrement, effective.key, '2026-02-01');
    expect(taken.agrement.referent).toMatchObject({ name: 'Sam', email: 'sam@regles.fr', trained: false, appointedOn: '2026-02-01' });
    expect(taken.agrement.referentChange).toBeNull();
    expect(taken.events[0]).toMatchObject({ type: 'referent-changed', ruleIds: ['REF-5', 'REF-2'] });
    expect(sessionBlocker(taken.agrement)?.ruleId).toBe('REF-2');
    // Recognised qualifications (REF-3): no badge owed by the new référent.
    expect(deadlineNamed(taken.agrement, 'badge-due')).toBeUndefined();
    expect(sessionBlocker(run(taken.agrement, '2026-02-03', { type: 'referent-trained', on: '2026-02-03' }))).toBeNull();
  });
});

describe('quota failure (TER-2, QUO-1)', () => {
  /** Renewed at its term 2028-01-31 with 100 candidates counted in its first 3 years. */
  function renewedBelowQuota(): Agrement {
    let a = run(
      open(),
      '2027-12-01',
      { type: 'sessions-finalised', sessionId: 's1', sessionDate: '2025-06-01', finalisedOn: '2025-06-02', candidates: 100 },
      { type: 'renewal-requested', on: '2027-09-01' },
      { type: 'renewal-accepted', on: '2027-12-01' },
    );
    a = reach(a, 'term:2028-01-31', '2028-01-31').agrement;
    expect(a).toMatchObject({ state: 'active', termOn: '2031-01-31' });
    return a;
  }

  it("TER-2 a termination for quota failure follows QUO-2: 15 days' notice from the confirmed withdrawal (not TER-1's 30), then the end", () => {
    const judged = reach(renewedBelowQuota(), 'quota-deadline:2028-02-02', '2028-02-02');
    expect(judged.events.map((e) => e.type)).toEqual(['quota-missed', 'termination-proposed']);
    const proposal = judged.agrement.proposals[0]!;
    expect(proposal).toMatchObject({ kind: 'termination', cause: 'quota', ruleId: 'QUO-2' });
    // Proposed, not decided (BRE-4): nothing ends yet.
    expect(judged.agrement.state).toBe('active');
    expect(deadlineNamed(judged.agrement, 'termination-effective')).toBeUndefined();

    const confirmed = decide(judged.agrement, { type: 'proposal-confirmed', on: '2028-02-03', proposalId: proposal.id }, '2028-02-03');
    expect(confirmed.agrement.state).toBe('terminating');
    expect(confirmed.agrement.termination).toEqual({ cause: 'quota', ruleId: 'QUO-2', noticeOn: '2028-02-03', effectiveOn: '2028-02-18' });
    expect(mails(confirmed)).toEqual([
      expect.objectContaining({
        template: 'termination-notice',
        audience: 'centre',
        data: expect.objectContaining({ cause: 'quota', effectiveOn: '2028-02-18', candidates: 100, target: 600 }),
      }),
    ]);
    // The centre's own termination on the same day would take 30 days (TER-1): quota failure is its own cause.
    expect(run(judged.agrement, '2028-02-03', { type: 'termination-requested', on: '2028-02-03' }).termination).toMatchObject({
      ruleId: 'TER-1',
      effectiveOn: '2028-03-04',
    });

    expect(sessionBlocker(confirmed.agrement, '2028-02-17')).toBeNull();
    expect(sessionBlocker(confirmed.agrement, '2028-02-18')?.ruleId).toBe('TER-5');
    const effective = deadlineNamed(confirmed.agrement, 'termination-effective')!;
    expect(effective).toMatchObject({ on: '2028-02-18', ruleId: 'QUO-2' });
    const ended = reach(confirmed.agrement, effective.key, '2028-02-18').agrement;
    expect(ended.state).toBe('terminated');
    expect(ended.end).toMatchObject({ on: '2028-02-18', ruleId: 'QUO-2', cause: 'quota' });
  });

  it('QUO-1 a network answers for 2,500 candidates as a whole: 2,000 meet a centre’s 600, not a network’s; 2,500 do', () => {
    const counted = (kind: 'centre' | 'network', candidates: number) =>
      run(open({ kind }), '2027-06-02', {
        type: 'sessions-finalised',
        sessionId: 'all',
        sessionDate: '2027-06-01',
        finalisedOn: '2027-06-02',
        candidates,
      });
    const judge = (a: Agrement) => reach(a, 'quota-deadline:2028-02-02', '2028-02-02');

    const centre = judge(counted('centre', 2000));
    expect(centre.events.map((e) => e.type)).toEqual(['quota-met']);
    expect(centre.agrement.proposals).toEqual([]);

    const network = judge(counted('network', 2000));
    expect(network.events[0]).toMatchObject({ type: 'quota-missed', data: { candidates: 2000, target: 2500 } });
    expect(network.agrement.proposals).toEqual([expect.objectContaining({ cause: 'quota', ruleId: 'QUO-2' })]);

    expect(judge(counted('network', 2500)).events[0]).toMatchObject({ type: 'quota-met', data: { candidates: 2500, target: 2500 } });
  });
});

describe('suspension and control-visit demand (SUS-4, SUS-5)', () => {
  it('SUS-4 a suspension lasts until Pix lifts it: no deadline ends it; the lift is notified to the centre and sessions go ahead again', () => {
    const suspended = run(open(), '2026-02-28', { type: 'suspended', on: '2026-02-28', reason: 'fraude signalée' });
    expect(pendingDeadlines(suspended).filter((d) => d.ruleId.startsWith('SUS-'))).toEqual([]);
    expect(sessionBlocker(suspended, '2027-06-15')?.ruleId).toBe('SUS-2');
    // Every deadline of the coming year passes: still suspended.
    let a = suspended;
    for (const d of pendingDeadlines(suspended).filter((x) => x.on <= '2027-02-28')) a = reach(a, d.key, d.on).agrement;
    expect(a.state).toBe('suspended');
    expect(a.suspension).toEqual({ since: '2026-02-28', reason: 'fraude signalée' });

    expect(invalid(() => decide(suspended, { type: 'suspension-lifted', on: '2026-02-27' }, '2026-03-05')).field).toBe('on');
    const lifted = decide(suspended, { type: 'suspension-lifted', on: '2026-03-05' }, '2026-03-05');
    expect(lifted.agrement.state).toBe('active');
    expect(sessionBlocker(lifted.agrement, '2026-03-06')).toBeNull();
    expect(mails(lifted)).toEqual([
      expect.objectContaining({
        template: 'agrement-suspension-lifted',
        audience: 'centre',
        data: expect.objectContaining({ since: '2026-02-28', liftedOn: '2026-03-05' }),
      }),
    ]);
    expect(refusal(() => decide(lifted.agrement, { type: 'suspension-lifted', on: '2026-03-06' }, '2026-03-06')).ruleId).toBe('SUS-4');
  });

  it('SUS-4 the suspension may instead end in a termination for breach, which the centre is told of', () => {
    let a = run(
      open(),
      '2026-03-10',
      { type: 'suspended', on: '2026-02-28', reason: 'fraude' },
      { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'fraude avérée' },
    );
    a = reach(a, 'cure-due:2026-03-30:2026-03-10', '2026-03-31').agrement;
    const ended = decide(a, { type: 'proposal-confirmed', on: '2026-04-01', proposalId: a.proposals[0]!.id }, '2026-04-01');
    expect(ended.agrement.state).toBe('terminated');
    expect(ended.agrement.end).toMatchObject({ on: '2026-04-01', ruleId: 'BRE-1' });
    expect(mails(ended).map((m) => `${m.template}/${m.audience}`)).toContain('agrement-terminated/centre');
    expect(refusal(() => decide(ended.agrement, { type: 'suspension-lifted', on: '2026-04-02' }, '2026-04-02')).ruleId).toBe('TER-5');
  });

  it('SUS-5 a control visit demanded at the centre’s cost: refusing it proposes termination at once; accepting it closes the demand', () => {
    const demanded = decide(open(), { type: 'visit-demanded', on: '2026-01-31' }, '2026-01-31');
    expect(mails(demanded)).toEqual([
      expect.objectContaining({
        template: 'control-visit-demanded',
        data: expect.objectContaining({ answerDueOn: '2026-02-28', costCapEur: 120 }),
      }),
    ]);

    const refused = decide(demanded.agrement, { type: 'visit-answered', on: '2026-02-10', accepted: false }, '2026-02-10');
    expect(refused.agrement.proposals).toEqual([
      expect.objectContaining({ kind: 'termination', cause: 'visit', ruleId: 'SUS-5', proposedOn: '2026-02-10' }),
    ]);
    expect(deadlineNamed(refused.agrement, 'visit-answer-due')).toBeUndefined();
    const terminated = decide(
      refused.agrement,
      { type: 'proposal-confirmed', on: '2026-02-11', proposalId: refused.agrement.proposals[0]!.id },
      '2026-02-11',
    ).agrement;
    expect(terminated.end).toMatchObject({ on: '2026-02-11', ruleId: 'SUS-5', cause: 'visit' });

    const accepted = decide(demanded.agrement, { type: 'visit-answered', on: '2026-02-10', accepted: true }, '2026-02-10').agrement;
    expect(accepted.proposals).toEqual([]);
    expect(deadlineNamed(accepted, 'visit-answer-due')).toBeUndefined();
    expect(refusal(() => decide(accepted, { type: 'visit-answered', on: '2026-02-11', accepted: true }, '2026-02-11')).ruleId).toBe(
      'SUS-5',
    );
  });
});

describe('force majeure and the periods the centre owes (TER-3, BRE-2)', () => {
  it('TER-3 a cure period and a visit answer do not run under force majeure: nothing falls due meanwhile, and they resume moved by the days it lasted', () => {
    let a = run(
      open(),
      '2026-03-10',
      { type: 'breach-notified', letterSentOn: '2026-03-10', reason: 'locaux non conformes' },
      { type: 'visit-demanded', on: '2026-03-10' },
    );
    expect([deadlineNamed(a, 'cure-due')?.on, deadlineNamed(a, 'visit-answer-due')?.on]).toEqual(['2026-04-09', '2026-04-10']);
    a = run(a, '2026-03-20', { type: 'force-majeure-started', on: '2026-03-20' });
    expect(a.state).toBe('force-majeure');
    expect([deadlineNamed(a, 'cure-due'), deadlineNamed(a, 'visit-answer-due')]).toEqual([undefined, undefined]);
    // 30 days of force majeure, ended well within its 2 months: the owed periods resume, 30 days later.
    const ended = decide(a, { type: 'force-majeure-ended', on: '2026-04-19' }, '2026-04-19');
    a = ended.agrement;
    expect(a.state).toBe('under-notice');
    expect(ended.events[0]).toMatchObject({
      type: 'force-majeure-ended',
      data: { days: 30, cureDueOn: '2026-05-09', answerDueOn: '2026-05-10' },
    });
    expect([deadlineNamed(a, 'cure-due')?.on, deadlineNamed(a, 'visit-answer-due')?.on]).toEqual(['2026-05-09', '2026-05-10']);
    expect(a.proposals).toEqual([]);
  });

  it('BRE-2 TER-3 force-majeure days are not suspension days: only Pix’s suspension outside force majeure shortens the 30 days', () => {
    // Force majeure alone, before the letter: the full 30 days.
    const afterForceMajeure = run(
      open(),
      '2026-03-20',
      { type: 'force-majeure-started', on: '2026-03-01' },
      { type: 'force-majeure-ended', on: '2026-03-11' },
      { type: 'breach-notified', letterSentOn: '2026-03-20', reason: 'fraude' },
    );
    expect(afterForceMajeure.breach).toMatchObject({ suspendedDaysDeducted: 0, cureDueOn: '2026-04-19' });

    // A suspension decided during force majeure (allowed), which then ends: 20 days suspended, 10 of them under force majeure.
    const during = run(
      open(),
      '2026-03-05',
      { type: 'force-majeure-started', on: '2026-03-01' },
      { type: 'suspended', on: '2026-03-05', reason: 'fraude' },
    );
    expect(during.state).toBe('force-majeure');
    const suspendedAfter = run(during, '2026-03-15', { type: 'force-majeure-ended', on: '2026-03-15' });
    expect(suspendedAfter.state).toBe('suspended');
    const notified = run(suspendedAfter, '2026-03-25', { type: 'breach-notified', letterSentOn: '2026-03-25', reason: 'fraude avérée' });
    expect(notified.breach).toMatchObject({ suspendedDaysDeducted: 10, cureDueOn: '2026-04-14' });

    // Force majeure may also begin while suspended; the convention is then suspended by it, and Pix's suspension remains after it.
    const suspendedFirst = run(
      open(),
      '2026-03-05',
      { type: 'suspended', on: '2026-03-01', reason: 'fraude' },
      { type: 'force-majeure-started', on: '2026-03-05' },
    );
    expect(suspendedFirst.state).toBe('force-majeure');
    expect(run(suspendedFirst, '2026-03-09', { type: 'force-majeure-ended', on: '2026-03-09' })).toMatchObject({
      state: 'suspended',
      suspension: { since: '2026-03-01' },
    });
  });
});

describe('labour-law documents (TER-4)', () => {
  it('TER-4 documents requested are due within 15 days: received by then nothing follows; missed, termination is proposed, withdrawn if they come, else confirmed', () => {
    const requested = decide(open(), { type: 'labour-documents-requested', on: '2026-05-01' }, '2026-05-01');
    expect(mails(requested)).toEqual([
      expect.objectContaining({ template: 'labour-documents-requested', data: expect.objectContaining({ dueOn: '2026-05-16' }) }),
    ]);
    const due = deadlineNamed(requested.agrement, 'labour-documents-due')!;
    expect(due).toMatchObject({ on: '2026-05-16', boundary: 'by', ruleId: 'TER-4' });

    const inTime = run(requested.agrement, '2026-05-16', { type: 'labour-documents-received', on: '2026-05-16' });
    expect(deadlineNamed(inTime, 'labour-documents-due')).toBeUndefined();
    expect(inTime.proposals).toEqual([]);

    const missed = reach(requested.agrement, due.key, '2026-05-17').agrement;
    expect(missed.proposals).toEqual([expect.objectContaining({ kind: 'termination', cause: 'labour-documents', ruleId: 'TER-4' })]);
    expect(missed.state).toBe('active');
    const late = decide(missed, { type: 'labour-documents-received', on: '2026-05-20' }, '2026-05-20');
    expect(late.agrement.proposals).toEqual([]);
    expect(late.events.map((e) => e.type)).toEqual(['labour-documents-received', 'proposal-withdrawn']);

    const confirmed = decide(
      missed,
      { type: 'proposal-confirmed', on: '2026-05-18', proposalId: missed.proposals[0]!.id },
      '2026-05-18',
    ).agrement;
    expect(confirmed.end).toMatchObject({ on: '2026-05-18', ruleId: 'TER-4', cause: 'labour-documents' });
  });
});
