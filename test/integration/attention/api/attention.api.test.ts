import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { readStream, verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { createHarness, type Harness, serveApi } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { until } from '../../../support/waiting';

/**
 * Issue 11: e-mails leave outside the path of an update (an SMTP outage holds no legal action), once each
 * when SMTP is back; what the engine cannot finish alone is on the operations' attention list.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let legal: string;
let operations: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  legal = await h.tokenFor('legal');
  operations = await h.tokenFor('operations');
});
afterAll(async () => {
  h?.smtpUp();
  await app?.close();
  await h?.close();
});

const http = (method: string, path: string, token: string, body?: unknown) => requestJson(`${api}${path}`, method, { token, body });
const today = () => dateIn(new Date(), 'Europe/Paris');

async function newAgrement() {
  const start = agrementStart(today(), { referent: { name: 'R', email: 'r@test.fr', trainedOn: today(), recognisedQualifications: true } });
  await insertOrganisation(h.db, start);
  await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => http('GET', `/agrements/${start.agrementId}`, legal),
    (r) => r.status === 200,
  );
  return start;
}

/** The outbox row of the agrément's e-mail of this template (keys: agrement:<id>:<seq>:<template>:<audience>). */
async function outboxRow(agrementId: string, template: string): Promise<Json | undefined> {
  const rows: Json[] = await h.db.query(`SELECT * FROM email_outbox WHERE key LIKE $1 AND template = $2`, [
    `agrement:${agrementId}:%`,
    template,
  ]);
  return rows[0];
}
const received = (to: string, template: string) => h.smtp.messages().filter((m) => m.to.includes(to) && m.template === template);

describe('SMTP down: legal actions answer at once, their e-mails go once when SMTP is back', () => {
  it('SUS-1 SUS-4 a suspension and its lifting answer 200 at once while SMTP is down; each e-mail arrives once, after SMTP comes back', async () => {
    const start = await newAgrement();
    h.smtpDown();
    try {
      const suspended = await http('POST', `/agrements/${start.agrementId}/actions/suspend`, legal, {
        reason: 'Fraude signalée',
        evidence: 'courriels du 2 mars',
      });
      expect(suspended.status).toBe(200);
      expect(suspended.body.state).toBe('suspended');
      // The sender tried and failed: the e-mail waits in the outbox, the action did not.
      const waiting = await until(
        () => outboxRow(start.agrementId, 'agrement-suspended'),
        (r) => (r?.attempts ?? 0) >= 1,
      );
      expect(waiting).toMatchObject({
        status: 'pending',
        recipient: start.email,
        workflow_id: agrementWorkflowId(start.organisationId),
        workflow_type: 'agrementWorkflow',
      });
      expect(waiting!.last_error).toMatch(/ECONNREFUSED|connect/i);
      // A later action is not queued behind the undelivered e-mail either.
      const lifted = await http('POST', `/agrements/${start.agrementId}/actions/lift-suspension`, legal, {
        reason: 'Mesures correctives constatées',
      });
      expect(lifted.status).toBe(200);
      expect(lifted.body.state).toBe('active');
      // Both answered while the first e-mail still waits (asserted on the outbox, not on a duration).
      expect(await outboxRow(start.agrementId, 'agrement-suspended')).toMatchObject({ status: 'pending' });
      expect(received(start.email, 'agrement-suspended')).toHaveLength(0);
    } finally {
      h.smtpUp();
    }
    await h.mailSettled();
    expect(received(start.email, 'agrement-suspended')).toHaveLength(1);
    expect(received(start.email, 'agrement-suspension-lifted')).toHaveLength(1);
    const sent = await outboxRow(start.agrementId, 'agrement-suspended');
    expect(sent).toMatchObject({ status: 'sent' });
    expect(sent!.attempts).toBeGreaterThanOrEqual(2);
    expect(received(start.email, 'agrement-suspended')[0]!.messageId).toBe(sent!.message_id);
  });

  it(`SMTP down for long: after ${PARAMETERS.mail.attentionAfterAttempts} attempts the e-mail is on the attention list with its workflow; sent once when SMTP is back, the item resolves itself`, async () => {
    const start = await newAgrement();
    const workflowId = agrementWorkflowId(start.organisationId);
    h.smtpDown();
    let item: Json | undefined;
    try {
      expect((await http('POST', `/agrements/${start.agrementId}/actions/suspend`, legal, { reason: 'Risque imminent' })).status).toBe(200);
      const suspendedMail = (r: { body: Json }) =>
        (r.body.items as Json[] | undefined)?.find((i) => i.details.template === 'agrement-suspended');
      const listed = await until(
        () => http('GET', `/attention?kind=email-undelivered&workflowId=${encodeURIComponent(workflowId)}`, operations),
        (r) => suspendedMail(r) !== undefined,
      );
      item = suspendedMail(listed);
      expect(item).toMatchObject({
        kind: 'email-undelivered',
        workflowId,
        workflowType: 'agrementWorkflow',
        activityType: 'sendEmail',
        errorType: 'SmtpUnavailable',
        resolvedAt: null,
      });
      expect(item!.attempts).toBeGreaterThanOrEqual(PARAMETERS.mail.attentionAfterAttempts);
      expect(item!.details).toMatchObject({ template: 'agrement-suspended', recipient: start.email });
      expect(item!.action).toContain('SMTP');
      // Still pending, still retried: not given up.
      expect(await outboxRow(start.agrementId, 'agrement-suspended')).toMatchObject({ status: 'pending' });
    } finally {
      h.smtpUp();
    }
    await h.mailSettled();
    expect(received(start.email, 'agrement-suspended')).toHaveLength(1);
    const after = await http('GET', `/attention/${item!.id}`, operations);
    expect(after.body).toMatchObject({ id: item!.id, resolvedBy: 'system' });
    expect(after.body.resolution).toContain('Courriel envoyé');
    const open = await http('GET', `/attention?workflowId=${encodeURIComponent(workflowId)}`, operations);
    expect(open.body.items).toEqual([]);
  });
});

describe('the attention list (operations)', () => {
  it('lists a workflow that failed for good with what to do; operations mark it resolved with a reason, recorded in the event log', async () => {
    // An agrément started for an organisation never registered: PostgreSQL refuses its row (23503).
    const start = agrementStart(today());
    const workflowId = agrementWorkflowId(start.organisationId);
    await h.client.workflow.start('agrementWorkflow', { workflowId, taskQueue: h.taskQueue, args: [{ start }] });
    const listed = await until(
      () => http('GET', `/attention?workflowId=${encodeURIComponent(workflowId)}`, operations),
      (r) => r.body.items?.length > 0,
    );
    expect(listed.status).toBe(200);
    const [item] = listed.body.items as Json[];
    expect(item).toMatchObject({
      kind: 'activity-failed',
      workflowId,
      workflowType: 'agrementWorkflow',
      activityType: 'recordAgrement',
      errorType: 'DatabaseDataError',
      resolvedAt: null,
    });
    expect(item!.action).toMatch(/relancer le workflow/);

    // Operations only; 400 names the field; 404 for an unknown item.
    expect((await http('GET', '/attention', legal)).status).toBe(403);
    expect((await http('POST', `/attention/${item!.id}/resolve`, legal, { reason: 'x' })).status).toBe(403);
    expect((await http('GET', '/attention?status=closed', operations)).body).toMatchObject({ statusCode: 400, field: 'status' });
    expect((await http('GET', '/attention/not-a-uuid', operations)).body).toMatchObject({ statusCode: 400, field: 'id' });
    expect((await http('GET', '/attention/5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f', operations)).status).toBe(404);
    expect((await http('POST', `/attention/${item!.id}/resolve`, operations, {})).body).toMatchObject({ statusCode: 400, field: 'reason' });
    expect((await http('POST', `/attention/${item!.id}/resolve`, operations, { reason: '   ' })).body).toMatchObject({
      statusCode: 400,
      field: 'reason',
    });

    // On the operations dashboard too (JSON and CSV).
    const dashboard = await http('GET', '/dashboard/attention', operations);
    expect(dashboard.body.items.map((i: Json) => i.id)).toContain(item!.id);
    const text = await (
      await fetch(`${api}/dashboard/attention?format=csv`, { headers: { authorization: `Bearer ${operations}` } })
    ).text();
    expect(text).toContain(workflowId);
    expect((await http('GET', '/dashboard/attention', legal)).status).toBe(403);

    const resolved = await http('POST', `/attention/${item!.id}/resolve`, operations, {
      reason: 'Organisme enregistré, workflow relancé (reset)',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      id: item!.id,
      resolvedBy: expect.stringContaining('(operations)'),
      resolution: 'Organisme enregistré, workflow relancé (reset)',
    });
    expect(resolved.body.resolvedAt).not.toBeNull();
    const again = await http('POST', `/attention/${item!.id}/resolve`, operations, { reason: 'autre chose' });
    expect(again.body).toMatchObject({
      resolvedAt: resolved.body.resolvedAt,
      resolution: 'Organisme enregistré, workflow relancé (reset)',
    });

    const log = await readStream(h.db, 'attention', item!.id);
    expect(log.map((e) => [e.type, e.fromState, e.toState, e.reason])).toEqual([
      ['attention-resolved', 'open', 'resolved', 'Organisme enregistré, workflow relancé (reset)'],
    ]);
    expect(log[0]!.actor).toContain('(operations)');
    expect(log[0]!.data).toMatchObject({ workflowId, errorType: 'DatabaseDataError' });
    expect((await verifyLogChain(h.db)).valid).toBe(true);

    expect((await http('GET', `/attention?workflowId=${encodeURIComponent(workflowId)}`, operations)).body.items).toEqual([]);
    const history = await http('GET', `/attention?status=resolved&workflowId=${encodeURIComponent(workflowId)}`, operations);
    expect(history.body.items.map((i: Json) => i.id)).toEqual([item!.id]);
  });
});
