import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementStateQuery, statementWorkflowId } from '../../../src/workflows/billing/definitions';
import { agrementStart, insertOrganisation } from '../../support/agrement-fixtures';
import { createHarness, serveApi, type Harness } from '../../support/harness';
import { requestJson } from '../../support/http';

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  ops = await h.tokenFor('operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(method: string, path: string, body?: unknown, token = ops) {
  return requestJson(`${api}${path}`, method, { token, body });
}

/** A centre with one paying session in October 2026, and its statement workflow started on the real clock (so already past the 5th). */
async function statementOfOctober() {
  const start = agrementStart('2026-01-05');
  await insertOrganisation(h.db, start);
  await h.db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, content_hash, source, finalised_at)
     VALUES ($1, $2, $2, 'centre', '2026-10-14', '14:00', '16:00', 'Europe/Paris', 'finalised', '2026-10-16T14:00:00Z', 2, 2, 9000, 2000, 2, 'sessions@2020-01', '{}', 'h', 'api', '2026-10-14T18:00:00Z')`,
    [`ST-${start.organisationId.slice(0, 8)}`, start.organisationId],
  );
  const handle = await h.client.workflow.start('statementWorkflow', { workflowId: statementWorkflowId(start.organisationId, '2026-10'), taskQueue: h.taskQueue, args: [{ organisationId: start.organisationId, month: '2026-10' }] });
  let id: string | null = null;
  for (let i = 0; i < 100 && !id; i++) {
    id = (await handle.query(statementStateQuery)).statementId;
    if (!id) await new Promise((r) => setTimeout(r, 100));
  }
  return { start, handle, id: id! };
}

describe('statements API (BIL-1, BIL-2)', () => {
  it('BIL-1 lists the statement, shows it overdue on the dashboard, the centre reports it sent (late), and reminders stop', async () => {
    const { start, handle, id } = await statementOfOctober();
    const centre = await h.tokenFor('centre', start.organisationId);
    const mine = await http('GET', '/statements', undefined, centre);
    expect(mine.body.items).toEqual([expect.objectContaining({ id, month: '2026-10', state: 'prepared', dueAt: '2026-11-05T22:59:59.999Z' })]);
    expect(mine.body.items[0].totals).toEqual({ candidates: 2, priceExclVatEur: 75, priceInclVatEur: 90, pixShareExclVatEur: 16.67, pixShareInclVatEur: 20 });
    const late = await http('GET', '/dashboard/overdue?limit=1000');
    expect(late.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'statement', id, what: 'statement-overdue', ruleId: 'BIL-1', since: '2026-11-05' })]));
    const stranger = agrementStart('2026-01-05');
    await insertOrganisation(h.db, stranger);
    const other = await h.tokenFor('centre', stranger.organisationId);
    expect((await http('GET', `/statements/${id}`, undefined, other)).status).toBe(404);

    const sent = await http('POST', `/statements/${id}/sent`, {}, centre);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'sent', sentLate: true });
    expect((await handle.result()).state).toBe('sent');
    expect((await http('POST', `/statements/${id}/sent`, {}, centre)).body.rule).toBe('BIL-1');
  });

  it('BIL-2 operations record the invoice and its payment; 34 days late at ECB 2.15 % + 10 points, plus 40 €; the centre may not', async () => {
    const { start, id } = await statementOfOctober();
    const centre = await h.tokenFor('centre', start.organisationId);
    expect((await http('POST', `/statements/${id}/invoice`, { issuedOn: '2026-01-10', amountEur: 1000 })).body.rule).toBe('BIL-2'); // not sent yet
    expect((await http('POST', `/statements/${id}/sent`, {}, centre)).status).toBe(200);
    expect((await http('POST', `/statements/${id}/invoice`, { issuedOn: '2026-01-10', amountEur: 1000 }, centre)).status).toBe(403);
    const bad = await http('POST', `/statements/${id}/invoice`, { issuedOn: '10/01/2026', amountEur: 1000 });
    expect(bad).toMatchObject({ status: 400, body: { field: 'issuedOn' } });
    expect((await http('POST', `/statements/${id}/invoice`, { issuedOn: '2026-01-10', amountEur: 1000 })).body.state).toBe('invoiced');
    const paid = await http('POST', `/statements/${id}/payment`, { paidOn: '2026-03-15' });
    expect(paid.status).toBe(200);
    // Due 9 February; late 10 February – 15 March = 34 days at 12.15 %: 1,000 × 12.15 % × 34 / 365 = 11.32 €.
    expect(paid.body.lateInterest).toMatchObject({ runsFrom: '2026-02-10', daysLate: 34, interestEur: 11.32, indemnityEur: 40, totalEur: 51.32 });
    expect((await http('POST', `/statements/${id}/payment`, { paidOn: '2026-03-16' })).status).toBe(409);
  });
});
