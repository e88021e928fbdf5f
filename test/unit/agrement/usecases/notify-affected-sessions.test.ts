import { describe, expect, it } from 'vitest';
import type { PlannedSession, Recipient } from '../../../../src/agrement/domain/affected-sessions';
import { type Agrement, type AgrementCommand, decide, openAgrement } from '../../../../src/agrement/domain/agrement';
import { noticeAffectedSessions } from '../../../../src/agrement/usecases/affected-sessions';
import type { AffectedSessionsNoticeRecord, AffectedSessionsRepository } from '../../../../src/agrement/usecases/ports';
import type { SendEmailInput } from '../../../../src/mail/usecases/queue-email';

/** The notice of the planned sessions an agrément affects (SES-9, SUS-2, SUS-6), over an in-memory repository. */

const open = (overrides: Partial<Parameters<typeof openAgrement>[0]> = {}): Agrement =>
  openAgrement({
    agrementId: '3f2a9c1b-0000-4000-8000-000000000001',
    organisationId: 'network-1',
    organisationName: 'Réseau Loire',
    email: 'reseau@test.fr',
    kind: 'network',
    foreign: false,
    startOn: '2025-01-31',
    years: 3,
    referent: { name: 'Alex', email: 'alex@test.fr', trainedOn: '2025-01-10', recognisedQualifications: true },
    ...overrides,
  });
const run = (a: Agrement, today: string, ...commands: AgrementCommand[]) => commands.reduce((x, c) => decide(x, c, today).agrement, a);

const session = (sessionId: string, date: string, organisationId: string, organisationName: string): PlannedSession => ({
  sessionId,
  organisationId,
  organisationName,
  date,
  startTime: '14:00',
  endTime: '16:00',
  timeZone: 'Europe/Paris',
  address: '12 rue des Écoles, 49300 Cholet',
  room: 'Salle B12',
});

/** The sessions and organisations the database would hold; what the use case asked and recorded. */
function inMemory(planned: PlannedSession[], organisations: Recipient[]) {
  const calls = {
    plannedUnder: [] as Array<[string, string]>,
    recipients: [] as string[][],
    notices: [] as Array<{ notice: AffectedSessionsNoticeRecord; inTransaction: boolean }>,
  };
  const repository = (inTransaction: boolean): AffectedSessionsRepository => ({
    async plannedSessionsUnder(organisationId, today) {
      calls.plannedUnder.push([organisationId, today]);
      return planned;
    },
    async recipients(ids) {
      calls.recipients.push(ids);
      return organisations.filter((o) => ids.includes(o.organisationId));
    },
    async recordNotices(notice) {
      calls.notices.push({ notice, inTransaction });
    },
    transaction: (work) => work(repository(true)),
  });
  return { sessions: repository(false), calls };
}

const AT = '2026-03-02T09:00:00.000Z';
const KEY = 'agrement:3f2a9c1b-0000-4000-8000-000000000001:4:planned-sessions-affected';

describe('notifying the planned sessions an agrément affects (SES-9), over its ports', () => {
  it("SUS-6: a network suspended as a whole: each session's notice is recorded in a transaction, the holder and each member with sessions are e-mailed", async () => {
    const a = run(open(), '2026-03-02', { type: 'suspended', on: '2026-03-02', reason: 'fraude' });
    const { sessions, calls } = inMemory(
      [session('S-1', '2026-04-01', 'member-1', 'IUT Cholet'), session('S-2', '2026-04-02', 'network-1', 'Réseau Loire')],
      [
        { organisationId: 'member-1', name: 'IUT Cholet', email: 'iut@test.fr' },
        { organisationId: 'member-2', name: 'IUT Saumur', email: 'saumur@test.fr' },
      ],
    );
    const sent: SendEmailInput[] = [];
    const notice = await noticeAffectedSessions(
      { sessions, sendEmail: async (e) => sent.push(e) },
      { key: KEY, agrement: a, event: { type: 'suspended', on: '2026-03-02' }, at: AT },
    );

    expect(calls.plannedUnder).toEqual([['network-1', '2026-03-02']]);
    // The holder is no recipient to look up; a member without affected sessions is not asked for.
    expect(calls.recipients).toEqual([['member-1']]);
    expect(calls.notices).toHaveLength(1);
    const [{ notice: recorded, inTransaction }] = calls.notices as [{ notice: AffectedSessionsNoticeRecord; inTransaction: boolean }];
    expect(inTransaction).toBe(true);
    expect(recorded).toMatchObject({
      key: KEY,
      agrementId: a.agrementId,
      agrementOrganisationId: 'network-1',
      event: 'suspended',
      at: new Date(AT),
    });
    expect(recorded.sessions.map((s) => [s.sessionId, s.status, s.ruleIds])).toEqual([
      ['S-1', 'blocked', ['SUS-2', 'SUS-6', 'SES-9']],
      ['S-2', 'blocked', ['SUS-2', 'SUS-6', 'SES-9']],
    ]);
    expect(sent.map((e) => [e.key, e.to, e.template])).toEqual([
      [`${KEY}:network-1`, 'reseau@test.fr', 'planned-sessions-affected'],
      [`${KEY}:member-1`, 'iut@test.fr', 'planned-sessions-affected'],
    ]);
    expect(notice).toEqual({ blocked: ['S-1', 'S-2'], atRisk: [], notified: ['network-1', 'member-1'] });
  });

  it('BRE-1: under a formal notice the sessions after the cure is due are at risk, not blocked', async () => {
    const a = run(open({ kind: 'centre', organisationId: 'centre-1', email: 'centre@test.fr' }), '2026-03-02', {
      type: 'breach-notified',
      letterSentOn: '2026-03-02',
      reason: 'surveillant absent',
    });
    const { sessions, calls } = inMemory(
      [session('S-before', '2026-03-20', 'centre-1', 'Centre'), session('S-after', '2026-04-15', 'centre-1', 'Centre')],
      [],
    );
    const notice = await noticeAffectedSessions(
      { sessions, sendEmail: async () => undefined },
      { key: KEY, agrement: a, event: { type: 'breach-notified', on: '2026-03-02' }, at: AT },
    );
    expect(notice).toEqual({ blocked: [], atRisk: ['S-after'], notified: ['centre-1'] });
    expect(calls.recipients).toEqual([]);
    expect(calls.notices[0]!.notice.sessions.map((s) => [s.sessionId, s.ruleId, s.from])).toEqual([['S-after', 'BRE-1', '2026-04-02']]);
  });

  it('SES-9: with no session affected the holder is still told, and nothing is written on any session', async () => {
    const a = run(open({ kind: 'centre', organisationId: 'centre-1', email: 'centre@test.fr' }), '2026-03-02', {
      type: 'suspended',
      on: '2026-03-02',
      reason: 'fraude',
    });
    const { sessions, calls } = inMemory([], []);
    const sent: SendEmailInput[] = [];
    const notice = await noticeAffectedSessions(
      { sessions, sendEmail: async (e) => sent.push(e) },
      { key: KEY, agrement: a, event: { type: 'suspended', on: '2026-03-02' }, at: AT },
    );
    expect(notice).toEqual({ blocked: [], atRisk: [], notified: ['centre-1'] });
    expect(calls.notices.map((n) => n.notice.sessions)).toEqual([[]]);
    expect(sent.map((e) => e.to)).toEqual(['centre@test.fr']);
  });
});
