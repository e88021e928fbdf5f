import { describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../../../src/billing/activities/billing.activities';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import type { SessionReport } from '../../../../src/sessions/usecases/session-report';
import { reportSessions } from '../../../../src/sessions/usecases/report-sessions';
import { statementStateQuery, statementWorkflowId } from '../../../../src/billing/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, requestJson, type Json } from '../../../support/http';
import { sessionReport } from '../../../support/session-fixtures';
import { until } from '../../../support/waiting';

let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

async function http(method: string, path: string, body?: unknown, token = ops) {
  return requestJson(`${api}${path}`, method, { token, body });
}

/** Every item of a list, all pages (other files' rows share the run's database). */
const listed = (path: string, token = ops) => everyItem(async (page) => (await http('GET', page, undefined, token)).body, path);

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
  const handle = await h.client.workflow.start('statementWorkflow', {
    workflowId: statementWorkflowId(start.organisationId, '2026-10'),
    taskQueue: h.taskQueue,
    args: [{ organisationId: start.organisationId, month: '2026-10' }],
  });
  const { statementId } = await until(
    () => handle.query(statementStateQuery),
    (s) => s.statementId !== null,
  );
  return { start, handle, id: statementId! };
}

describe('statements API (BIL-1, BIL-2)', () => {
  it('BIL-1 lists the statement, shows it overdue on the dashboard, the centre reports it sent (late), and reminders stop', async () => {
    const { start, handle, id } = await statementOfOctober();
    const centre = await h.tokenFor('centre', start.organisationId);
    const mine = await http('GET', '/statements', undefined, centre);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ id, month: '2026-10', state: 'prepared', dueAt: '2026-11-05T22:59:59.999Z' }),
    ]);
    expect(mine.body.items[0].totals).toEqual({
      candidates: 2,
      priceExclVatEur: 75,
      priceInclVatEur: 90,
      pixShareExclVatEur: 16.67,
      pixShareInclVatEur: 20,
    });
    const late = await listed('/dashboard/overdue');
    expect(late).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: 'statement', id, what: 'statement-overdue', ruleId: 'BIL-1', since: '2026-11-05' }),
      ]),
    );
    const stranger = agrementStart('2026-01-05');
    await insertOrganisation(h.db, stranger);
    const other = await h.tokenFor('centre', stranger.organisationId);
    expect((await http('GET', `/statements/${id}`, undefined, other)).status).toBe(404);

    // Issue 14 (the centre's page): one centre's statements; within a centre's own scope only; the field named when malformed.
    expect((await listed(`/statements?organisationId=${start.organisationId}`)).map((x) => x.id)).toEqual([id]);
    expect((await http('GET', `/statements?organisationId=${start.organisationId}`, undefined, other)).body.items).toEqual([]);
    expect((await http('GET', '/statements?organisationId=nope')).body).toMatchObject({ statusCode: 400, field: 'organisationId' });

    // Issue 14 (Relevés): `overdue` keeps the statements not sent by their due date (the 5th, BIL-1); a bad value names the field.
    const overdueIds = async () => (await listed(`/statements?overdue=true&month=2026-10`)).map((x) => x.id);
    expect(await overdueIds()).toContain(id);
    expect((await listed(`/statements?overdue=false&organisationId=${start.organisationId}`)).map((x) => x.id)).toEqual([id]);
    expect((await http('GET', '/statements?overdue=yes')).body).toMatchObject({ statusCode: 400, field: 'overdue' });

    const sent = await http('POST', `/statements/${id}/sent`, {}, centre);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ state: 'sent', sentLate: true });
    // Sent (late): no longer overdue.
    expect(await overdueIds()).not.toContain(id);
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
    expect(paid.body.lateInterest).toMatchObject({
      runsFrom: '2026-02-10',
      daysLate: 34,
      interestEur: 11.32,
      indemnityEur: 40,
      totalEur: 51.32,
    });
    expect((await http('POST', `/statements/${id}/payment`, { paidOn: '2026-03-16' })).status).toBe(409);
  });
});

/** A centre (no agrément needed for sessions already held, SES-9) and its token. */
async function newCentre() {
  const start = agrementStart('2025-01-06');
  await insertOrganisation(h.db, start);
  return { organisationId: start.organisationId, token: await h.tokenFor('centre', start.organisationId) };
}

/** A paying session held on `date` from `startTime` to `endTime` in `timeZone`, reported finalised (as Pix Certif does) at `finalisedAt`. */
function finalised(
  organisationId: string,
  date: string,
  startTime: string,
  endTime: string,
  timeZone: string,
  finalisedAt: string,
  candidatesWhoSat: number,
  overrides: Partial<SessionReport> = {},
): SessionReport {
  return {
    ...sessionReport(organisationId, { date, startTime, endTime, timeZone, plannedOn: '2025-12-01', ...overrides }),
    status: 'finalised',
    finalisation: { finalisedAt, candidatesWhoSat, incidents: [], fraudReports: [], endOfTestChecks: [] },
  };
}

/** The centre's statement of `month` as the API shows it, once it matches `ok`. */
async function statementOf(
  token: string,
  month: string,
  ok: (s: Json | undefined) => boolean = (s) => s?.state === 'prepared' && s.lines.length > 0,
): Promise<Json | undefined> {
  const read = async () => {
    const [item] = (await http('GET', `/statements?month=${month}`, undefined, token)).body.items as Json[];
    return item ? (await http('GET', `/statements/${item.id}`, undefined, token)).body : undefined;
  };
  return until(read, ok);
}

/** Waits until the statement's workflow accepts the centre's report (it has prepared the statement). */
async function sendable(organisationId: string, month: string) {
  const handle = h.client.workflow.getHandle(statementWorkflowId(organisationId, month));
  await until(
    () => handle.query(statementStateQuery).catch(() => null),
    (s) => s?.state === 'prepared',
    200,
    50,
  );
}

const daysAgo = (n: number) => dateIn(new Date(Date.now() - n * 86_400_000), 'Europe/Paris');

describe('BIL-1 every paying session held in a month is on that month’s statement', () => {
  it("BIL-1: a session held on 31 January 2026 from 21:30 to 23:30 Paris time and finalised on 2 February (after the monthly run of the 1st, 06:00) is on January's statement, counting the candidates who sat", async () => {
    const c = await newCentre();
    // The run of 1 February found nothing to state for this centre.
    expect(await createBillingActivities({ db: h.db }).centresWithPayingSessions('2026-01')).not.toContain(c.organisationId);
    const s = finalised(c.organisationId, '2026-01-31', '21:30', '23:30', 'Europe/Paris', '2026-02-02T09:00:00.000Z', 8);
    expect((await http('POST', '/sessions', s)).status).toBe(201);
    const jan = await statementOf(c.token, '2026-01');
    expect(jan).toMatchObject({ month: '2026-01', state: 'prepared', dueAt: '2026-02-05T22:59:59.999Z' });
    // Annexe 1: « le nombre de candidats ayant participé à la session »: 8 of the 10 registered; the price is what they were charged.
    expect(jan!.lines).toEqual([
      {
        sessionId: s.id,
        date: '2026-01-31',
        candidates: 8,
        priceExclVatCents: 37_500,
        priceInclVatCents: 45_000,
        pixShareExclVatCents: 8_333,
        pixShareInclVatCents: 10_000,
      },
    ]);
    expect(jan!.totals).toMatchObject({ candidates: 8, pixShareInclVatEur: 100 });
    expect(await statementOf(c.token, '2026-02', () => true)).toBeUndefined();
  });

  it("BIL-1: overseas venues: 31 January 20:00 in Papeete (1 February 06:00 UTC) is January's, 1 February 08:00 in Nouméa (31 January 21:00 UTC) is February's", async () => {
    const c = await newCentre();
    const papeete = finalised(c.organisationId, '2026-01-31', '20:00', '22:00', 'Pacific/Tahiti', '2026-02-01T20:00:00.000Z', 10);
    const noumea = finalised(c.organisationId, '2026-02-01', '08:00', '10:00', 'Pacific/Noumea', '2026-02-01T02:00:00.000Z', 10);
    expect((await http('POST', '/sessions', papeete)).status).toBe(201);
    expect((await http('POST', '/sessions', noumea)).status).toBe(201);
    expect((await statementOf(c.token, '2026-01'))!.lines.map((l: Json) => [l.sessionId, l.date])).toEqual([[papeete.id, '2026-01-31']]);
    expect((await statementOf(c.token, '2026-02'))!.lines.map((l: Json) => [l.sessionId, l.date])).toEqual([[noumea.id, '2026-02-01']]);
  });

  it("BIL-1: one batch finalising late sessions of several centres (a bulk import's chunk) puts each on its own centre's open statement", async () => {
    const centres = [await newCentre(), await newCentre()];
    for (const c of centres) {
      const first = finalised(c.organisationId, '2026-05-12', '09:00', '11:00', 'Europe/Paris', '2026-05-12T12:00:00.000Z', 10);
      expect((await http('POST', '/sessions', first)).status).toBe(201);
      await statementOf(c.token, '2026-05');
    }
    const late = centres.map((c, i) =>
      finalised(c.organisationId, '2026-05-28', '09:00', '11:00', 'Europe/Paris', '2026-06-03T08:00:00.000Z', 3 + i),
    );
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const outcomes = await reportSessions(deps, late, { actor: 'Import (operations)', source: 'import' });
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created']);
    for (const [i, c] of centres.entries()) {
      const may = (await statementOf(c.token, '2026-05', (s) => s?.lines.length === 2))!;
      expect(may.lines.map((l: Json) => [l.sessionId, l.candidates])).toEqual([
        [expect.any(String), 10],
        [late[i]!.id, 3 + i],
      ]);
    }
  });

  it('BIL-1: once the centre has sent its statement it no longer changes; a session of that month finalised later goes on the next open statement, never on none', async () => {
    const c = await newCentre();
    const first = finalised(c.organisationId, '2026-03-10', '09:00', '11:00', 'Europe/Paris', '2026-03-10T12:00:00.000Z', 10);
    expect((await http('POST', '/sessions', first)).status).toBe(201);
    const march = (await statementOf(c.token, '2026-03'))!;
    // The statement is still open: a late finalisation of March joins it.
    const second = finalised(c.organisationId, '2026-03-31', '18:00', '20:00', 'Europe/Paris', '2026-04-03T08:00:00.000Z', 5);
    expect((await http('POST', '/sessions', second)).status).toBe(201);
    expect((await statementOf(c.token, '2026-03', (s) => s?.lines.length === 2))!.totals.candidates).toBe(15);
    await sendable(c.organisationId, '2026-03');
    expect((await http('POST', `/statements/${march.id}/sent`, {}, c.token)).status).toBe(200);
    const april = finalised(c.organisationId, '2026-04-14', '09:00', '11:00', 'Europe/Paris', '2026-04-14T12:00:00.000Z', 10);
    expect((await http('POST', '/sessions', april)).status).toBe(201);
    await statementOf(c.token, '2026-04');
    const late = finalised(c.organisationId, '2026-03-20', '09:00', '11:00', 'Europe/Paris', '2026-05-02T08:00:00.000Z', 7);
    expect((await http('POST', '/sessions', late)).status).toBe(201);
    expect((await http('GET', `/statements/${march.id}`, undefined, c.token)).body).toMatchObject({
      state: 'sent',
      totals: { candidates: 15 },
    });
    const next = (await statementOf(c.token, '2026-04', (s) => s?.lines.length === 2))!;
    expect(next.lines.map((l: Json) => [l.sessionId, l.date, l.candidates])).toEqual([
      [late.id, '2026-03-20', 7],
      [april.id, '2026-04-14', 10],
    ]);
  });
});

describe('PRI-2 agreed prices', () => {
  it("PRI-2: a cohort's agreed price below Pix's share (10 €) is refused with 422 naming PRI-2, and nothing is written", async () => {
    const c = await newCentre();
    const s = finalised(c.organisationId, '2026-02-10', '09:00', '11:00', 'Europe/Paris', '2026-02-10T12:00:00.000Z', 10);
    s.candidates = s.candidates.map((x, i) => ({ ...x, billing: { mode: 'funded-cohort' as const, agreedPriceEur: i === 0 ? 5 : 30 } }));
    const res = await http('POST', '/sessions', s);
    expect(res.status).toBe(422);
    expect(res.body.rules).toEqual(['PRI-2']);
    expect(res.body.failures).toEqual([
      expect.objectContaining({ ruleId: 'PRI-2', check: 'PRI-2.agreed-price-covers-pix-share', actual: ['c0'] }),
    ]);
    expect((await http('GET', `/sessions/${s.id}`)).status).toBe(404);
  });
});

describe('BIL-2 insolvency proceedings', () => {
  it('BIL-2: operations record insolvency proceedings opened before the due date: no 40 € indemnity, the interest still runs; a centre may not record them', async () => {
    const { start, id } = await statementOfOctober();
    const centre = await h.tokenFor('centre', start.organisationId);
    expect((await http('POST', `/statements/${id}/sent`, {}, centre)).status).toBe(200);
    expect(
      (
        await http(
          'PUT',
          `/statements/organisations/${start.organisationId}/insolvency-proceedings`,
          { insolvencyProceedings: true, openedOn: '2026-01-20' },
          centre,
        )
      ).status,
    ).toBe(403);
    expect(
      (await http('PUT', `/statements/organisations/${start.organisationId}/insolvency-proceedings`, { insolvencyProceedings: 'yes' })).body
        .field,
    ).toBe('insolvencyProceedings');
    const set = await http('PUT', `/statements/organisations/${start.organisationId}/insolvency-proceedings`, {
      insolvencyProceedings: true,
      openedOn: '2026-01-20',
    });
    expect(set).toMatchObject({
      status: 200,
      body: { organisationId: start.organisationId, insolvencyProceedings: true, openedOn: '2026-01-20' },
    });
    expect((await http('POST', `/statements/${id}/invoice`, { issuedOn: '2026-01-10', amountEur: 1000 })).status).toBe(200);
    const paid = await http('POST', `/statements/${id}/payment`, { paidOn: '2026-03-15' });
    expect(paid.body.insolvencyProceedings).toEqual({ openedOn: '2026-01-20' });
    // Same 34 days at 12.15 % as without proceedings (11.32 €), but no indemnity.
    expect(paid.body.lateInterest).toMatchObject({
      dueOn: '2026-02-09',
      daysLate: 34,
      interestEur: 11.32,
      indemnityEur: 0,
      indemnityWaived: true,
      totalEur: 11.32,
    });
  });
});

describe('SUS-3, TER-5 amounts owed become payable at once', () => {
  it('SUS-3 TER-5: makeAmountsPayableNow gives the open statement and the unpaid invoice the day of the end as due date, in the statements API and on the dashboards; a second call changes nothing', async () => {
    const c = await newCentre();
    const activities = createBillingActivities({ db: h.db });
    expect(
      (
        await http(
          'POST',
          '/sessions',
          finalised(c.organisationId, '2026-06-10', '09:00', '11:00', 'Europe/Paris', '2026-06-10T12:00:00.000Z', 10),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await http(
          'POST',
          '/sessions',
          finalised(c.organisationId, '2026-07-10', '09:00', '11:00', 'Europe/Paris', '2026-07-10T12:00:00.000Z', 10),
        )
      ).status,
    ).toBe(201);
    const june = (await statementOf(c.token, '2026-06'))!;
    const july = (await statementOf(c.token, '2026-07'))!;
    await sendable(c.organisationId, '2026-06');
    expect((await http('POST', `/statements/${june.id}/sent`, {}, c.token)).status).toBe(200);
    const issuedOn = '2026-07-03';
    expect((await http('POST', `/statements/${june.id}/invoice`, { issuedOn, amountEur: 100 })).status).toBe(200);
    // Terminated on 20 July: the invoice was due 2 August, the July statement by 5 August.
    const endedOn = '2026-07-20';

    const done = await activities.makeAmountsPayableNow({ organisationId: c.organisationId, on: endedOn, ruleId: 'TER-5' });
    expect(done.statements.map((s) => s.id).sort()).toEqual([june.id, july.id].sort());
    const invoiced = (await http('GET', `/statements/${june.id}`, undefined, c.token)).body;
    expect(invoiced).toMatchObject({ payableAtOnce: { on: endedOn, ruleId: 'TER-5' }, invoice: { issuedOn, dueOn: endedOn } });
    // BIL-2 interest runs from the day after the end instead of 30 days after the invoice.
    expect(invoiced.lateInterest).toMatchObject({ dueOn: endedOn, runsFrom: '2026-07-21', indemnityEur: 40 });
    const open = (await http('GET', `/statements/${july.id}`, undefined, c.token)).body;
    expect(open).toMatchObject({ state: 'prepared', payableAtOnce: { on: endedOn, ruleId: 'TER-5' } });
    expect(dateIn(new Date(open.dueAt), 'Europe/Paris')).toBe(endedOn);
    expect(Date.parse(open.dueAt)).toBeLessThan(Date.parse(july.dueAt));

    const overdue = await listed('/dashboard/overdue');
    expect(overdue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: 'statement', id: june.id, what: 'payment-overdue', ruleId: 'TER-5', since: endedOn }),
        expect.objectContaining({ subject: 'statement', id: july.id, what: 'statement-overdue', ruleId: 'TER-5', since: endedOn }),
      ]),
    );
    // Idempotent: the same call again (a retried activity) changes nothing, nor does a later day.
    expect((await activities.makeAmountsPayableNow({ organisationId: c.organisationId, on: endedOn, ruleId: 'TER-5' })).statements).toEqual(
      [],
    );
    expect(
      (await activities.makeAmountsPayableNow({ organisationId: c.organisationId, on: '2026-07-25', ruleId: 'TER-5' })).statements,
    ).toEqual([]);
    expect((await http('GET', `/statements/${june.id}`, undefined, c.token)).body.invoice.dueOn).toBe(endedOn);
  });

  it('SUS-3: a suspension today puts a payment due today on the deadlines list', async () => {
    const c = await newCentre();
    expect(
      (
        await http(
          'POST',
          '/sessions',
          finalised(c.organisationId, '2026-05-12', '09:00', '11:00', 'Europe/Paris', '2026-05-12T12:00:00.000Z', 10),
        )
      ).status,
    ).toBe(201);
    const may = (await statementOf(c.token, '2026-05'))!;
    await sendable(c.organisationId, '2026-05');
    expect((await http('POST', `/statements/${may.id}/sent`, {}, c.token)).status).toBe(200);
    const today = daysAgo(0);
    await createBillingActivities({ db: h.db }).makeAmountsPayableNow({ organisationId: c.organisationId, on: today, ruleId: 'SUS-3' });
    const upcoming = await listed('/dashboard/deadlines?days=2&deadline=payment-due');
    expect(upcoming).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: 'statement', subjectId: may.id, deadline: 'payment-due', ruleId: 'SUS-3', on: today }),
      ]),
    );
  });

  it("SUS-3 SUS-6: a network's agrément suspended as a whole makes its member centres' statements payable at once", async () => {
    const coordinator = await newCentre();
    const member = await newCentre();
    await h.db.query('UPDATE organisations SET network_id = $2 WHERE id = $1', [member.organisationId, coordinator.organisationId]);
    expect(
      (
        await http(
          'POST',
          '/sessions',
          finalised(member.organisationId, '2026-04-07', '09:00', '11:00', 'Europe/Paris', '2026-04-07T12:00:00.000Z', 10),
        )
      ).status,
    ).toBe(201);
    const april = (await statementOf(member.token, '2026-04'))!;
    const done = await createBillingActivities({ db: h.db }).makeAmountsPayableNow({
      organisationId: coordinator.organisationId,
      on: '2026-04-20',
      ruleId: 'SUS-3',
    });
    expect(done.statements.map((s) => s.id)).toEqual([april.id]);
    expect((await http('GET', `/statements/${april.id}`, undefined, member.token)).body).toMatchObject({
      payableAtOnce: { on: '2026-04-20', ruleId: 'SUS-3' },
    });
  });
});
