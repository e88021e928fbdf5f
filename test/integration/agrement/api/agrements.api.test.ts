import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { agrementStateQuery, agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { createHarness, ownerDb, serveApi, type Harness, receivedMail } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { until } from '../../../support/waiting';

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
  await app?.close();
  await h?.close();
});

async function http(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  token = legal,
): Promise<{ status: number; body: Json }> {
  return requestJson(`${api}${path}`, method, { token, body, headers });
}

const today = () => dateIn(new Date(), 'Europe/Paris');

/** An agrément granted today, its workflow running on the test server's real clock. */
async function newAgrement() {
  const start = agrementStart(today(), { referent: { name: 'R', email: 'r@test.fr', trainedOn: today(), recognisedQualifications: true } });
  await insertOrganisation(h.db, start);
  const handle = await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => http('GET', `/agrements/${start.agrementId}`),
    (r) => r.status === 200,
  );
  return { start, handle };
}

/** SUS-3: the day from which what the organisation owes Pix is payable at once (null: the normal terms). */
async function payableAtOnce(organisationId: string): Promise<{ on: string | null; rule: string | null }> {
  const [row]: { on: string | null; rule: string | null }[] = await h.db.query(
    `SELECT to_char(amounts_payable_on, 'YYYY-MM-DD') AS on, amounts_payable_rule_id AS rule FROM organisations WHERE id = $1`,
    [organisationId],
  );
  return row!;
}

describe('agrément API: the legal team acts, the workflow records, the centre is told', () => {
  it('SUS-1 SUS-2 SUS-3 SUS-4 a suspension refuses sessions with 409 naming SUS-2 and makes amounts payable at once, until it is lifted', async () => {
    const { start } = await newAgrement();
    expect((await http('POST', `/agrements/${start.agrementId}/sessions/check`)).status).toBe(200);
    const suspended = await http('POST', `/agrements/${start.agrementId}/actions/suspend`, {
      reason: 'Fraude signalée par trois candidats',
      evidence: 'courriels du 2 mars',
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body.state).toBe('suspended');
    expect(suspended.body.timeline.at(-1)).toMatchObject({
      type: 'suspended',
      actor: 'Juriste Pix (legal)',
      reason: 'Fraude signalée par trois candidats',
      ruleIds: ['SUS-1', 'SUS-2', 'SUS-3'],
      data: expect.objectContaining({ evidence: 'courriels du 2 mars' }),
    });
    const refused = await http('POST', `/agrements/${start.agrementId}/sessions/check`);
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('SUS-2');
    const [mail] = await receivedMail(h.smtp, (m) => m.template === 'agrement-suspended' && m.to.includes(start.email));
    expect(mail).toBeDefined();
    expect(
      await until(
        () => payableAtOnce(start.organisationId),
        (p) => p.on !== null,
      ),
    ).toEqual({ on: today(), rule: 'SUS-3' });

    const lifted = await http('POST', `/agrements/${start.agrementId}/actions/lift-suspension`, {
      reason: 'Mesures correctives constatées',
    });
    expect(lifted.body.state).toBe('active');
    expect((await http('POST', `/agrements/${start.agrementId}/sessions/check`)).status).toBe(200);
    expect(
      await until(
        () => payableAtOnce(start.organisationId),
        (p) => p.on === null,
      ),
    ).toEqual({ on: null, rule: null });
  });

  it('BRE-1 BRE-3 a formal notice gives 30 days to cure; the cure needs evidence (400 names the field) and closes the procedure', async () => {
    const { start } = await newAgrement();
    const notified = await http('POST', `/agrements/${start.agrementId}/actions/notify-breach`, {
      reason: 'Surveillance insuffisante',
      letterSentOn: today(),
    });
    expect(notified.status).toBe(200);
    expect(notified.body.state).toBe('under-notice');
    expect(notified.body.agrement.breach.cureDueOn).toBe(isoDate(addDays(parseIsoDate(today()), 30)));
    expect(notified.body.deadlines.map((d: Json) => d.name)).toContain('cure-due');
    const noEvidence = await http('POST', `/agrements/${start.agrementId}/actions/record-cure`, { reason: 'corrigé' });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.field).toBe('evidence');
    const cured = await http('POST', `/agrements/${start.agrementId}/actions/record-cure`, {
      reason: 'corrigé',
      evidence: 'rapport de visite du 12 mars',
    });
    expect(cured.body.state).toBe('active');
    expect(cured.body.deadlines.map((d: Json) => d.name)).not.toContain('cure-due');
  });

  it('BRE-1 BRE-3 the deadline ledger: GET lists each deadline once with its date, rule and outcome, the cure due on its day even though it came in time', async () => {
    const { start } = await newAgrement();
    await http('POST', `/agrements/${start.agrementId}/actions/notify-breach`, {
      reason: 'Surveillance insuffisante',
      letterSentOn: today(),
    });
    await http('POST', `/agrements/${start.agrementId}/actions/record-cure`, {
      reason: 'corrigé',
      evidence: 'rapport de visite du 12 mars',
    });
    const got = await http('GET', `/agrements/${start.agrementId}`, undefined, {}, operations);
    expect(got.status).toBe(200);
    const ledger = got.body.ledger as Json[];
    expect(ledger.filter((d) => d.name === 'cure-due')).toEqual([
      expect.objectContaining({
        on: isoDate(addDays(parseIsoDate(today()), 30)),
        ruleId: 'BRE-1',
        outcome: 'met',
        outcomeOn: today(),
        outcomeBy: 'breach-cured',
        setOn: today(),
        setBy: 'breach-notified',
      }),
    ]);
    // Still ahead: the term (AGR-4), pending; each deadline once, soonest first.
    expect(ledger.find((d) => d.name === 'term')).toMatchObject({
      on: got.body.termOn,
      ruleId: 'AGR-4',
      outcome: 'pending',
      outcomeOn: null,
      outcomeBy: null,
    });
    expect(new Set(ledger.map((d) => d.key)).size).toBe(ledger.length);
    expect(ledger.map((d) => d.on)).toEqual([...ledger.map((d) => d.on)].sort());
  });

  it('409 names the rule and changes nothing; 400 for an unknown action; 404 for an unknown agrément', async () => {
    const { start, handle } = await newAgrement();
    const before = await handle.query(agrementStateQuery);
    const refused = await http('POST', `/agrements/${start.agrementId}/actions/lift-suspension`, { reason: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('SUS-4');
    expect((await handle.query(agrementStateQuery)).version).toBe(before.version);
    const unknown = await http('POST', `/agrements/${start.agrementId}/actions/dissolve`, {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('action');
    expect((await http('GET', '/agrements/5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f')).status).toBe(404);
  });

  it('an action retried with the same Idempotency-Key is applied once', async () => {
    const { start } = await newAgrement();
    const key = `suspend-${start.agrementId}`;
    const first = await http(
      'POST',
      `/agrements/${start.agrementId}/actions/suspend`,
      { reason: 'Risque imminent' },
      { 'idempotency-key': key },
    );
    const again = await http(
      'POST',
      `/agrements/${start.agrementId}/actions/suspend`,
      { reason: 'Risque imminent' },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.timeline.filter((e: Json) => e.type === 'suspended')).toHaveLength(1);
  });

  it('QUO-3 finalised sessions count once; TER-1 the centre terminates with 30 days notice', async () => {
    const { start } = await newAgrement();
    for (let i = 0; i < 2; i++) {
      await http(
        'POST',
        `/agrements/${start.agrementId}/actions/record-finalised-session`,
        { sessionId: 'S-42', candidates: 18 },
        {},
        operations,
      );
    }
    const view = await http('GET', `/agrements/${start.agrementId}`);
    expect(view.body.candidates).toBe(18);
    const centre = await h.tokenFor('centre', start.organisationId);
    const terminating = await http(
      'POST',
      `/agrements/${start.agrementId}/actions/request-termination`,
      { reason: 'cessation de l’activité' },
      {},
      centre,
    );
    expect(terminating.body.state).toBe('terminating');
    expect(terminating.body.deadlines.find((d: Json) => d.name === 'termination-effective').on).toBe(
      isoDate(addDays(parseIsoDate(today()), 30)),
    );
    expect(await verifyLogChain(h.db)).toMatchObject({ valid: true });
  });
});

describe('the tamper-evident log', () => {
  it('the API verifies the chain, and finds the first entry altered behind its back', async () => {
    const { start } = await newAgrement();
    await http('POST', `/agrements/${start.agrementId}/actions/suspend`, { reason: 'Fraude' });
    const ok = await http('GET', '/audit/log/verification', undefined, {}, operations);
    expect(ok.status).toBe(200);
    expect(ok.body.valid).toBe(true);
    expect((await http('GET', '/audit/log/verification', undefined, {}, await h.tokenFor('centre', start.organisationId))).status).toBe(
      403,
    );

    // The database refuses UPDATE on the log; a superuser who disables the trigger is still caught (issue 12:
    // the app's own role cannot even do that, so the tampering goes through the owner's connection).
    const owner = await ownerDb();
    const [row] = await h.db.query(`SELECT id FROM event_log WHERE stream_id = $1 AND type = 'suspended'`, [start.agrementId]);
    await owner.transaction(async (m) => {
      await m.query('ALTER TABLE event_log DISABLE TRIGGER event_log_no_rewrite');
      await m.query(`UPDATE event_log SET reason = 'rien à signaler' WHERE id = $1`, [row.id]);
      await m.query('ALTER TABLE event_log ENABLE TRIGGER event_log_no_rewrite');
    });
    try {
      const broken = await http('GET', '/audit/log/verification', undefined, {}, operations);
      expect(broken.body).toMatchObject({ valid: false, brokenAt: { id: String(row.id), reason: 'hash' } });
    } finally {
      // Put the entry back so that later tests of this run see a valid chain.
      await owner.transaction(async (m) => {
        await m.query('ALTER TABLE event_log DISABLE TRIGGER event_log_no_rewrite');
        await m.query(`UPDATE event_log SET reason = 'Fraude' WHERE id = $1`, [row.id]);
        await m.query('ALTER TABLE event_log ENABLE TRIGGER event_log_no_rewrite');
      });
    }
    expect((await http('GET', '/audit/log/verification', undefined, {}, operations)).body.valid).toBe(true);
  });

  it('the database refuses to rewrite the log: the app role has no right to, and the trigger stops even the owner', async () => {
    await expect(h.db.query(`UPDATE event_log SET reason = 'x' WHERE id = (SELECT min(id) FROM event_log)`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(h.db.query(`DELETE FROM event_log`)).rejects.toThrow(/permission denied/);
    const owner = await ownerDb();
    await expect(owner.query(`UPDATE event_log SET reason = 'x' WHERE id = (SELECT min(id) FROM event_log)`)).rejects.toThrow(
      /append-only/,
    );
    await expect(owner.query(`DELETE FROM event_log`)).rejects.toThrow(/append-only/);
  });
});
