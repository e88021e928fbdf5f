import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { readStream } from '../../../../src/shared/event-log/event-log';
import { OrganisationEntity } from '../../../../src/entities';
import { sessionStreamId } from '../../../../src/sessions/usecases/session-stream';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { createHarness, receivedMail, serveApi, type Harness } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { sessionReport } from '../../../support/session-fixtures';

/**
 * SES-9, SUS-2, SUS-6, TER-5, BRE-1: the sessions already planned when a suspension, a notice or an end comes
 * are listed for operations (GET /agrements/{id}/affected-sessions) and the centre is told which
 * (« Sessions planifiées concernées »), through the API, the agrément workflow, PostgreSQL and SMTP.
 */

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;
let legal: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  ops = await h.tokenFor('operations');
  legal = await h.tokenFor('legal');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const http = (method: string, path: string, body?: unknown, token = ops) => requestJson(`${api}${path}`, method, { token, body });
const agrementIdOf = async (organisationId: string): Promise<string> =>
  (await h.db.query('SELECT id FROM agrements WHERE organisation_id = $1', [organisationId]))[0].id;
const mailText = (id: string) => h.smtp.readMessage(id)?.text ?? '';
/** A session planned today for `date` (SES-1), every rule of the cahier met. */
const planned = (organisationId: string, date: string, overrides: Record<string, unknown> = {}) =>
  sessionReport(organisationId, { date, plannedOn: today(), ...overrides });

async function plan(organisationId: string, date: string, token = ops, overrides: Record<string, unknown> = {}) {
  const report = planned(organisationId, date, overrides);
  const res = await http('POST', '/sessions', report, token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return report;
}

/** A centre (a member of the network `networkId`, CdC §3.1.2, when given), with a centre token. */
async function organisation(networkId: string | null) {
  const id = crypto.randomUUID();
  await h.db.getRepository(OrganisationEntity).insert({
    id,
    name: `Centre membre ${id.slice(0, 6)}`,
    category: 'datadock-training-provider',
    uai: null,
    department: '49',
    foreign: false,
    email: `membre-${id.slice(0, 8)}@test.fr`,
    networkId,
  });
  return { organisationId: id, email: `membre-${id.slice(0, 8)}@test.fr`, token: await h.tokenFor('centre', id) };
}

describe('planned sessions affected by a suspension, a notice or an end (SES-9)', () => {
  it('SUS-2 SES-9: suspending a centre lists its planned sessions as blocked from the suspension, e-mails the centre which, and records it on each session', async () => {
    const c = await runningAgrement(h, today());
    const agrementId = await agrementIdOf(c.organisationId);
    const first = await plan(c.organisationId, plusDays(today(), 60), ops, { startTime: '09:30', endTime: '11:30', room: 'Salle A1' });
    const second = await plan(c.organisationId, plusDays(today(), 90));
    const cancelled = await plan(c.organisationId, plusDays(today(), 75));
    expect((await http('POST', `/sessions/${cancelled.id}/cancel`, { reason: 'Trop peu de candidats inscrits' })).status).toBe(200);

    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`)).body).toMatchObject({
      state: 'active',
      blocked: 0,
      atRisk: 0,
      sessions: [],
    });
    const suspended = await http(
      'POST',
      `/agrements/${agrementId}/actions/suspend`,
      { reason: 'Fraude signalée par des candidats' },
      legal,
    );
    expect(suspended.status).toBe(200);

    const list = await http('GET', `/agrements/${agrementId}/affected-sessions`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ agrementId, state: 'suspended', plannedSessions: 2, blocked: 2, atRisk: 0 });
    expect(list.body.sessions).toEqual([
      expect.objectContaining({
        sessionId: first.id,
        date: first.date,
        startTime: '09:30',
        room: 'Salle A1',
        status: 'blocked',
        ruleId: 'SUS-2',
        ruleIds: ['SUS-2', 'SES-9'],
        from: today(),
      }),
      expect.objectContaining({ sessionId: second.id, date: second.date, status: 'blocked', ruleId: 'SUS-2', from: today() }),
    ]);

    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(c.start.email));
    expect(mail, 'the centre is told which sessions').toBeDefined();
    expect(mail!.subject).toContain('sessions planifiées concernées (2)');
    const text = mailText(mail!.id).replace(/\s+/g, ' ');
    expect(text).toContain(`session ${first.id} : le `);
    expect(text).toContain(
      'de 9 h 30 à 11 h 30 (heure locale, fuseau Europe/Paris), Salle A1, 12 rue des Écoles, 69007 Lyon — motif : agrément suspendu (SUS-2)',
    );
    expect(text).toContain(`session ${second.id}`);
    expect(text).not.toContain(cancelled.id);

    const log = await readStream(h.db, 'session', sessionStreamId(first.id));
    expect(log.find((e) => e.type === 'session-blocked-by-agrement')).toMatchObject({
      ruleIds: ['SUS-2', 'SES-9'],
      data: expect.objectContaining({ agrementId, ruleId: 'SUS-2', from: today() }),
    });

    // The centre sees its own list; another centre does not see it (404), an inspector may not ask (403).
    expect(
      (await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, await h.tokenFor('centre', c.organisationId))).body
        .blocked,
    ).toBe(2);
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, (await organisation(null)).token)).status).toBe(404);
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, await h.tokenFor('inspector'))).status).toBe(403);
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, legal)).status).toBe(200);

    // SUS-4: lifted, nothing is blocked any more.
    expect(
      (await http('POST', `/agrements/${agrementId}/actions/lift-suspension`, { reason: 'Obligations rétablies' }, legal)).status,
    ).toBe(200);
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`)).body).toMatchObject({ blocked: 0, sessions: [] });
  });

  it("SUS-6 SUS-2: a network's agrément suspended as a whole refuses its member centre's new and moved sessions with 409 SUS-2 naming SUS-6, and lists the member's planned sessions", async () => {
    const network = await runningAgrement(h, today(), 'network');
    const agrementId = await agrementIdOf(network.organisationId);
    const member = await organisation(network.organisationId);
    const other = await organisation(network.organisationId);
    const held = await plan(member.organisationId, plusDays(today(), 45), member.token);
    expect((await h.db.query('SELECT agrement_organisation_id FROM sessions WHERE id = $1', [held.id]))[0].agrement_organisation_id).toBe(
      network.organisationId,
    );

    expect(
      (await http('POST', `/agrements/${agrementId}/actions/suspend`, { reason: 'Fraude dans un centre du réseau' }, legal)).status,
    ).toBe(200);

    // SES-9 at creation and at report (moving a planned session): refused by SUS-2, the network's suspension reaching its members (SUS-6).
    const created = await http('POST', '/sessions', planned(member.organisationId, plusDays(today(), 50)), member.token);
    expect(created.status).toBe(409);
    expect(created.body.rule).toBe('SUS-2');
    expect(created.body.message).toMatch(/network's agrément is suspended as a whole \(SUS-2, SUS-6, SES-9\)/);
    expect(created.body.details.ruleIds).toEqual(['SUS-2', 'SUS-6', 'SES-9']);
    const moved = await http('PUT', `/sessions/${held.id}`, { ...held, date: plusDays(today(), 52) }, member.token);
    expect(moved.status).toBe(409);
    expect(moved.body.rule).toBe('SUS-2');
    expect(moved.body.details.ruleIds).toContain('SUS-6');
    const dry = await http('POST', '/sessions/dry-run', planned(other.organisationId, plusDays(today(), 50)), other.token);
    expect(dry.body).toMatchObject({ allowed: false, blockedBy: { ruleId: 'SUS-2' } });
    expect((await http('POST', `/agrements/${agrementId}/sessions/check`)).body).toMatchObject({
      rule: 'SUS-2',
      details: { ruleIds: ['SUS-2', 'SUS-6', 'SES-9'] },
    });

    const list = await http('GET', `/agrements/${agrementId}/affected-sessions`);
    expect(list.body).toMatchObject({ kind: 'network', state: 'suspended', blocked: 1 });
    expect(list.body.sessions).toEqual([
      expect.objectContaining({
        sessionId: held.id,
        organisationId: member.organisationId,
        date: held.date,
        status: 'blocked',
        ruleId: 'SUS-2',
        ruleIds: ['SUS-2', 'SUS-6', 'SES-9'],
        from: today(),
      }),
    ]);
    // The member centre sees its own sessions under its network's agrément; another member sees none of them.
    const own = await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, member.token);
    expect(own.status).toBe(200);
    expect(own.body.sessions.map((s: Json) => s.sessionId)).toEqual([held.id]);
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, other.token)).body.sessions).toEqual([]);

    // The member centre is told of its own session; the coordinating organisation of every one.
    const [toMember] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(member.email));
    expect(mailText(toMember!.id).replace(/\s+/g, ' ')).toContain('dont votre centre');
    expect(mailText(toMember!.id)).toContain(`session ${held.id}`);
    expect(mailText(toMember!.id)).toContain('(SUS-2, SUS-6)');
    const [toNetwork] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(network.start.email));
    expect(mailText(toNetwork!.id)).toContain(`session ${held.id}`);
    expect(h.smtp.messages().filter((m) => m.template === 'planned-sessions-affected' && m.to.includes(other.email))).toEqual([]);
  });

  it('BRE-1: under a formal notice alone no session is blocked; those after the cure is due are listed at risk and the centre is told', async () => {
    const c = await runningAgrement(h, today());
    const agrementId = await agrementIdOf(c.organisationId);
    const before = await plan(c.organisationId, plusDays(today(), 20));
    const after = await plan(c.organisationId, plusDays(today(), 45));
    const notified = await http(
      'POST',
      `/agrements/${agrementId}/actions/notify-breach`,
      { letterSentOn: today(), reason: 'Surveillant absent lors de la session' },
      legal,
    );
    expect(notified.status).toBe(200);
    const cureDueOn = notified.body.agrement.breach.cureDueOn as string;
    expect(cureDueOn).toBe(plusDays(today(), 30));

    const list = await http('GET', `/agrements/${agrementId}/affected-sessions`);
    expect(list.body).toMatchObject({ state: 'under-notice', blocked: 0, atRisk: 1 });
    expect(list.body.sessions).toEqual([
      expect.objectContaining({
        sessionId: after.id,
        status: 'at-risk',
        ruleId: 'BRE-1',
        ruleIds: ['BRE-1', 'BRE-4'],
        from: plusDays(cureDueOn, 1),
      }),
    ]);
    // Not blocked: a new session after the cure date is still accepted (SES-9 does not name BRE-1).
    expect((await http('POST', '/sessions', planned(c.organisationId, plusDays(today(), 50)))).status).toBe(201);

    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(c.start.email));
    const text = mailText(mail!.id).replace(/\s+/g, ' ');
    expect(text).toContain("La mise en demeure n'interdit pas, à elle seule, d'organiser des sessions.");
    expect(text).toContain(`session ${after.id}`);
    expect(text).not.toContain(before.id);
  });

  it('TER-1 TER-5: a termination notice blocks the planned sessions on or after its effective date only; the centre is told which', async () => {
    const c = await runningAgrement(h, today());
    const agrementId = await agrementIdOf(c.organisationId);
    const centreToken = await h.tokenFor('centre', c.organisationId);
    const before = await plan(c.organisationId, plusDays(today(), 20));
    const onEnd = await plan(c.organisationId, plusDays(today(), 30));
    const noticed = await http(
      'POST',
      `/agrements/${agrementId}/actions/request-termination`,
      { reason: 'Cessation de l’activité de certification' },
      centreToken,
    );
    expect(noticed.status).toBe(200);
    const effectiveOn = noticed.body.agrement.termination.effectiveOn as string;
    expect(effectiveOn).toBe(plusDays(today(), 30));

    const list = await http('GET', `/agrements/${agrementId}/affected-sessions`, undefined, centreToken);
    expect(list.body).toMatchObject({ state: 'terminating', blocked: 1 });
    expect(list.body.sessions).toEqual([
      expect.objectContaining({ sessionId: onEnd.id, status: 'blocked', ruleId: 'TER-5', from: effectiveOn }),
    ]);
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(c.start.email));
    const text = mailText(mail!.id).replace(/\s+/g, ' ');
    expect(text).toContain(`session ${onEnd.id}`);
    expect(text).toContain("fin de la convention d'agrément (TER-5)");
    expect(text).not.toContain(before.id);
  });

  it('SES-9: a suspension with no planned session tells the centre there is none', async () => {
    const c = await runningAgrement(h, today());
    const agrementId = await agrementIdOf(c.organisationId);
    expect((await http('POST', `/agrements/${agrementId}/actions/suspend`, { reason: 'Contrôle en cours' }, legal)).status).toBe(200);
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'planned-sessions-affected' && m.to.includes(c.start.email));
    expect(mail!.subject).toContain('(aucune)');
    expect(mailText(mail!.id)).toContain("Aucune session déjà planifiée par votre centre n'est concernée.");
    expect((await http('GET', `/agrements/${agrementId}/affected-sessions`)).body).toMatchObject({ plannedSessions: 0, sessions: [] });
  });
});
