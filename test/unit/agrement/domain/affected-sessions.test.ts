import { describe, expect, it } from 'vitest';
import {
  affectedSessions,
  affectedSessionsEmails,
  affectingEventOn,
  blockerMessage,
  type PlannedSession,
} from '../../../../src/agrement/domain/affected-sessions';
import {
  type Agrement,
  type AgrementCommand,
  decide,
  openAgrement,
  pendingDeadlines,
  sessionBlocker,
} from '../../../../src/agrement/domain/agrement';
import { renderEmail } from '../../../../src/mail/infra/templates';

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
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
    ...overrides,
  });
}

const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);

const session = (sessionId: string, date: string, overrides: Partial<PlannedSession> = {}): PlannedSession => ({
  sessionId,
  organisationId: 'org-1',
  organisationName: 'Centre Test',
  date,
  startTime: '14:00',
  endTime: '16:00',
  timeZone: 'Europe/Paris',
  address: '12 rue des Écoles, 69007 Lyon',
  room: 'Salle B12',
  ...overrides,
});

/** 2026-03-02 at 10:00 in Paris. */
const NOW = new Date('2026-03-02T09:00:00Z');
const planned = [
  session('S-today-morning', '2026-03-02', { startTime: '08:00', endTime: '10:00' }),
  session('S-today', '2026-03-02'),
  session('S-april', '2026-04-15'),
  session('S-june', '2026-06-10'),
];
const summary = (a: Agrement, list = planned) => affectedSessions(a, list, NOW).map((s) => [s.sessionId, s.status, s.ruleId, s.from]);

describe('planned sessions affected by a suspension, a notice or an end (SES-9)', () => {
  it('SES-9: an active agrément affects none', () => {
    expect(affectedSessions(open(), planned, NOW)).toEqual([]);
  });

  it('SUS-2: a suspension blocks every planned session not yet started, from its first day on, as long as it lasts', () => {
    const a = run(open(), '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude' });
    expect(summary(a)).toEqual([
      ['S-today', 'blocked', 'SUS-2', '2026-03-02'],
      ['S-april', 'blocked', 'SUS-2', '2026-03-02'],
      ['S-june', 'blocked', 'SUS-2', '2026-03-02'],
    ]);
    const [first] = affectedSessions(a, planned, NOW);
    expect(first!.ruleIds).toEqual(['SUS-2', 'SES-9']);
    // The same verdict as the check a new session meets.
    expect(sessionBlocker(a, first!.date)?.ruleId).toBe('SUS-2');
    // SUS-4: lifted, nothing is blocked any more.
    expect(affectedSessions(run(a, '2026-03-02', { type: 'suspension-lifted', on: '2026-03-02' }), planned, NOW)).toEqual([]);
  });

  it("SUS-6: a network's agrément suspended as a whole blocks its member centres' sessions, citing SUS-2 and SUS-6", () => {
    const a = run(open({ kind: 'network' }), '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude dans un centre membre' });
    const member = session('S-member', '2026-05-05', { organisationId: 'member-1', organisationName: 'IUT membre' });
    const [s] = affectedSessions(a, [member], NOW);
    expect(s).toMatchObject({
      sessionId: 'S-member',
      status: 'blocked',
      ruleId: 'SUS-2',
      ruleIds: ['SUS-2', 'SUS-6', 'SES-9'],
      from: '2026-03-02',
    });
    expect(blockerMessage(a, sessionBlocker(a, '2026-05-05')!)).toBe(
      "no session may be organised: the network's agrément is suspended as a whole (SUS-2, SUS-6, SES-9)",
    );
    expect(blockerMessage(open(), { ruleId: 'SUS-2', reason: 'the agrément is suspended' })).toBe(
      'no session may be organised: the agrément is suspended (SUS-2, SES-9)',
    );
  });

  it('TER-3: force majeure blocks every planned session while it lasts', () => {
    const a = run(open(), '2026-03-02', { type: 'force-majeure-started', on: '2026-03-01' });
    expect(summary(a).map(([, , rule, from]) => `${rule} ${from}`)).toEqual(['TER-3 2026-03-01', 'TER-3 2026-03-01', 'TER-3 2026-03-01']);
  });

  it('TER-1 TER-5: under a termination notice, only the sessions on or after its effective date are blocked', () => {
    const a = run(open(), '2026-03-02', { type: 'termination-requested', on: '2026-03-02' });
    expect(a.termination?.effectiveOn).toBe('2026-04-01');
    const list = [...planned, session('S-effective-day', '2026-04-01'), session('S-eve', '2026-03-31')];
    expect(summary(a, list)).toEqual([
      ['S-effective-day', 'blocked', 'TER-5', '2026-04-01'],
      ['S-april', 'blocked', 'TER-5', '2026-04-01'],
      ['S-june', 'blocked', 'TER-5', '2026-04-01'],
    ]);
  });

  it('TER-5: terminated, every planned session still to come is blocked from the end', () => {
    const noticed = run(open(), '2026-02-01', { type: 'termination-requested', on: '2026-02-01' });
    const due = pendingDeadlines(noticed).find((d) => d.name === 'termination-effective')!;
    expect(due.on).toBe('2026-03-03');
    const ended = decide(noticed, { type: 'deadline-reached', key: due.key, on: due.on }, due.on).agrement;
    expect(ended.state).toBe('terminated');
    expect(summary(ended)).toEqual([
      ['S-today', 'blocked', 'TER-5', ended.end!.on],
      ['S-april', 'blocked', 'TER-5', ended.end!.on],
      ['S-june', 'blocked', 'TER-5', ended.end!.on],
    ]);
  });

  it('AGR-4: past the term without an accepted renewal the sessions are blocked from the term; a renewal accepted lifts it', () => {
    const a = open({ startOn: '2023-05-01', years: 3 });
    expect(a.termOn).toBe('2026-05-01');
    expect(summary(a)).toEqual([['S-june', 'blocked', 'AGR-4', '2026-05-01']]);
    const renewed = run(a, '2026-03-02', { type: 'renewal-requested', on: '2026-01-15' }, { type: 'renewal-accepted', on: '2026-03-02' });
    expect(affectedSessions(renewed, planned, NOW)).toEqual([]);
  });

  it('BRE-1: a formal notice alone blocks nothing; the sessions after the cure is due are at risk from the next day', () => {
    const a = run(open(), '2026-03-02', { type: 'breach-notified', letterSentOn: '2026-03-02', reason: 'surveillant absent' });
    expect(a.breach?.cureDueOn).toBe('2026-04-01');
    const list = [...planned, session('S-cure-day', '2026-04-01'), session('S-after-cure', '2026-04-02')];
    expect(summary(a, list)).toEqual([
      ['S-after-cure', 'at-risk', 'BRE-1', '2026-04-02'],
      ['S-april', 'at-risk', 'BRE-1', '2026-04-02'],
      ['S-june', 'at-risk', 'BRE-1', '2026-04-02'],
    ]);
    expect(sessionBlocker(a, '2026-04-15')).toBeNull();
    // Suspended as well: blocked (SUS-2), not merely at risk.
    const suspended = run(a, '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude' });
    expect(new Set(summary(suspended).map(([, status, rule]) => `${status} ${rule}`))).toEqual(new Set(['blocked SUS-2']));
  });

  it('SES-9: a session started before now is history, not a planned one; one later today in a zone behind Paris is still to come', () => {
    const a = run(open(), '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude' });
    const montreal = session('S-montreal', '2026-03-02', { startTime: '07:00', timeZone: 'America/Montreal' }); // 13:00 in Paris
    const reunion = session('S-reunion', '2026-03-02', { startTime: '12:00', timeZone: 'Indian/Reunion' }); // 09:00 in Paris
    expect(affectedSessions(a, [montreal, reunion], NOW).map((s) => s.sessionId)).toEqual(['S-montreal']);
  });
});

describe('« Sessions planifiées concernées » e-mails (SES-9, SUS-6)', () => {
  it("SUS-6: the network's coordinating organisation gets every session, each member centre its own; a member with none gets nothing", () => {
    const a = run(open({ kind: 'network', organisationName: 'Réseau Loire', email: 'reseau@test.fr' }), '2026-03-02', {
      type: 'suspended',
      on: '2026-03-02',
      reason: 'fraude',
    });
    const list = [
      session('S-1', '2026-04-01', { organisationId: 'm-1', organisationName: 'IUT Cholet' }),
      session('S-2', '2026-04-02', { organisationId: 'org-1', organisationName: 'Réseau Loire' }),
    ];
    const affected = affectedSessions(a, list, NOW);
    const emails = affectedSessionsEmails(a, { type: 'suspended', on: affectingEventOn('suspended', { since: '2026-03-02' })! }, affected, [
      { organisationId: 'm-1', name: 'IUT Cholet', email: 'iut@test.fr' },
      { organisationId: 'm-2', name: 'IUT Saumur', email: 'saumur@test.fr' },
    ]);
    expect(emails.map((e) => [e.to, (e.data.blocked as Array<{ sessionId: string }>).map((s) => s.sessionId), e.data.member])).toEqual([
      ['reseau@test.fr', ['S-1', 'S-2'], false],
      ['iut@test.fr', ['S-1'], true],
    ]);
    for (const e of emails) {
      const { text } = renderEmail('planned-sessions-affected', e.data);
      expect(text).toContain('(SUS-2, SUS-6)');
    }
    expect(renderEmail('planned-sessions-affected', emails[1]!.data).text).toContain('dont votre centre, IUT Cholet, est membre');
  });

  it('SES-9: the holder is told even when no session is affected', () => {
    const a = run(open(), '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude' });
    const [only, ...rest] = affectedSessionsEmails(a, { type: 'suspended', on: '2026-03-02' }, [], []);
    expect(rest).toEqual([]);
    expect(renderEmail('planned-sessions-affected', only!.data).text).toContain(
      "Aucune session déjà planifiée par votre centre n'est concernée.",
    );
  });

  it('the day each event speaks of', () => {
    expect(affectingEventOn('breach-notified', { letterSentOn: '2026-03-10', cureDueOn: '2026-04-09' })).toBe('2026-03-10');
    expect(affectingEventOn('termination-notice', { noticeOn: '2026-03-01', effectiveOn: '2026-03-31' })).toBe('2026-03-31');
    expect(affectingEventOn('terminated', { on: '2026-03-31' })).toBe('2026-03-31');
    expect(affectingEventOn('expired', { termOn: '2028-01-31' })).toBe('2028-01-31');
    expect(affectingEventOn('force-majeure-started', { since: '2026-02-01' })).toBe('2026-02-01');
  });
});
