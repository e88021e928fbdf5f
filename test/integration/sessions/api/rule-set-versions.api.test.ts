import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { agrementStateQuery } from '../../../../src/agrement/workflows/definitions';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { createHarness, receivedMail, serveApi, type Harness } from '../../../support/harness';
import { requestJson } from '../../../support/http';
import { sessionReport } from '../../../support/session-fixtures';
import { documentComplaints } from '../../../support/openapi-schema';
import { until } from '../../../support/waiting';
import ses2020 from '../../../../src/sessions/rules/ses-2020-01.rules.json';
import ses2027 from '../../../fixtures/rules/ses-2027-01.rules.json';

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;

// Published versions stay in the run's database: they take effect in a year of their own, far from other tests' sessions.
const Y = 2100 + Math.floor(Math.random() * 90);

const savedSmtp = process.env.SMTP_URL;

beforeAll(async () => {
  h = await createHarness();
  // The API sends its e-mails through the outbox over SMTP_URL: here, the harness' SMTP capture.
  process.env.SMTP_URL = h.smtp.url;
  ({ app, url: api } = await serveApi(h));
  ops = await h.tokenFor('operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
  if (savedSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = savedSmtp;
});

const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function http(method: string, path: string, body?: unknown, token = ops) {
  return requestJson(`${api}${path}`, method, { token, body });
}

/** The 2027 fixture (15 candidates per invigilator, a substantial change) as a version of its own. */
function fixtureRules(version: string) {
  const { effectiveFrom: _e, ...rules } = structuredClone(ses2027) as Record<string, unknown>;
  return { ...rules, version };
}

/** The real cahier unchanged under another label: a non-substantial version. */
function sameRules(version: string) {
  const { effectiveFrom: _e, ...rules } = structuredClone(ses2020) as Record<string, unknown>;
  return { ...rules, version, source: 'Cahier des charges de janvier 2020, précisions de forme (essai)' };
}

const draft = (version: string, effectiveFrom: string, substantial = true) => ({
  rules: substantial ? fixtureRules(version) : sameRules(version),
  effectiveFrom,
  substantial,
  summary: substantial ? 'Au plus 15 candidats par surveillant au lieu de 20.' : 'Précisions sur la configuration des postes.',
});

describe('rule-set versions API (AGR-5, AGR-6): drafted, studied, published by operations', () => {
  it('AGR-6 a draft is validated (400 names the field), listed, read and edited; operations only', async () => {
    const bad = await http('POST', '/rule-set-versions', {
      ...draft(`${Y}-01`, `${Y}-01-01`),
      rules: { ...fixtureRules(`${Y}-01`), ruleSet: 'dossier' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('rules');
    expect(bad.body.message).toMatch(/ruleSet/);
    const noSummary = await http('POST', '/rule-set-versions', { ...draft(`${Y}-01`, `${Y}-01-01`), summary: undefined });
    expect([noSummary.status, noSummary.body.field]).toEqual([400, 'summary']);
    const twoDates = await http('POST', '/rule-set-versions', {
      ...draft(`${Y}-01`, `${Y}-01-01`),
      rules: { ...fixtureRules(`${Y}-01`), effectiveFrom: `${Y}-02-01` },
    });
    expect([twoDates.status, twoDates.body.field]).toEqual([400, 'rules.effectiveFrom']);
    const badDate = await http('POST', '/rule-set-versions', draft(`${Y}-01`, `${Y}-13-01`));
    expect([badDate.status, badDate.body.field]).toEqual([400, 'effectiveFrom']);

    const created = await http('POST', '/rule-set-versions', draft(`${Y}-01`, `${Y}-01-01`));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ruleSetId: `sessions@${Y}-01`,
      status: 'draft',
      effectiveFrom: `${Y}-01-01`,
      substantial: true,
      publishedOn: null,
    });
    expect(created.body.rules.effectiveFrom).toBe(`${Y}-01-01`);
    const again = await http('POST', '/rule-set-versions', draft(`${Y}-01`, `${Y}-01-02`));
    expect([again.status, again.body.rule]).toEqual([409, 'AGR-6']);
    const base = await http('POST', '/rule-set-versions', draft('2020-01', `${Y}-01-03`));
    expect([base.status, base.body.rule]).toEqual([409, 'AGR-6']);

    const list = await http('GET', '/rule-set-versions?status=draft');
    expect(list.status).toBe(200);
    expect(list.body.map((v: { id: string }) => v.id)).toContain(created.body.id);
    expect((await http('GET', '/rule-set-versions?status=other')).body.field).toBe('status');
    const one = await http('GET', `/rule-set-versions/${created.body.id}`);
    expect(one.body.rules.version).toBe(`${Y}-01`);
    // Issue 14: the Règles screen reads these answers through the typed client: they match the document.
    expect(await documentComplaints(api, 'GET /rule-set-versions', 200, list.body)).toEqual([]);
    expect(await documentComplaints(api, 'GET /rule-set-versions/{id}', 200, one.body)).toEqual([]);
    expect((await http('GET', '/rule-set-versions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await http('GET', '/rule-set-versions/nope')).body.field).toBe('id');

    const edited = await http('PUT', `/rule-set-versions/${created.body.id}`, {
      ...draft(`${Y}-01`, `${Y}-01-05`),
      summary: 'Ratio de surveillance abaissé à 15.',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ effectiveFrom: `${Y}-01-05`, summary: 'Ratio de surveillance abaissé à 15.', status: 'draft' });

    // An agrément whose term lies after year Y: SES-9 judges a session against the agrément as it stands on its date (AGR-4).
    const c = await runningAgrement(h, `${Y - 1}-06-01`);
    const centre = await h.tokenFor('centre', c.organisationId);
    expect((await http('POST', '/rule-set-versions', draft(`${Y}-09`, `${Y}-09-01`), centre)).status).toBe(403);
    expect((await http('GET', '/rule-set-versions', undefined, centre)).status).toBe(403);
    expect((await http('POST', `/rule-set-versions/${created.body.id}/publish`, {}, centre)).status).toBe(403);
  });

  it('AGR-6 the impact report lists the planned sessions from the effective date that the draft would refuse, with the failing rule IDs', async () => {
    // An agrément whose term lies after year Y: SES-9 judges a session against the agrément as it stands on its date (AGR-4).
    const c = await runningAgrement(h, `${Y - 1}-06-01`);
    const created = await http('POST', '/rule-set-versions', draft(`${Y}-03`, `${Y}-03-01`));
    expect(created.status).toBe(201);
    // 16 candidates for one invigilator: accepted by the cahier in force (20), refused by the draft (15).
    const sixteen = sessionReport(c.organisationId, { date: `${Y}-03-10` }, 16);
    const ten = sessionReport(c.organisationId, { date: `${Y}-03-10` }, 10);
    const before = sessionReport(c.organisationId, { date: `${Y}-02-27` }, 16);
    const cancelled = sessionReport(c.organisationId, { date: `${Y}-03-11` }, 16);
    for (const s of [sixteen, ten, before, cancelled]) expect((await http('POST', '/sessions', s)).status).toBe(201);
    expect((await http('POST', `/sessions/${cancelled.id}/cancel`, { reason: 'Annulée' })).status).toBe(200);

    const impact = await http('GET', `/rule-set-versions/${created.body.id}/impact`);
    expect(impact.status).toBe(200);
    expect(impact.body).toMatchObject({ ruleSetId: `sessions@${Y}-03`, effectiveFrom: `${Y}-03-01`, status: 'draft' });
    const ids = impact.body.refused.map((r: { sessionId: string }) => r.sessionId);
    expect(ids).toContain(sixteen.id);
    expect(ids).not.toContain(ten.id);
    expect(ids).not.toContain(before.id);
    expect(ids).not.toContain(cancelled.id);
    const refused = impact.body.refused.find((r: { sessionId: string }) => r.sessionId === sixteen.id);
    expect(refused).toMatchObject({ organisationId: c.organisationId, date: `${Y}-03-10`, ruleIds: ['SES-2'] });
    expect(refused.failures[0]).toMatchObject({ ruleId: 'SES-2', check: 'SES-2.candidates-per-invigilator', actual: 16, expected: 15 });
    expect(await documentComplaints(api, 'GET /rule-set-versions/{id}/impact', 200, impact.body)).toEqual([]);
    // Studying a draft changes nothing: the session is still judged by the cahier in force.
    expect((await http('POST', '/sessions/dry-run', sessionReport(c.organisationId, { date: `${Y}-03-10` }, 16))).body).toMatchObject({
      allowed: true,
      ruleSetId: 'sessions@2020-01',
    });
  });

  it('AGR-5 a substantial version is published at least 1 month ahead, then judges sessions from its effective date, never changes, and each running agrément is notified (cahier-change-notified)', async () => {
    const c = await runningAgrement(h, today());
    // Sessions of year Y need an agrément whose term lies after it: SES-9 judges a session as the agrément stands on its date (AGR-4).
    const s = await runningAgrement(h, `${Y - 1}-06-01`);
    const created = await http('POST', '/rule-set-versions', draft(`${Y}-05`, plusDays(today(), 20)));
    expect(created.status).toBe(201);
    const early = await http('POST', `/rule-set-versions/${created.body.id}/publish`);
    expect([early.status, early.body.rule]).toEqual([409, 'AGR-5']);
    expect(early.body.message).toMatch(/art\. 8\.1/);
    expect((await http('GET', `/rule-set-versions/${created.body.id}`)).body.status).toBe('draft');

    expect((await http('PUT', `/rule-set-versions/${created.body.id}`, draft(`${Y}-05`, `${Y}-05-01`))).status).toBe(200);
    const published = await http('POST', `/rule-set-versions/${created.body.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.version).toMatchObject({ status: 'published', publishedOn: today(), effectiveFrom: `${Y}-05-01` });
    expect(published.body.notices.failed.map((f: { agrementId: string }) => f.agrementId)).not.toContain(c.start.agrementId);
    expect(published.body.notices.delivered).toBeGreaterThanOrEqual(1);

    // AGR-5: the agrément holds the change and its 1-month deadline; the centre got the cahier-change-notice e-mail.
    const state = await c.handle.query(agrementStateQuery);
    expect(state.cahierChange).toMatchObject({ notifiedOn: today(), effectiveOn: `${Y}-05-01` });
    expect(state.cahierChange?.summary).toMatch(/15 candidats par surveillant/);
    expect(state.deadlines.map((d) => d.name)).toContain('cahier-change-apply-by');
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'cahier-change-notice' && m.to.includes(c.start.email));
    expect(mail?.subject).toMatch(/modification substantielle/);

    // AGR-6: a published version never changes.
    const edit = await http('PUT', `/rule-set-versions/${created.body.id}`, draft(`${Y}-05`, `${Y}-06-01`));
    expect([edit.status, edit.body.rule]).toEqual([409, 'AGR-6']);
    const twice = await http('POST', `/rule-set-versions/${created.body.id}/publish`);
    expect([twice.status, twice.body.rule]).toEqual([409, 'AGR-6']);
    // Another version taking effect the same day is refused at publication.
    const sameDay = await http('POST', '/rule-set-versions', draft(`${Y}-05b`, `${Y}-05-01`));
    expect([(await http('POST', `/rule-set-versions/${sameDay.body.id}/publish`)).status]).toEqual([409]);

    // AGR-6: sessions are judged by the version in force on their date.
    const after = await http('POST', '/sessions', sessionReport(s.organisationId, { date: `${Y}-05-10` }, 16));
    expect(after.status).toBe(422);
    expect(after.body.failures.find((f: { ruleId: string }) => f.ruleId === 'SES-2')).toMatchObject({ actual: 16, expected: 15 });
    const beforeIt = await http('POST', '/sessions', sessionReport(s.organisationId, { date: `${Y}-04-30` }, 16));
    expect(beforeIt.status).toBe(201);
    expect(beforeIt.body.session.ruleSetId).toBe('sessions@2020-01');
    const sets = await http('GET', '/rule-sets');
    expect(sets.body[0].id).toBe('sessions@2020-01');
    expect(sets.body.find((s: { id: string }) => s.id === `sessions@${Y}-05`)).toMatchObject({
      effectiveFrom: `${Y}-05-01`,
      parameterOverrides: { 'sessions.maxCandidatesPerInvigilator': 15 },
    });
  });

  it("AGR-5 a non-substantial version (Conv art. 8.2) also takes 1 month's notice and is e-mailed once to each running agrément's centre through the outbox", async () => {
    // An agrément whose term lies after year Y: SES-9 judges a session against the agrément as it stands on its date (AGR-4).
    const c = await runningAgrement(h, `${Y - 1}-06-01`);
    const created = await http('POST', '/rule-set-versions', draft(`${Y}-07`, plusDays(today(), 27), false));
    expect(created.status).toBe(201);
    const early = await http('POST', `/rule-set-versions/${created.body.id}/publish`);
    expect([early.status, early.body.rule]).toEqual([409, 'AGR-5']);
    expect(early.body.message).toMatch(/art\. 8\.2/);

    expect((await http('PUT', `/rule-set-versions/${created.body.id}`, draft(`${Y}-07`, `${Y}-07-01`, false))).status).toBe(200);
    const published = await http('POST', `/rule-set-versions/${created.body.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.notices.failed).toEqual([]);
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'cahier-minor-change-notice' && m.to.includes(c.start.email));
    expect(mail?.subject).toMatch(/évolution non substantielle du cahier des charges, applicable le 1er juillet/);
    expect(h.smtp.readMessage(mail!.id)?.text).toMatch(/article 8\.2/);
    // The outbox marks the row sent right after the SMTP server accepted it.
    const outbox = await until(
      () => h.db.query(`SELECT status FROM email_outbox WHERE template = 'cahier-minor-change-notice' AND recipient = $1`, [c.start.email]),
      (rows: { status: string }[]) => rows.length === 1 && rows[0]!.status === 'sent',
    );
    expect(outbox).toEqual([{ status: 'sent' }]);
    // Not a substantial change: the agrément records no cahier change.
    expect((await c.handle.query(agrementStateQuery)).cahierChange).toBeNull();

    // Delivering again sends nothing twice.
    const again = await http('POST', `/rule-set-versions/${created.body.id}/notices`);
    expect(again.status).toBe(200);
    expect(again.body.delivered).toBe(0);
    expect(again.body.alreadyDelivered).toBeGreaterThanOrEqual(1);
    const mails = h.smtp.messages().filter((m) => m.template === 'cahier-minor-change-notice' && m.to.includes(c.start.email));
    expect(mails).toHaveLength(1);
    const read = await http('GET', `/rule-set-versions/${created.body.id}`);
    expect(read.body.notices).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'email', status: 'delivered' })]));
    expect(await verifyLogChain(h.db)).toMatchObject({ valid: true });
  });

  it('AGR-5 AGR-6 SCO-2 the endpoints are described in the OpenAPI document with their JSON schemas', async () => {
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as Record<string, any>;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/rule-set-versions',
        '/rule-set-versions/{id}',
        '/rule-set-versions/{id}/impact',
        '/rule-set-versions/{id}/publish',
        '/rule-set-versions/{id}/notices',
        '/campaign-windows',
        '/campaign-windows/{schoolYear}/{schoolType}',
        '/campaign-windows/{schoolYear}/derogations/{organisationId}',
      ]),
    );
    const draftBody = doc.paths['/rule-set-versions'].post.requestBody.content['application/json'].schema;
    expect(draftBody.required).toEqual(['rules', 'effectiveFrom', 'substantial', 'summary']);
    expect(doc.paths['/rule-set-versions/{id}/publish'].post.summary).toMatch(/AGR-5/);
    expect(doc.paths['/campaign-windows/{schoolYear}/{schoolType}'].put.requestBody.content['application/json'].schema.required).toEqual([
      'from',
      'to',
      'source',
    ]);
  });
});
