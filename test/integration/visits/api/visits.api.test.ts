import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../src/http/create-app';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { earliestAnnouncedVisit, isWorkingDay, letterDeadline } from '../../../../src/visits/domain/planner';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { createUser, issueToken } from '../../../../src/access/usecases/credentials';
import { OrganisationEntity } from '../../../../src/entities';
import type { CapturedMail } from '../../../../src/mail/infra/capture-server';
import { appendToLog, readStream, verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { reportSessions } from '../../../../src/sessions/usecases/report-sessions';
import { agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { agrementStart } from '../../../support/agrement-fixtures';
import { createHarness, type Harness, LEGAL_EMAIL, OPERATIONS_EMAIL, receivedMail } from '../../../support/harness';
import { sessionReport } from '../../../support/session-fixtures';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { createRemedyActivities } from '../../../../src/sessions/activities/remedy.activities';
import { decideRemedy, openRemedy } from '../../../../src/sessions/domain/remedy';
import { until } from '../../../support/waiting';

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;
let legal: string;

beforeAll(async () => {
  h = await createHarness();
  void h.run(async () => undefined);
  // The API queues its e-mails in the outbox (to these mailboxes, as read at start: never from the environment per
  // request); the harness' sender delivers them to its SMTP capture.
  app = await createApp(
    {
      applications: { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() },
      mailRecipients: { operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL },
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  ops = await h.tokenFor('operations');
  legal = await h.tokenFor('legal');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
  return requestJson(`${api}${path}`, method, { token, body });
}

const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => isoDate(addDays(parseIsoDate(day), n));

/** A centre in `department`, agreed today: its agrément workflow runs and writes the read model. */
async function agreedCentre(department: string, name: string) {
  const start = agrementStart(today(), {
    organisationName: name,
    referent: { name: 'R', email: 'r@test.fr', trainedOn: today(), recognisedQualifications: true },
  });
  await h.db.getRepository(OrganisationEntity).insert({
    id: start.organisationId,
    name,
    category: 'datadock-training-provider',
    uai: null,
    department,
    foreign: false,
    email: start.email,
    networkId: null,
  });
  await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => h.db.query('SELECT 1 FROM agrements WHERE id = $1', [start.agrementId]),
    (rows: unknown[]) => rows.length > 0,
  );
  return start;
}

async function inspector(fields: {
  kind: string;
  organisationId?: string | null;
  departments: string[];
  from: string;
  to: string;
  capacity: number;
}) {
  const id = randomUUID();
  const email = `inspecteur-${id.slice(0, 8)}@pix.test`;
  await h.db.query(
    `INSERT INTO inspectors (id, name, email, kind, organisation_id, network_id, departments, available_from, available_to, capacity)
     VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)`,
    [
      id,
      `Inspecteur ${id.slice(0, 4)}`,
      email,
      fields.kind,
      fields.organisationId ?? null,
      fields.departments,
      fields.from,
      fields.to,
      fields.capacity,
    ],
  );
  return { id, email };
}

/** A user with the inspector role who signs in with the inspector's e-mail (one user per e-mail: the same token again). */
const inspectorTokens = new Map<string, Promise<string>>();
function inspectorToken(email: string): Promise<string> {
  let token = inspectorTokens.get(email);
  if (!token) {
    token = createUser(h.db, { name: 'Inspecteur Pix', email, role: 'inspector', organisationId: null }).then(
      async (user) => (await issueToken(h.db, user.id, 'test')).token,
    );
    inspectorTokens.set(email, token);
  }
  return token;
}

async function qualityEvent(organisationId: string, kind: string, details: Record<string, unknown> = {}, occurredOn = today()) {
  await h.db.query(`INSERT INTO centre_quality_events (organisation_id, kind, occurred_on, details) VALUES ($1, $2, $3, $4)`, [
    organisationId,
    kind,
    occurredOn,
    JSON.stringify(details),
  ]);
}

/** SES-10, SES-12: a session finalised late with an incident, as the session workflow records it (quality record and log). */
async function lateSessionWithIncident(centreId: string) {
  const sessionId = `S-${randomUUID().slice(0, 8)}`;
  await h.db.query(
    `INSERT INTO session_quality (session_id, organisation_id, deadline_at, finalised_at, late) VALUES ($1, $2, now() - interval '3 days', now() - interval '1 day', true)`,
    [sessionId, centreId],
  );
  await h.db.transaction((m) =>
    appendToLog(m, [
      {
        eventKey: `session:${sessionId}:1`,
        streamType: 'session',
        streamId: randomUUID(),
        type: 'finalised-late',
        ruleIds: ['SES-10', 'QUO-3'],
        fromState: 'overdue',
        toState: 'finalised-late',
        actor: 'test',
        reason: null,
        data: {
          sessionId,
          centreId,
          late: true,
          candidatesWhoSat: 12,
          incidents: ['Coupure du réseau pendant 30 minutes'],
          fraudReports: [],
        },
        occurredAt: new Date(),
      },
    ]),
  );
  return sessionId;
}

/** A session planned at the centre, reported as Pix Certif would (SES-1): its row and its SES-10 workflow. */
async function scheduledSession(centreId: string, date: string) {
  const report = sessionReport(centreId, { date, plannedOn: plusDays(today(), -40) });
  const [outcome] = await reportSessions({ db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() }, [report], {
    actor: 'Pix Certif',
    source: 'api',
  });
  expect(outcome).toMatchObject({ outcome: 'created', status: 'planned' });
  return report.id;
}

const mails = (filter: (m: CapturedMail) => boolean) => h.smtp.messages().filter(filter);

describe('control-visit planning through the API (VIS-1..5)', () => {
  let risky: Awaited<ReturnType<typeof agreedCentre>>;
  let medium: Awaited<ReturnType<typeof agreedCentre>>;
  let calm: Awaited<ReturnType<typeof agreedCentre>>;
  let staff: { id: string; email: string };
  let manager: { id: string; email: string };
  let plan: Json;
  let proposal: Json[];
  let sessionId: string;
  const from = plusDays(today(), 21);
  const to = plusDays(today(), 60);

  beforeAll(async () => {
    risky = await agreedCentre('2A', 'Centre risqué');
    medium = await agreedCentre('2A', 'Centre moyen');
    calm = await agreedCentre('2A', 'Centre calme');
    // SUS-1 (fraud), SES-12 (incidents), SUS-5 (a suspension recorded by the legal team through the API).
    await qualityEvent(risky.organisationId, 'fraud-report');
    await qualityEvent(risky.organisationId, 'incident');
    await qualityEvent(risky.organisationId, 'incident');
    const suspended = await http('POST', `/agrements/${risky.agrementId}/actions/suspend`, legal, {
      reason: 'Fraude signalée par des candidats',
    });
    expect(suspended.status).toBe(200);
    await qualityEvent(medium.organisationId, 'complaint');
    await qualityEvent(medium.organisationId, 'complaint');
    // The same late session and incident reported by the session workflow and as quality events count once.
    const late = await lateSessionWithIncident(medium.organisationId);
    await qualityEvent(medium.organisationId, 'late-finalisation', { sessionId: late });
    await qualityEvent(medium.organisationId, 'incident', { sessionId: late });
    // SES-12: no remedy offered within the 5 days after that incident, as its follow-up workflow records it.
    const owed = openRemedy({
      sessionId: late,
      centreName: 'Centre moyen',
      date: plusDays(today(), -10),
      timeZone: 'Europe/Paris',
      affected: 'all',
      incidents: ['Coupure du réseau'],
    });
    const overdue = decideRemedy(owed.remedy, { type: 'deadline-reached', at: new Date() });
    const { recordRemedy } = createRemedyActivities({ db: h.db });
    await recordRemedy({
      centreId: medium.organisationId,
      remedy: owed.remedy,
      events: owed.events,
      firstSeq: 0,
      actor: 'system',
      at: new Date().toISOString(),
    });
    await recordRemedy({
      centreId: medium.organisationId,
      remedy: overdue.remedy,
      events: overdue.events,
      firstSeq: 1,
      actor: 'system',
      at: new Date().toISOString(),
    });
    sessionId = await scheduledSession(medium.organisationId, plusDays(from, 9));
    // A plan covers every active inspector of the run's database, which the test files share: inspectors left by a
    // file run earlier (inspectors.api.test.ts) would add capacity. This plan counts on its own inspectors only.
    await h.db.query(
      `UPDATE inspectors SET active = false, deactivated_at = now(), deactivation_reason = 'left by another test file' WHERE active`,
    );
    // Capacity 2 for 3 centres; the manager of the risky centre also covers Corse-du-Sud.
    staff = await inspector({ kind: 'pix-staff', departments: ['2A'], from, to, capacity: 1 });
    manager = await inspector({ kind: 'centre-manager', organisationId: risky.organisationId, departments: ['2A'], from, to, capacity: 1 });
  });

  it('VIS-1 explains the risk score of a centre: each contributing factor with its rule, points, value and threshold', async () => {
    const res = await http('GET', `/centres/${risky.organisationId}/risk`, ops);
    expect(res.status).toBe(200);
    const byCheck = Object.fromEntries(res.body.factors.map((f: Json) => [f.check, f]));
    expect(byCheck['SUS-1.fraud-reports']).toMatchObject({ ruleId: 'SUS-1', points: 10, actual: 1, expected: 1 });
    expect(byCheck['SES-12.incidents']).toMatchObject({ ruleId: 'SES-12', points: 6, actual: 2 });
    expect(byCheck['SUS-5.past-suspensions']).toMatchObject({ ruleId: 'SUS-5', points: 15, actual: 1 });
    expect(byCheck['VIS-1.first-year']).toMatchObject({ ruleId: 'VIS-1', actual: 0 });
    expect(res.body.score).toBe(res.body.factors.reduce((s: number, f: Json) => s + f.points, 0));
    expect(res.body.facts).toMatchObject({ fraudReports: 1, incidents: 2, pastSuspensions: 1, everVisited: false });
    const other = await http('GET', `/centres/${medium.organisationId}/risk`, ops);
    expect(other.body.facts).toMatchObject({ complaints: 2, lateFinalisations: 1, incidents: 1, remediesLate: 1, fraudReports: 0 });
    expect(other.body.factors.map((f: Json) => f.check)).toEqual(
      expect.arrayContaining(['SES-13.complaints', 'SES-10.late-finalisations', 'SES-12.incidents', 'SES-12.remedies-late']),
    );
    expect(res.body.facts).toMatchObject({ remediesLate: 0 });
    expect(res.body.score).toBeGreaterThan(other.body.score);
    expect((await http('GET', `/centres/${randomUUID()}/risk`, ops)).status).toBe(404);
    expect((await http('GET', `/centres/not-a-uuid/risk`, ops)).body).toMatchObject({ statusCode: 400, field: 'organisationId' });
  });

  it('VIS-1..5 proposes the plan of the period for review: nothing recorded, nothing sent; 400 naming the field, 403 but operations', async () => {
    const res = await http('POST', '/visit-plans/proposal', ops, { from, to, announcedShare: 0.5 });
    expect(res.status).toBe(200);
    const mine = res.body.visits.filter((v: Json) => [risky, medium, calm].some((c) => c.organisationId === v.organisationId));
    expect(mine.map((v: Json) => [v.organisationId, v.inspectorId])).toEqual([
      [risky.organisationId, staff.id],
      [medium.organisationId, manager.id],
    ]);
    expect(res.body.unassigned).toContainEqual(
      expect.objectContaining({ organisationId: calm.organisationId, reason: 'capacity', ruleId: 'VIS-1' }),
    );
    proposal = mine;
    const rows: Json[] = await h.db.query('SELECT count(*)::int AS n FROM control_visits WHERE organisation_id = ANY($1)', [
      [risky.organisationId, medium.organisationId, calm.organisationId],
    ]);
    expect(rows[0]!.n).toBe(0);
    expect(await h.db.query(`SELECT 1 FROM email_outbox WHERE recipient = $1`, [staff.email])).toEqual([]);
    expect((await http('POST', '/visit-plans/proposal', ops, { from: to, to: from })).body).toMatchObject({ statusCode: 400, field: 'to' });
    expect((await http('POST', '/visit-plans/proposal', ops, { from })).body).toMatchObject({ statusCode: 400, field: 'to' });
    expect((await http('POST', '/visit-plans/proposal', legal, { from, to })).status).toBe(403);
  });

  it('VIS-1 VIS-2 VIS-3 VIS-5 plans the riskiest centres, persists the visits in one go and e-mails each notice and assignment once', async () => {
    const res = await http('POST', '/visit-plans', ops, { from, to, announcedShare: 0.5 });
    expect(res.status).toBe(201);
    plan = res.body;
    const mine = plan.visits.filter((v: Json) => [risky, medium, calm].some((c) => c.organisationId === v.organisationId));
    expect(mine.map((v: Json) => v.organisationId)).toEqual([risky.organisationId, medium.organisationId]);
    const [r, m] = mine;
    // The plan confirmed is the plan proposed, the data unchanged in between.
    const slot = (v: Json) => [v.organisationId, v.inspectorId, v.kind, v.plannedOn, v.costEur];
    expect(mine.map(slot)).toEqual(proposal.map(slot));
    // VIS-5: the risky centre's own manager never inspects it.
    expect(r).toMatchObject({ inspectorId: staff.id, kind: 'announced', costEur: 120, sessionId: null });
    // VIS-2: a working day, the letter 5 working days before, not before today.
    expect(isWorkingDay(r.plannedOn)).toBe(true);
    expect(r.letterSentBy).toBe(letterDeadline(r.plannedOn));
    expect(r.plannedOn >= earliestAnnouncedVisit(today())).toBe(true);
    expect(r.note).toContain('VIS-1');
    // VIS-1: unannounced, on the centre's scheduled session; VIS-3: the manager's estimate, within 120 €.
    expect(m).toMatchObject({
      inspectorId: manager.id,
      kind: 'unannounced',
      sessionId,
      plannedOn: plusDays(from, 9),
      letterSentBy: null,
      costEur: 100,
    });
    expect(plan.unassigned).toContainEqual(
      expect.objectContaining({ organisationId: calm.organisationId, reason: 'capacity', ruleId: 'VIS-1' }),
    );

    const rows: Json[] = await h.db.query(
      `SELECT id, organisation_id, inspector_id, kind, to_char(planned_on, 'YYYY-MM-DD') AS planned_on, to_char(letter_sent_by, 'YYYY-MM-DD') AS letter_sent_by, session_id, cost_eur::float AS cost_eur, status
         FROM control_visits WHERE id = ANY($1) ORDER BY planned_on`,
      [[r.id, m.id]],
    );
    expect(rows).toHaveLength(2);
    expect(rows.find((x) => x.id === r.id)).toMatchObject({
      inspector_id: staff.id,
      kind: 'announced',
      planned_on: r.plannedOn,
      letter_sent_by: r.letterSentBy,
      cost_eur: 120,
      status: 'planned',
    });
    expect((await readStream(h.db, 'control-visit', r.id)).map((e) => [e.type, e.actor])).toEqual([
      ['visit-planned', 'Agent Pix (operations)'],
    ]);

    // VIS-2: the notice to the centre of the announced visit; no notice for the unannounced one; each inspector's assignment.
    const [notice] = await receivedMail(h.smtp, (x) => x.template === 'control-visit-notice' && x.to.includes(risky.email));
    expect(notice).toBeDefined();
    const body = h.smtp.readMessage(notice!.id)!.text!.replace(/\s+/g, ' ');
    expect(body).toContain('au moins 5 jours ouvrés avant la visite');
    expect(body).toContain('dans la limite de 120 € par contrôle');
    expect(await receivedMail(h.smtp, (x) => x.template === 'inspector-assignment' && x.to.includes(staff.email))).toHaveLength(1);
    const [assignment] = await receivedMail(h.smtp, (x) => x.template === 'inspector-assignment' && x.to.includes(manager.email));
    expect(h.smtp.readMessage(assignment!.id)!.text).toContain(sessionId);
    expect(mails((x) => x.template === 'control-visit-notice' && x.to.includes(medium.email))).toHaveLength(0);

    // Planning the same period again plans nothing twice and sends nothing twice.
    const again = await http('POST', '/visit-plans', ops, { from, to });
    expect(again.status).toBe(201);
    expect(again.body.visits.filter((v: Json) => [risky, medium, calm].some((c) => c.organisationId === v.organisationId))).toEqual([]);
    expect(again.body.alreadyPlanned.map((v: Json) => v.visitId)).toEqual(expect.arrayContaining([r.id, m.id]));
    expect(again.body.emails).toMatchObject({ queued: 0, failed: [] });
    // Every e-mail queued has gone (the outbox holds one row per key): what the SMTP server has is all it will get.
    await h.mailSettled();
    expect(mails((x) => x.template === 'control-visit-notice' && x.to.includes(risky.email))).toHaveLength(1);
    expect(mails((x) => x.template === 'inspector-assignment' && x.to.includes(staff.email))).toHaveLength(1);
    const count: Json[] = await h.db.query('SELECT count(*)::int AS n FROM control_visits WHERE organisation_id = ANY($1)', [
      [risky.organisationId, medium.organisationId, calm.organisationId],
    ]);
    expect(count[0]!.n).toBe(2);
  });

  it('VIS-1 lists the plan; an inspector sees only their own assignments; a centre may not', async () => {
    const all = await http('GET', `/visit-plans?from=${from}&to=${to}`, ops);
    expect(all.status).toBe(200);
    expect(all.body.visits.map((v: Json) => v.organisationId)).toEqual(
      expect.arrayContaining([risky.organisationId, medium.organisationId]),
    );
    const mine = await http('GET', `/visit-plans?from=${from}&to=${to}`, await inspectorToken(staff.email));
    expect(mine.status).toBe(200);
    expect(mine.body.visits.map((v: Json) => v.organisationId)).toEqual([risky.organisationId]);
    expect(mine.body.visits[0].inspector).toMatchObject({ id: staff.id, kind: 'pix-staff' });
    const stranger = await http('GET', `/visit-plans?from=${from}&to=${to}`, await h.tokenFor('inspector'));
    expect(stranger.body.visits).toEqual([]);
    const centre = await http('GET', `/visit-plans?from=${from}&to=${to}`, await h.tokenFor('centre', risky.organisationId));
    expect(centre).toMatchObject({ status: 403, body: { action: 'visits.read' } });
    expect((await http('GET', `/visit-plans?from=${from}`, ops)).body).toMatchObject({ statusCode: 400, field: 'to' });
  });

  it('VIS-1 ranks the centres riskiest first with their factors explained, filtered by place and paged; an inspector: the centres of their visits only', async () => {
    const all = await everyItem(async (path) => (await http('GET', path, ops)).body, '/control-visits/risk-ranking?department=2A');
    const ids = all.map((c: Json) => c.organisationId);
    const [ri, mi, ci] = [risky, medium, calm].map((c) => ids.indexOf(c.organisationId));
    expect(ri).toBeGreaterThanOrEqual(0);
    expect(ri).toBeLessThan(mi);
    expect(mi).toBeLessThan(ci);
    expect(all.map((c: Json) => c.rank)).toEqual(all.map((_: Json, i: number) => i + 1));
    const top = all[ri];
    const risk = await http('GET', `/centres/${risky.organisationId}/risk`, ops);
    expect(top).toMatchObject({ agrementId: risky.agrementId, department: '2A', score: risk.body.score });
    expect(top.factors.map((f: Json) => f.check)).toEqual(risk.body.factors.map((f: Json) => f.check));
    // Corse (94) holds 2A: the region filter finds it; a page of one.
    const page = await http('GET', `/control-visits/risk-ranking?region=94&limit=1&offset=${ri}`, ops);
    expect(page.body).toMatchObject({ limit: 1, offset: ri });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].rank).toBe(ri + 1);

    const staffView = await http('GET', '/control-visits/risk-ranking', await inspectorToken(staff.email));
    expect(staffView.body.items.map((c: Json) => c.organisationId)).toEqual([risky.organisationId]);
    expect((await http('GET', '/control-visits/risk-ranking', await h.tokenFor('inspector'))).body).toMatchObject({ total: 0, items: [] });
    expect((await http('GET', '/control-visits/risk-ranking', await h.tokenFor('centre', risky.organisationId))).status).toBe(403);
    expect((await http('GET', '/control-visits/risk-ranking?department=xx', ops)).body).toMatchObject({
      statusCode: 400,
      field: 'department',
    });
    expect((await http('GET', '/control-visits/risk-ranking?limit=0', ops)).body).toMatchObject({ statusCode: 400, field: 'limit' });
  });

  it('VIS-4 VIS-5 one visit: operations and its inspector read it; another inspector gets 404', async () => {
    const visit = plan.visits.find((v: Json) => v.organisationId === risky.organisationId);
    const path = `/control-visits/${visit.id}`;
    expect((await http('GET', path, ops)).body).toMatchObject({
      id: visit.id,
      organisationId: risky.organisationId,
      inspector: { id: staff.id },
      status: 'planned',
      findings: null,
    });
    expect((await http('GET', path, await inspectorToken(staff.email))).status).toBe(200);
    expect((await http('GET', path, await inspectorToken(manager.email))).status).toBe(404);
    expect((await http('GET', `/control-visits/${randomUUID()}`, ops)).status).toBe(404);
    expect((await http('GET', '/control-visits/nope', ops)).body).toMatchObject({ statusCode: 400, field: 'id' });
  });

  it('VIS-1 issue 14: the visits of one centre (its page), and a malformed organisationId refused naming the field', async () => {
    const one = await http('GET', `/visit-plans?from=${from}&to=${to}&organisationId=${medium.organisationId}`, ops);
    expect(one.status).toBe(200);
    expect(one.body.visits.length).toBeGreaterThan(0);
    expect(new Set(one.body.visits.map((v: Json) => v.organisationId))).toEqual(new Set([medium.organisationId]));
    // An inspector's scope still applies: the medium centre's visit is not theirs.
    const mine = await http(
      'GET',
      `/visit-plans?from=${from}&to=${to}&organisationId=${medium.organisationId}`,
      await inspectorToken(staff.email),
    );
    expect(mine.body.visits).toEqual([]);
    expect((await http('GET', `/visit-plans?from=${from}&to=${to}&organisationId=nope`, ops)).body).toMatchObject({
      statusCode: 400,
      field: 'organisationId',
    });
  });

  it('DATA-3 VIS-1 an inspector reads the risk score and the quality record of the centres of their assignments only, both alike (404 otherwise)', async () => {
    const token = await inspectorToken(staff.email);
    const stranger = await h.tokenFor('inspector');
    for (const view of ['risk', 'quality-events']) {
      expect((await http('GET', `/centres/${risky.organisationId}/${view}`, token)).status, view).toBe(200);
      expect((await http('GET', `/centres/${medium.organisationId}/${view}`, token)).status, view).toBe(404);
      expect((await http('GET', `/centres/${risky.organisationId}/${view}`, stranger)).status, view).toBe(404);
      expect((await http('GET', `/centres/${medium.organisationId}/${view}`, ops)).status, view).toBe(200);
    }
  });

  it('VIS-1 refuses malformed plans naming the field, and anyone but operations', async () => {
    expect((await http('POST', '/visit-plans', ops, { to })).body).toMatchObject({ statusCode: 400, field: 'from' });
    expect((await http('POST', '/visit-plans', ops, { from: to, to: from })).body).toMatchObject({ statusCode: 400, field: 'to' });
    expect((await http('POST', '/visit-plans', ops, { from, to, announcedShare: 2 })).body).toMatchObject({
      statusCode: 400,
      field: 'announcedShare',
    });
    expect((await http('POST', '/visit-plans', legal, { from, to })).status).toBe(403);
    expect((await http('POST', '/visit-plans', await inspectorToken(`x-${randomUUID()}@pix.test`), { from, to })).status).toBe(403);
  });

  it('VIS-4 refuses findings before the visit took place, naming VIS-4', async () => {
    const visit = plan.visits.find((v: Json) => v.organisationId === risky.organisationId);
    const res = await http('POST', `/control-visits/${visit.id}/findings`, ops, { checklist: allOk });
    expect(res).toMatchObject({ status: 409, body: { rule: 'VIS-4' } });
    expect((await http('POST', `/control-visits/${randomUUID()}/findings`, ops, { checklist: allOk })).status).toBe(404);
  });
});

const allOk = {
  premises: { result: 'ok' },
  connectionAndEquipment: { result: 'ok' },
  staffing: { result: 'ok' },
  sessionOrganisation: { result: 'ok' },
};

describe('control-visit findings through the API (VIS-4, BRE-1, SUS-1)', () => {
  it('VIS-4 BRE-1 SUS-1 BRE-4 records the findings of today’s unannounced visit, audits them and proposes to the legal team once', async () => {
    const day = today();
    const centre = await agreedCentre('2B', 'Centre visité');
    const sessionId = await scheduledSession(centre.organisationId, day);
    const visitor = await inspector({ kind: 'contractor', departments: ['2B'], from: day, to: day, capacity: 1 });
    const planned = await http('POST', '/visit-plans', ops, { from: day, to: day, announcedShare: 0 });
    expect(planned.status).toBe(201);
    const visit = planned.body.visits.find((v: Json) => v.organisationId === centre.organisationId);
    expect(visit).toMatchObject({ kind: 'unannounced', sessionId, plannedOn: day, inspectorId: visitor.id, costEur: 120 });

    const token = await inspectorToken(visitor.email);
    const path = `/control-visits/${visit.id}/findings`;
    // 400 naming the field; 404 for another inspector's visit.
    expect((await http('POST', path, token, { checklist: { ...allOk, staffing: undefined } })).body).toMatchObject({
      statusCode: 400,
      field: 'checklist.staffing',
    });
    expect((await http('POST', path, token, { checklist: { ...allOk, premises: { result: 'ko' } } })).body).toMatchObject({
      statusCode: 400,
      field: 'checklist.premises.notes',
    });
    expect((await http('POST', path, token, { checklist: allOk, proposeBreach: true })).body).toMatchObject({
      statusCode: 409,
      rule: 'VIS-4',
    });
    expect((await http('POST', path, await h.tokenFor('inspector'), { checklist: allOk })).status).toBe(404);
    expect((await http('POST', path, legal, { checklist: allOk })).status).toBe(403);

    const findings = {
      checklist: {
        ...allOk,
        premises: { result: 'ko', notes: 'Salle sans séparation entre les postes' },
        sessionOrganisation: { result: 'ko', notes: 'Aucun surveillant pendant 20 minutes' },
      },
      proposeSuspension: true,
      proposeBreach: true,
      summary: 'Session tenue sans surveillance effective.',
      costEur: 200,
    };
    const res = await http('POST', path, token, findings);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      findings: { failed: ['premises', 'sessionOrganisation'], serious: true, chargedCostEur: 120 },
    });
    expect(res.body.findings.proposals.map((p: Json) => [p.kind, p.ruleId])).toEqual([
      ['suspension', 'SUS-1'],
      ['breach-notice', 'BRE-1'],
    ]);
    expect(res.body.emails).toMatchObject({ queued: 2, failed: [] });

    const [row]: Json[] = await h.db.query('SELECT status, cost_eur::float AS cost FROM control_visits WHERE id = $1', [visit.id]);
    expect(row).toMatchObject({ status: 'done', cost: 120 });
    const log = await readStream(h.db, 'control-visit', visit.id);
    expect(log.map((e) => [e.type, e.ruleIds])).toEqual([
      ['visit-planned', ['VIS-1', 'VIS-3', 'VIS-5']],
      ['findings-recorded', ['VIS-4']],
      ['suspension-proposed', ['SUS-1', 'VIS-4', 'BRE-4']],
      ['breach-notice-proposed', ['BRE-1', 'VIS-4', 'BRE-4']],
    ]);
    expect(log[1]).toMatchObject({
      actor: 'Inspecteur Pix (inspector)',
      fromState: 'planned',
      toState: 'done',
      reason: 'Session tenue sans surveillance effective.',
    });
    expect((await verifyLogChain(h.db)).valid).toBe(true);

    const proposals = await receivedMail(
      h.smtp,
      (x) => x.template === 'visit-findings-proposal' && x.to.includes(LEGAL_EMAIL) && x.subject.includes('Centre visité'),
      2,
    );
    expect(proposals).toHaveLength(2);
    const text = h.smtp.readMessage(proposals.find((p) => p.subject.includes('suspension'))!.id)!.text!;
    expect(text).toContain('Aucun surveillant pendant 20 minutes');
    expect(text).toContain('Règle : SUS-1');

    // The same findings again (a retry): the recorded result, no second e-mail. Different findings: 409 VIS-4.
    const retry = await http('POST', path, token, findings);
    expect(retry.status).toBe(200);
    expect(retry.body.emails).toMatchObject({ queued: 0, alreadyQueued: 2 });
    expect((await http('POST', path, token, { checklist: allOk })).body).toMatchObject({ statusCode: 409, rule: 'VIS-4' });
    await h.mailSettled();
    expect(mails((x) => x.template === 'visit-findings-proposal' && x.subject.includes('Centre visité'))).toHaveLength(2);

    // VIS-1: the visit done resets the risk factor "never visited".
    const risk = await http('GET', `/centres/${centre.organisationId}/risk`, ops);
    expect(risk.body.facts.everVisited).toBe(true);
    expect(risk.body.factors.map((f: Json) => f.check)).not.toContain('VIS-1.never-visited');
  });

  it('VIS-4 BRE-4 SUS-1 BRE-1 serious findings become open proposals of the agrément; the legal team confirms them: suspension, then formal notice', async () => {
    const day = today();
    const centre = await agreedCentre('2B', 'Centre contrôlé');
    const sessionId = await scheduledSession(centre.organisationId, day);
    const visitor = await inspector({ kind: 'pix-staff', departments: ['2B'], from: day, to: day, capacity: 1 });
    const planned = await http('POST', '/visit-plans', ops, { from: day, to: day, announcedShare: 0 });
    const visit = planned.body.visits.find((v: Json) => v.organisationId === centre.organisationId);
    expect(visit).toMatchObject({ kind: 'unannounced', sessionId, inspectorId: visitor.id });
    const token = await inspectorToken(visitor.email);
    const findings = {
      checklist: { ...allOk, staffing: { result: 'ko', notes: 'Un seul surveillant pour 32 candidats' } },
      proposeSuspension: true,
      proposeBreach: true,
      summary: 'Surveillance insuffisante.',
    };
    const res = await http('POST', `/control-visits/${visit.id}/findings`, token, findings);
    expect(res.status).toBe(200);
    const suspensionId = `VIS-4:SUS-1:${visit.id}`;
    const breachId = `VIS-4:BRE-1:${visit.id}`;
    expect(res.body.agrementProposals).toEqual({
      recorded: [
        { kind: 'suspension', proposalId: suspensionId, ruleIds: ['VIS-4', 'SUS-1'] },
        { kind: 'breach-notice', proposalId: breachId, ruleIds: ['VIS-4', 'BRE-1'] },
      ],
      failed: [],
    });

    // The agrément's open proposals, as the legal team sees them; nothing applied yet.
    const seen = await http('GET', `/agrements/${centre.agrementId}`, legal);
    expect(seen.body.state).toBe('active');
    expect(seen.body.agrement.proposals).toEqual([
      expect.objectContaining({
        id: suspensionId,
        kind: 'suspension',
        cause: 'visit-findings',
        ruleId: 'SUS-1',
        ruleIds: ['VIS-4', 'SUS-1'],
        visitId: visit.id,
        proposedOn: day,
      }),
      expect.objectContaining({
        id: breachId,
        kind: 'breach-notice',
        cause: 'visit-findings',
        ruleId: 'BRE-1',
        ruleIds: ['VIS-4', 'BRE-1'],
        visitId: visit.id,
        proposedOn: day,
      }),
    ]);
    // A retry of the same findings proposes nothing twice.
    const retry = await http('POST', `/control-visits/${visit.id}/findings`, token, findings);
    expect(retry.body.agrementProposals.recorded.map((p: Json) => p.proposalId)).toEqual([suspensionId, breachId]);
    expect((await http('GET', `/agrements/${centre.agrementId}`, legal)).body.agrement.proposals).toHaveLength(2);

    // BRE-4: only the legal team decides.
    expect(
      (await http('POST', `/agrements/${centre.agrementId}/actions/confirm-proposal`, ops, { reason: 'x', proposalId: suspensionId }))
        .status,
    ).toBe(403);
    const suspended = await http('POST', `/agrements/${centre.agrementId}/actions/confirm-proposal`, legal, {
      reason: 'Constat grave lors de la visite',
      proposalId: suspensionId,
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ state: 'suspended', agrement: { suspension: { since: day } } });
    expect(suspended.body.agrement.suspension.reason).toContain('visite de contrôle');
    expect(suspended.body.agrement.proposals.map((p: Json) => p.id)).toEqual([breachId]);
    const notice = await http('POST', `/agrements/${centre.agrementId}/actions/confirm-proposal`, legal, {
      reason: 'Mise en demeure',
      proposalId: breachId,
    });
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({ state: 'under-notice', agrement: { breach: { letterSentOn: day }, proposals: [] } });
    // Decided: the same proposal cannot be decided twice, and the findings sent again propose nothing.
    expect(
      (await http('POST', `/agrements/${centre.agrementId}/actions/decline-proposal`, legal, { reason: 'x', proposalId: breachId })).body,
    ).toMatchObject({ statusCode: 409, rule: 'BRE-4' });
    await http('POST', `/control-visits/${visit.id}/findings`, token, findings);
    expect((await http('GET', `/agrements/${centre.agrementId}`, legal)).body.agrement.proposals).toEqual([]);

    // The centre is told of the suspension and of the formal notice.
    expect(await receivedMail(h.smtp, (x) => x.template === 'agrement-suspended' && x.to.includes(centre.email))).toHaveLength(1);
    expect(await receivedMail(h.smtp, (x) => x.template === 'breach-notice' && x.to.includes(centre.email))).toHaveLength(1);
    const events: Json[] = await h.db.query(
      `SELECT type, rule_ids FROM event_log WHERE stream_type = 'agrement' AND stream_id = $1 ORDER BY id`,
      [centre.agrementId],
    );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['suspension-proposed', 'breach-notice-proposed', 'proposal-confirmed', 'suspended', 'breach-notified']),
    );
    expect(events.find((e) => e.type === 'suspension-proposed')!.rule_ids).toEqual(['VIS-4', 'SUS-1', 'BRE-4']);
  });
});

describe('a centre’s quality record through the API (SES-13, SES-12, SUS-1 → VIS-1)', () => {
  it('SES-13 operations record a complaint received after the 2 months (out of time for the jury, kept all the same): audited, listed, and in the risk score', async () => {
    const centre = await agreedCentre('75', 'Centre réclamations');
    const before = (await http('GET', `/centres/${centre.organisationId}/risk`, ops)).body.facts;
    const session = await scheduledSession(centre.organisationId, plusDays(today(), 30));
    const complaint = await http('POST', `/centres/${centre.organisationId}/quality-events`, ops, {
      kind: 'complaint',
      occurredOn: today(),
      summary: 'Candidat interrompu par des travaux dans la salle',
      resultsPublishedOn: plusDays(today(), -70),
      sessionId: session,
    });
    expect(complaint.status).toBe(201);
    expect(complaint.body).toMatchObject({
      kind: 'complaint',
      occurredOn: today(),
      ruleId: 'SES-13',
      sessionId: session,
      complaint: { withinTime: false },
    });
    const incident = await http('POST', `/centres/${centre.organisationId}/quality-events`, legal, {
      kind: 'incident',
      occurredOn: plusDays(today(), -3),
      summary: 'Panne de courant',
    });
    expect(incident.status).toBe(201);
    // DATA-2: a breach notified 4 days after its discovery is recorded as late.
    const breach = await http('POST', `/centres/${centre.organisationId}/quality-events`, legal, {
      kind: 'data-breach',
      occurredOn: plusDays(today(), -5),
      summary: 'Liste d’émargement envoyée au mauvais destinataire',
      discoveredAt: `${plusDays(today(), -5)}T09:00:00+01:00`,
      notifiedAt: `${plusDays(today(), -1)}T09:00:00+01:00`,
    });
    expect(breach.status).toBe(201);
    expect(breach.body).toMatchObject({ kind: 'data-breach', ruleId: 'DATA-2', dataBreach: { withinTime: false } });
    const after = (await http('GET', `/centres/${centre.organisationId}/risk`, ops)).body.facts;
    expect(after).toMatchObject({ complaints: before.complaints + 1, incidents: before.incidents + 1 });
    const list = await http('GET', `/centres/${centre.organisationId}/quality-events?kind=complaint`, ops);
    expect(list.body).toMatchObject({
      total: 1,
      items: [{ id: complaint.body.id, summary: 'Candidat interrompu par des travaux dans la salle' }],
    });
    const [logged] = await h.db.query(
      `SELECT type, rule_ids, actor, reason FROM event_log WHERE stream_type = 'centre-quality' AND data->>'id' = $1`,
      [complaint.body.id],
    );
    expect(logged).toMatchObject({
      type: 'quality-complaint',
      rule_ids: ['SES-13', 'VIS-1'],
      reason: 'Candidat interrompu par des travaux dans la salle',
    });
    expect(logged.actor).toMatch(/\(operations\)$/);

    // Bad input changes nothing: 400 with the field, 404 an unknown centre, 403 a centre user.
    const count = async () =>
      (await h.db.query(`SELECT count(*)::int AS n FROM centre_quality_events WHERE organisation_id = $1`, [centre.organisationId]))[0].n;
    const n = await count();
    expect(
      (
        await http('POST', `/centres/${centre.organisationId}/quality-events`, ops, {
          kind: 'incident',
          occurredOn: plusDays(today(), 1),
          summary: 'x',
        })
      ).body,
    ).toMatchObject({ statusCode: 400, field: 'occurredOn' });
    expect(
      (
        await http('POST', `/centres/${centre.organisationId}/quality-events`, ops, {
          kind: 'incident',
          occurredOn: today(),
          summary: 'x',
          sessionId: 'S-of-another',
        })
      ).body,
    ).toMatchObject({ statusCode: 400, field: 'sessionId' });
    expect(
      (await http('POST', `/centres/${centre.organisationId}/quality-events`, ops, { kind: 'gossip', occurredOn: today(), summary: 'x' }))
        .body,
    ).toMatchObject({ statusCode: 400, field: 'kind' });
    expect(
      (await http('POST', `/centres/${randomUUID()}/quality-events`, ops, { kind: 'incident', occurredOn: today(), summary: 'x' })).status,
    ).toBe(404);
    const centreUser = await h.tokenFor('centre', centre.organisationId);
    expect(
      (
        await http('POST', `/centres/${centre.organisationId}/quality-events`, centreUser, {
          kind: 'incident',
          occurredOn: today(),
          summary: 'x',
        })
      ).status,
    ).toBe(403);
    expect(await count()).toBe(n);
  });
});
