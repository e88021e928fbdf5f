import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { submitApplication } from '../../../../src/application/usecases/submit-application';
import { deliverWorkflowStarts } from '../../../../src/shared/usecases/workflow-starts';
import { applicationStateQuery, applicationWorkflowId } from '../../../../src/application/workflows/definitions';
import { individualApplication } from '../../../support/fixtures';
import { createHarness, serveApi, type Harness, receivedMail } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { until as waitFor } from '../../../support/waiting';
import { dateIn, startOfDay } from '../../../../src/shared/domain/zoned-time';
import { MS_PER_DAY } from '../../../../src/shared/domain/dates';

let h: Harness;
let app: INestApplication;
let api: string;
/** Every request acts as a Pix operations agent; the log names them "Agent Pix (operations)". */
let token: string;
const ACTOR = 'Agent Pix (operations)';

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  token = await h.tokenFor('operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  return requestJson(`${api}${path}`, method, { token, body, headers });
}

const today = () => new Date().toISOString().slice(0, 10);
const allPieces = () => [
  { type: 'adhesion-form', filename: 'adhesion.pdf' },
  { type: 'referent-cv', filename: 'cv.pdf' },
  { type: 'proof-of-legal-existence', filename: 'kbis.pdf', issuedOn: today() },
  { type: 'legal-status', filename: 'statuts.pdf' },
  { type: 'site-control-procedures', filename: 'procedures.pdf' },
];

async function countRows(table: string): Promise<number> {
  const [row] = await h.db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe('application API: HTTP → workflow → PostgreSQL → SMTP', () => {
  it('APP-1 DOC-1 a new application is received, explained and acknowledged by e-mail in French', async () => {
    const data = individualApplication();
    const res = await http('POST', '/applications', data);
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('submitted');
    expect(res.body.timeline[0]).toMatchObject({ type: 'application-submitted', actor: ACTOR, ruleIds: ['APP-1', 'APP-7'] });

    const mails = await receivedMail(h.smtp, (m) => m.template === 'application-acknowledged' && m.to.includes(data.organisation.email));
    expect(mails).toHaveLength(1);
    const message = h.smtp.readMessage(mails[0]!.id)!;
    expect(message.text).toContain(data.organisation.name);

    // The first DOC evaluation, stored by the workflow's activity: every missing piece, not just the first.
    const view = await waitFor(
      () => http('GET', `/applications/${res.body.id}`),
      (r) => r.body.evaluation !== null,
    );
    const failures = view.body.evaluation.dossier.failures as Json[];
    expect(failures.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['DOC-1']));
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(failures[0]).toHaveProperty('actual');
    expect(failures[0]).toHaveProperty('expected');
  });

  it('DOC-4 APP-2 APP-4 pieces complete the dossier, then admissibility sends the training invitation', async () => {
    const data = individualApplication();
    const { body: created } = await http('POST', '/applications', data);
    const withPieces = await http('POST', `/applications/${created.id}/pieces`, { pieces: allPieces() });
    expect(withPieces.status).toBe(200);
    expect(withPieces.body.pieces).toHaveLength(5);
    expect(withPieces.body.evaluation.dossier.passed).toBe(true);
    expect(withPieces.body.evaluation.eligibility.passed).toBe(true);

    const admissible = await http('POST', `/applications/${created.id}/admissibility`, { decision: 'admissible', reason: 'conforme' });
    expect(admissible.status).toBe(200);
    expect(admissible.body.state).toBe('admissible');
    expect(admissible.body.timeline.at(-1)).toMatchObject({ type: 'application-admissible', actor: ACTOR, reason: 'conforme' });
    const mails = await receivedMail(h.smtp, (m) => m.template === 'application-admissible' && m.to.includes(data.organisation.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/recevable/i);
  });

  it('DOC-4 an incomplete dossier tells the applicant exactly which pieces are missing, and stops the APP-7 clock', async () => {
    const data = individualApplication();
    const { body: created } = await http('POST', '/applications', data);
    await http('POST', `/applications/${created.id}/pieces`, { pieces: [{ type: 'adhesion-form', filename: 'a.pdf' }] });
    const res = await http('POST', `/applications/${created.id}/admissibility`, { decision: 'incomplete' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('incomplete');
    expect(res.body.procedure.missingPieces).toEqual(
      expect.arrayContaining(['referent-cv', 'proof-of-legal-existence', 'legal-status', 'site-control-procedures']),
    );
    expect(res.body.procedure.clock.pausedSince).not.toBeNull();
    // The list gives the time Pix held the file (APP-7); it stands still while the file waits on the applicant (a running
    // clock would have moved by the milliseconds between the two reads).
    const listed = async () =>
      (await everyItem(async (path) => (await http('GET', path)).body, '/applications?state=incomplete')).find(
        (a: Json) => a.id === created.id,
      )?.netElapsedMs;
    const elapsed = await listed();
    expect(Number.isInteger(elapsed) && elapsed >= 0).toBe(true);
    expect(await listed()).toBe(elapsed);
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'application-incomplete' && m.to.includes(data.organisation.email));
    expect(h.smtp.readMessage(mail!.id)!.text).toContain('CV du référent Pix');
  });

  it('APP-7 operations enter a file received earlier with its receivedOn: the clock runs from that day, past 2 months it is flagged overdue', async () => {
    const receivedOn = dateIn(new Date(Date.now() - 75 * MS_PER_DAY), 'Europe/Paris');
    const data = individualApplication({
      organisation: { ...individualApplication().organisation, name: 'Dossier papier reçu en retard' },
    });
    const res = await http('POST', '/applications', { ...data, receivedOn });
    expect(res.status).toBe(201);
    // Received at the start of that day in Paris; receivedOn is not kept in the application's data.
    expect(res.body.receivedAt).toBe(startOfDay(receivedOn, 'Europe/Paris').toISOString());
    expect(res.body.data.receivedOn).toBeUndefined();
    expect(res.body.timeline[0]).toMatchObject({ type: 'application-submitted', ruleIds: ['APP-1', 'APP-7'] });
    // Pix has held it 75 days: the workflow flags it overdue at once (APP-7), and the overdue list shows it.
    const flagged = await waitFor(
      async () => (await http('GET', `/applications/${res.body.id}`)).body,
      (a) => a.procedure?.overdueFlaggedAt != null,
    );
    expect(flagged.timeline.map((e: Json) => e.type)).toContain('procedure-overdue');
    const overdue = await everyItem(async (path) => (await http('GET', path)).body, '/applications?overdue=true');
    const listed = overdue.find((a: Json) => a.id === res.body.id);
    expect(listed.netElapsedMs).toBeGreaterThanOrEqual(75 * MS_PER_DAY);
    // Without receivedOn, an application is received now: its clock has 2 months to run.
    const now = await http('POST', '/applications', individualApplication());
    expect(Date.parse(now.body.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    const opened = await waitFor(
      async () => (await http('GET', `/applications/${now.body.id}`)).body,
      (a) => a.procedure != null,
    );
    expect(Date.parse(opened.procedure.procedureDeadline)).toBeGreaterThan(Date.now() + 55 * MS_PER_DAY);
    expect(opened.procedure.overdueFlaggedAt).toBeNull();
  });

  it('APP-7 receivedOn is refused with a 400 naming it: in the future, over a year back, not a date, or sent by a centre', async () => {
    const before = await countRows('applications');
    const day = (offset: number) => dateIn(new Date(Date.now() + offset * MS_PER_DAY), 'Europe/Paris');
    for (const receivedOn of [day(2), day(-400), '2026-02-30', 'yesterday']) {
      const res = await http('POST', '/applications', { ...individualApplication(), receivedOn });
      expect(res.status, receivedOn).toBe(400);
      expect(res.body.field, receivedOn).toBe('receivedOn');
    }
    const centre = await h.tokenFor('centre');
    const asCentre = await requestJson(`${api}/applications`, 'POST', {
      token: centre,
      body: { ...individualApplication(), receivedOn: day(-10) },
    });
    expect(asCentre.status).toBe(400);
    expect(asCentre.body.field).toBe('receivedOn');
    expect(await countRows('applications')).toBe(before);
  });

  it('400 names the field and changes nothing', async () => {
    const before = await countRows('applications');
    const noEmail = individualApplication();
    delete (noEmail.organisation as Partial<typeof noEmail.organisation>).email;
    const cases: [unknown, string][] = [
      [noEmail, 'organisation.email'],
      [{ ...individualApplication(), kind: 'franchise' }, 'kind'],
      [
        { ...individualApplication(), commitments: { ...individualApplication().commitments, committedCandidates: -1 } },
        'commitments.committedCandidates',
      ],
      [{ ...individualApplication(), extra: 1 }, 'extra'],
      [{ ...individualApplication(), kind: 'network' }, 'network'],
    ];
    for (const [body, field] of cases) {
      const res = await http('POST', '/applications', body);
      expect(res.status, field).toBe(400);
      expect(res.body.field).toBe(field);
    }
    expect(await countRows('applications')).toBe(before);

    const { body: created } = await http('POST', '/applications', individualApplication());
    const bad = await http('POST', `/applications/${created.id}/referent-training`, { on: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('on');
    const years = await http('POST', `/applications/${created.id}/grant`, { years: 4 });
    expect(years.status).toBe(400);
    expect(years.body.field).toBe('years');
  });

  it('404 for an unknown application, 400 for a malformed id', async () => {
    expect((await http('GET', '/applications/5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f')).status).toBe(404);
    expect((await http('POST', '/applications/5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f/grant', {})).status).toBe(404);
    const malformed = await http('GET', '/applications/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('id');
  });

  it('409 names the rule (APP-5: no grant before the référent training) and changes nothing', async () => {
    const { body: created } = await http('POST', '/applications', individualApplication());
    await http('POST', `/applications/${created.id}/pieces`, { pieces: allPieces() });
    await http('POST', `/applications/${created.id}/admissibility`, { decision: 'admissible' });
    const before = await http('GET', `/applications/${created.id}`);
    const res = await http('POST', `/applications/${created.id}/grant`, { years: 3 });
    expect(res.status).toBe(409);
    expect(res.body.rule).toBe('APP-5');
    const after = await http('GET', `/applications/${created.id}`);
    expect(after.body.state).toBe('admissible');
    expect(after.body.timeline).toEqual(before.body.timeline);
  });

  it('APP-2 a rejection gives its reasons by e-mail, and ends the procedure: later decisions get 409 APP-2', async () => {
    const data = individualApplication({ organisation: { ...individualApplication().organisation, category: 'other' } });
    const { body: created } = await http('POST', '/applications', data);
    await http('POST', `/applications/${created.id}/pieces`, { pieces: allPieces() });
    const refused = await http('POST', `/applications/${created.id}/admissibility`, { decision: 'admissible' });
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('ELIG-1');
    const rejected = await http('POST', `/applications/${created.id}/admissibility`, {
      decision: 'rejected',
      reasons: ["L'organisme n'est pas éligible individuellement (ELIG-1)"],
    });
    expect(rejected.body.state).toBe('rejected');
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'application-rejected' && m.to.includes(data.organisation.email));
    expect(h.smtp.readMessage(mail!.id)!.text).toContain("n'est pas éligible individuellement");
    const later = await http('POST', `/applications/${created.id}/admissibility`, { decision: 'admissible' });
    expect(later.status).toBe(409);
    expect(later.body.rule).toBe('APP-2');
  });

  it('APP-1 ELIG-4 a type B network below 51 departments is explained and cannot be admissible', async () => {
    const data = individualApplication({
      kind: 'network',
      commitments: { ...individualApplication().commitments, committedCandidates: 3000, priorNetworkOperation: true },
      network: {
        type: 'B',
        coordinatingEntity: 'Fédération test',
        departmentsCovered: ['01', '02', '03'],
        members: [
          { name: 'Membre 1', category: 'datadock-training-provider', department: '01', email: 'm1@reseau.fr' },
          { name: 'Membre 2', category: 'datadock-training-provider', department: '02', email: 'm2@reseau.fr' },
        ],
      },
    });
    const { status, body } = await http('POST', '/applications', data);
    expect(status).toBe(201);
    expect(body.members.map((m: Json) => m.name)).toEqual(['Membre 1', 'Membre 2']);
    const view = await waitFor(
      () => http('GET', `/applications/${body.id}`),
      (r) => r.body.evaluation !== null,
    );
    const elig4 = (view.body.evaluation.eligibility.failures as Json[]).find((f) => f.ruleId === 'ELIG-4');
    expect(elig4).toMatchObject({ actual: 3, expected: 51 });
  });

  it('DOC-3 a public higher-education establishment only owes the form, the référent CV and the control procedures', async () => {
    const data = individualApplication({
      kind: 'higher-education',
      organisation: {
        name: 'Université Test',
        category: 'public-higher-education',
        uai: '0751717J',
        department: '75',
        foreign: false,
        email: `u-${Date.now()}@univ.fr`,
      },
    });
    const { body } = await http('POST', '/applications', data);
    const res = await http('POST', `/applications/${body.id}/pieces`, {
      pieces: [
        { type: 'adhesion-form', filename: 'a.pdf' },
        { type: 'referent-cv', filename: 'cv.pdf' },
        { type: 'site-control-procedures', filename: 'p.pdf' },
      ],
    });
    expect(res.body.evaluation.dossier.passed).toBe(true);
  });

  it('a request retried with the same Idempotency-Key creates one application and applies a decision once', async () => {
    const key = `test-${Date.now()}-retry`;
    const data = individualApplication();
    const first = await http('POST', '/applications', data, { 'idempotency-key': key });
    const second = await http('POST', '/applications', data, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const rows = await h.db.query('SELECT count(*)::int AS n FROM applications WHERE id = $1', [first.body.id]);
    expect(rows[0].n).toBe(1);

    await http('POST', `/applications/${first.body.id}/pieces`, { pieces: allPieces() }, { 'idempotency-key': `${key}-pieces` });
    const again = await http(
      'POST',
      `/applications/${first.body.id}/pieces`,
      { pieces: allPieces() },
      { 'idempotency-key': `${key}-pieces` },
    );
    expect(again.status).toBe(200);
    expect(again.body.pieces).toHaveLength(5);
  });

  it('APP-1 a request retried with its Idempotency-Key after the procedure closed starts no second procedure (a re-seed)', async () => {
    const key = `test-${Date.now()}-closed`;
    const data = individualApplication();
    const first = await http('POST', '/applications', data, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const handle = h.client.workflow.getHandle(applicationWorkflowId(first.body.id));
    const { runId } = await handle.describe();
    // The procedure is over (here: closed by hand, as a completed one is); the client retries, or the demo seeds again.
    await handle.terminate('test: the procedure is over');
    const retried = await http('POST', '/applications', data, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(first.body.id);
    const after = await handle.describe();
    expect(after.runId).toBe(runId);
    expect(after.status.name).toBe('TERMINATED');
  });

  it('APP-1 an application committed while Temporal cannot be reached keeps its workflow start queued; the next round starts it', async () => {
    const workflow = h.client.workflow;
    const unreachable = Object.assign(Object.create(Object.getPrototypeOf(workflow)), workflow, {
      start: () => Promise.reject(new Error('Temporal unreachable')),
    }) as typeof workflow;
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const data = individualApplication();
    const { applicationId, workflowId, created } = await submitApplication(
      { ...deps, temporal: { workflow: unreachable } as typeof h.client },
      data,
      ACTOR,
    );
    expect(created).toBe(true);
    // Stored, readable, its start kept with the reason; no workflow yet.
    expect((await http('GET', `/applications/${applicationId}`)).body.state).toBe('submitted');
    expect(await h.db.query('SELECT attempts, last_error FROM workflow_start_outbox WHERE workflow_id = $1', [workflowId])).toEqual([
      { attempts: 1, last_error: 'Temporal unreachable' },
    ]);
    await expect(h.client.workflow.getHandle(workflowId).describe()).rejects.toThrow();
    // Housekeeping's round: the workflow starts, once, and acknowledges the application.
    expect((await deliverWorkflowStarts(deps, { olderThanSeconds: 0 })).started).toBeGreaterThanOrEqual(1);
    expect(await h.db.query('SELECT 1 FROM workflow_start_outbox WHERE workflow_id = $1', [workflowId])).toEqual([]);
    expect((await h.client.workflow.getHandle(workflowId).query(applicationStateQuery)).applicationId).toBe(applicationId);
    expect(
      await receivedMail(h.smtp, (m) => m.template === 'application-acknowledged' && m.to.includes(data.organisation.email)),
    ).toHaveLength(1);
  });

  it('lists applications by state, and the event log chain verifies', async () => {
    const res = await http('GET', '/applications?state=incomplete&limit=100');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
    expect(res.body.items.every((a: Json) => a.state === 'incomplete')).toBe(true);
    expect((await http('GET', '/applications?state=bogus')).body.field).toBe('state');
    expect(await verifyLogChain(h.db)).toMatchObject({ valid: true });
  });

  it('serves its OpenAPI description', async () => {
    const res = await fetch(`${api}/docs-json`);
    const doc = (await res.json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/applications', '/applications/{id}', '/applications/{id}/grant']));
  });
});
