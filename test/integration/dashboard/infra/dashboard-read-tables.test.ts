import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { departmentsOfRegion } from '../../../../src/shared/domain/regions';
import { dashboardRepository } from '../../../../src/dashboard/infra/dashboard.repository';
import { overdue as overduePage } from '../../../../src/dashboard/usecases/dashboard';
import { parseJsonText } from '../../../../src/shared/domain/json-text';
import { quotaWindowEndOn } from '../../../../src/agrement/domain/deadlines';
import type { DashboardFilter, JsonPage } from '../../../../src/dashboard/usecases/ports';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';
import { paymentDueOn } from '../../../../src/billing/domain/statement';
import { previousDeadlines, previousOverdue } from './previous-deadlines';
import { createDataSource } from '../../../../src/shared/database/data-source';
import { DashboardDeadlines1763900081000 } from '../../../../src/shared/database/migrations/1763900081000-dashboard-deadlines';
import { QuotaBasisKey1763900083000 } from '../../../../src/shared/database/migrations/1763900083000-quota-basis-key';
import { QuotaRiskCounts1763900087000 } from '../../../../src/shared/database/migrations/1763900087000-quota-risk-counts';

/**
 * Issue 15: the dashboards read the read tables their sources' triggers keep (counts per kind, state and department; one
 * narrow row per agrément with QUO-3's projection as of a basis; one row per open deadline of the five sources). On a
 * mixed data set, in a database of this file's own (the answers cover every row), and again after the writers change
 * it, every filter gives exactly the answers of the previous definition (the same SQL over agrements joined to
 * organisations; the union of the deadlines' sources, previous-deadlines.ts).
 */
let scratch: ScratchDatabase;
let db: DataSource;

const ids = {
  head: randomUUID(),
  member1: randomUUID(),
  member2: randomUUID(),
  centre13: randomUUID(),
  centre69: randomUUID(),
  nowhere: randomUUID(),
  leap: randomUUID(),
};
const TODAY = '2026-06-15';
const NOW = new Date('2026-06-15T08:00:00Z');
const TARGETS = { centre: 600, network: 2500 };

/** A page's items as PostgreSQL built them (JSON, issue 15), parsed. */
const parsed = async <T>(page: Promise<JsonPage<T>>) => {
  const { total, items } = await page;
  return { total, items: parseJsonText(items) };
};

/** The read model, its pages parsed. */
function readModel() {
  const repository = dashboardRepository(db);
  return {
    ...repository,
    upcomingDeadlines: (f: Parameters<typeof repository.upcomingDeadlines>[0]) => parsed(repository.upcomingDeadlines(f)),
    overdue: (f: Parameters<typeof repository.overdue>[0]) => parsed(repository.overdue(f)),
    quotasAtRisk: (f: Parameters<typeof repository.quotasAtRisk>[0]) => parsed(repository.quotasAtRisk(f)),
    watchlist: (f: Parameters<typeof repository.watchlist>[0]) => parsed(repository.watchlist(f)),
  };
}

/** The overdue dashboard's page (the use case's JSON), parsed. */
const overdue = async (...args: Parameters<typeof overduePage>) => parseJsonText(await overduePage(...args));

/** The previous definitions, verbatim but for the read tables: agrements joined to organisations. */
function oldWhere(f: DashboardFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.department) add('o.department = ?', f.department);
  if (f.region) add('o.department = ANY(?)', departmentsOfRegion(f.region) ?? []);
  if (f.kind) add('a.kind = ?', f.kind);
  if (f.networkId) add('(o.id = ? OR o.network_id = ?)', f.networkId);
  if (f.organisationIds) add(`a.organisation_id = ANY(?)`, f.organisationIds);
  return clauses.length ? `AND ${clauses.join(' AND ')}` : '';
}

async function oldCounts(f: DashboardFilter) {
  const params: unknown[] = [];
  return db.query(
    `SELECT a.kind, a.state, count(*)::int AS n FROM agrements a JOIN organisations o ON o.id = a.organisation_id WHERE true ${oldWhere(f, params)} GROUP BY 1, 2`,
    params,
  );
}

async function oldQuotas(f: DashboardFilter, today = TODAY, targets = TARGETS) {
  const params: unknown[] = [today, targets.centre, targets.network];
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT q.id AS "agrementId", q.name AS "organisationName", q.kind, q.candidates, q.target, q.projected, q.target - q.projected AS shortfall,
            to_char(q.deadline_on, 'YYYY-MM-DD') AS "deadlineOn" FROM (
      SELECT a.id, o.name, a.kind, a.candidates, a.first_grant_on,
             (a.first_grant_on + make_interval(months => 36))::date AS deadline_on,
             CASE WHEN a.kind = 'network' THEN $3::int ELSE $2::int END AS target,
             CASE WHEN $1::date - a.first_grant_on <= 0 THEN 0
                  ELSE floor(a.candidates::numeric * ((a.first_grant_on + make_interval(months => 36))::date - a.first_grant_on)
                             / ($1::date - a.first_grant_on))::int END AS projected
        FROM agrements a JOIN organisations o ON o.id = a.organisation_id
       WHERE a.state NOT IN ('expired', 'terminated') ${oldWhere(f, params)}) q
    WHERE $1::date < q.deadline_on AND q.projected < q.target ORDER BY q.target - q.projected DESC, q.name`,
    params,
  );
  return rows;
}

/** SUS-1 BRE-1 TER-1: the watchlist as it was read (agréments joined to their organisations), ordered as now. */
async function oldWatchlist(f: DashboardFilter) {
  const params: unknown[] = [];
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT a.id AS "agrementId", o.name AS "organisationName", o.department, a.kind, a.state, a.snapshot->'suspension' AS suspension,
            a.snapshot->'breach' AS breach, a.snapshot->'termination' AS termination
       FROM agrements a JOIN organisations o ON o.id = a.organisation_id
      WHERE a.state IN ('suspended', 'under-notice', 'terminating') ${oldWhere(f, params)} ORDER BY a.state, o.name, a.id`,
    params,
  );
  return rows;
}

const sorted = (rows: Array<{ kind: string; state: string; n: number }>) =>
  [...rows].sort((x, y) => `${x.kind}/${x.state}`.localeCompare(`${y.kind}/${y.state}`));

const FILTERS: Array<Omit<DashboardFilter, 'limit' | 'offset'>> = [
  {},
  { department: '13' },
  { region: '93' },
  { kind: 'centre' },
  { kind: 'network' },
  { region: '93', kind: 'centre' },
  { networkId: ids.head },
  { organisationIds: [ids.centre13, ids.member1] },
  { organisationIds: [ids.head], kind: 'network' },
];

async function organisation(id: string, name: string, department: string | null, networkId: string | null = null) {
  await db.query(
    `INSERT INTO organisations (id, name, category, department, email, network_id) VALUES ($1, $2, 'datadock-training-provider', $3, $4, $5)`,
    [id, name, department, `${id}@test.fr`, networkId],
  );
}

/** An agrément as its writer records it: the quota window's end from the domain (QUO-1, quotaWindowEndOn). */
async function agrement(organisationId: string, kind: string, state: string, firstGrantOn: string, candidates: number, id = randomUUID()) {
  await db.query(
    `INSERT INTO agrements (id, organisation_id, kind, state, start_on, term_on, first_grant_on, candidates, snapshot, quota_window_end_on)
     VALUES ($1, $2, $3, $4, $5, ($5::date + 1095), $5, $6, '{}', $7)`,
    [id, organisationId, kind, state, firstGrantOn, candidates, quotaWindowEndOn(firstGrantOn)],
  );
  return id;
}

async function deadline(agrementId: string, key: string, name: string, at: string) {
  await db.query(
    `INSERT INTO agrement_deadlines (agrement_id, key, name, rule_id, on_date, at) VALUES ($1, $2, $3, 'AGR-2', $4::timestamptz::date, $4)`,
    [agrementId, key, name, at],
  );
}

async function plannedSession(id: string, organisationId: string, deadlineAt: string) {
  await db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, rule_set_id, report, content_hash, source)
     VALUES ($1, $2, $2, 'centre', ($3::timestamptz - interval '48 hours')::date, '14:00', '16:00', 'Europe/Paris', 'planned', $3, 10, 'sessions@2020-01', '{}', 'h', 'api')`,
    [id, organisationId, deadlineAt],
  );
}

/** A monthly statement (BIL-1), sent or invoiced and made payable at once (SUS-3, TER-5) when `payable` says so. */
async function statement(
  organisationId: string,
  month: string,
  state: string,
  dueAt: string,
  payable: { on: string; ruleId: string; invoiceIssuedOn?: string } | null = null,
) {
  const id = randomUUID();
  await db.query(
    `INSERT INTO monthly_statements (id, organisation_id, month, state, due_at, lines, candidates, price_excl_vat_cents, price_incl_vat_cents,
                                     pix_share_excl_vat_cents, pix_share_incl_vat_cents, payable_on, payable_rule_id, invoice_issued_on)
     VALUES ($1, $2, $3, $4, $5, '[]', 0, 0, 0, 0, 0, $6, $7, $8)`,
    [id, organisationId, month, state, dueAt, payable?.on ?? null, payable?.ruleId ?? null, payable?.invoiceIssuedOn ?? null],
  );
  return id;
}

/** SES-12: a remedy owed after an incident attributable to the centre. */
async function remedy(sessionId: string, organisationId: string, state: string, dueOn: string) {
  await db.query(
    `INSERT INTO session_remedies (session_id, organisation_id, due_at, state, snapshot, version)
     VALUES ($1, $2, (($4::date + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond', $3, jsonb_build_object('dueOn', $4::text), 1)`,
    [sessionId, organisationId, state, dueOn],
  );
}

/** The list's rows have no key (the calendar feed's have). */
const unkeyed = <R extends { key: string }>(page: { total: number; items: R[] }) => ({
  total: page.total,
  items: page.items.map(({ key: _k, ...row }) => row),
});

/**
 * Issue 15: the deadlines read table answers as the previous union of the five sources (previous-deadlines.ts) for
 * every filter and each deadline's name: the whole list and its count, its pages, and the overdue deadlines.
 */
async function expectSameDeadlines(now = NOW) {
  const repository = readModel();
  const previous = previousDeadlines(db);
  const names = [undefined, 'finalisation-due', 'statement-due', 'payment-due', 'remedy-due', 'badge-due'];
  for (const filter of FILTERS) {
    for (const name of names) {
      const f = { ...filter, name, limit: 1000, offset: 0, days: 30, now };
      const label = JSON.stringify({ ...filter, name });
      const expected = await previous.upcomingDeadlines(f);
      expect(await repository.upcomingDeadlinesKeyed(f), `${label} keyed`).toEqual(expected.items);
      expect(await repository.upcomingDeadlines(f), label).toEqual(unkeyed(expected));
      const page = { ...f, limit: 3, offset: 2 };
      expect(await repository.upcomingDeadlines(page), `${label} page`).toEqual(unkeyed(await previous.upcomingDeadlines(page)));
    }
    await expectSameOverdue(filter, now);
  }
}

/**
 * Issue 15: the overdue dashboard, ordered and paged in PostgreSQL, answers as the previous merge of its sources in the
 * use case (previous-deadlines.ts previousOverdue): the whole list, and pages of 2 that are its slices.
 */
async function expectSameOverdue(filter: Omit<DashboardFilter, 'limit' | 'offset'>, now = NOW) {
  const label = `${JSON.stringify(filter)} overdue`;
  const f = { ...filter, limit: 1000, offset: 0, now };
  const expected = await previousOverdue(db)(f);
  expect(await overdue(db, f), label).toEqual(expected);
  for (let offset = 0; offset <= expected.total; offset += 2) {
    const page = { ...f, limit: 2, offset };
    expect(await overdue(db, page), `${label} from ${offset}`).toEqual(await previousOverdue(db)(page));
  }
}

/** QUO-3: the at-risk buckets (migration 1763900087000) count exactly the rows at risk, per kind and department. */
async function expectRiskCountsOfRows(label = '') {
  const buckets = `SELECT kind, department, n FROM dashboard_quota_risk_counts WHERE n <> 0 ORDER BY 1, 2`;
  const rows = `SELECT kind, coalesce(department, '') AS department, count(*)::int AS n FROM dashboard_agrements WHERE quota_at_risk GROUP BY 1, 2 ORDER BY 1, 2`;
  const expected: unknown[] = await db.query(rows);
  expect(expected.length, `${label}: some agréments at risk`).toBeGreaterThan(0);
  expect(await db.query(buckets), label).toEqual(expected);
}

/** QUO-3: the whole list of the quotas at risk of a day and targets (every agrément, unfiltered), as the previous definition. */
async function expectQuotasAsOld(today: string, targets = TARGETS) {
  const all = { limit: 1000, offset: 0 };
  const quotas = await oldQuotas(all, today, targets);
  expect(await readModel().quotasAtRisk({ ...all, today, targets }), `${today} ${JSON.stringify(targets)}`).toEqual({
    total: quotas.length,
    items: quotas,
  });
}

/** Every filter: the counts, the quotas at risk (whole and paged) and the deadlines (whole and paged) agree. */
async function expectSameAnswers() {
  const repository = readModel();
  for (const filter of FILTERS) {
    const f = { ...filter, limit: 1000, offset: 0 };
    expect(sorted((await repository.overviewCounts(f)).agrements), JSON.stringify(filter)).toEqual(sorted(await oldCounts(f)));

    const quotas = await oldQuotas(f);
    const all = await repository.quotasAtRisk({ ...f, today: TODAY, targets: TARGETS });
    expect(all, JSON.stringify(filter)).toEqual({ total: quotas.length, items: quotas });
    for (let offset = 0; offset <= quotas.length; offset += 2) {
      const page = await repository.quotasAtRisk({ ...f, limit: 2, offset, today: TODAY, targets: TARGETS });
      expect(page, `${JSON.stringify(filter)} quotas from ${offset}`).toEqual({
        total: quotas.length,
        items: quotas.slice(offset, offset + 2),
      });
    }

    const watched = await oldWatchlist(f);
    for (let offset = 0; offset <= watched.length; offset++) {
      expect(await repository.watchlist({ ...f, limit: 1, offset }), `${JSON.stringify(filter)} watchlist from ${offset}`).toEqual({
        total: watched.length,
        items: watched.slice(offset, offset + 1),
      });
    }

    // The whole list (each source's first 1,000 rows: all of them) is the previous definition; pages of 2 are its slices.
    const deadlines = await repository.upcomingDeadlines({ ...f, days: 30, now: NOW });
    expect(deadlines.items.length, JSON.stringify(filter)).toBe(deadlines.total);
    for (let offset = 0; offset <= deadlines.total; offset += 2) {
      const page = await repository.upcomingDeadlines({ ...f, limit: 2, offset, days: 30, now: NOW });
      expect(page, `${JSON.stringify(filter)} deadlines from ${offset}`).toEqual({
        total: deadlines.total,
        items: deadlines.items.slice(offset, offset + 2),
      });
    }
  }
  // The first filter's quotas read moved the basis: the buckets count every row projected on it.
  await expectRiskCountsOfRows('after the writers');
}

beforeAll(async () => {
  scratch = await scratchDatabase('dashreads');
  db = await scratch.replica(2);
  await organisation(ids.head, 'Réseau Sud', '13');
  await organisation(ids.member1, 'Membre Avignon', '84', ids.head);
  await organisation(ids.member2, 'Membre Paris', '75', ids.head);
  await organisation(ids.centre13, 'Centre Marseille', '13');
  await organisation(ids.centre69, 'Centre Lyon', '69');
  await organisation(ids.nowhere, 'Centre sans département', null);
  await organisation(ids.leap, 'Centre Bissextile', '13');
  const head = await agrement(ids.head, 'network', 'active', '2025-01-10', 300);
  const m1 = await agrement(ids.member1, 'centre', 'active', '2024-03-01', 100);
  await agrement(ids.member2, 'centre', 'suspended', '2025-11-20', 40);
  const c13 = await agrement(ids.centre13, 'centre', 'under-notice', '2026-06-15', 0);
  // An older agrément of the same centre (one with no session: a session of an organisation with two agréments is
  // listed once per agrément, in no defined order between the two, before as now).
  await agrement(ids.member1, 'centre', 'expired', '2020-01-01', 10);
  await agrement(ids.centre69, 'centre', 'active', '2023-08-31', 550);
  await agrement(ids.nowhere, 'centre', 'active', '2026-07-01', 5);
  // QUO-1: a window that starts on 29 February ends on the 28th three years on (the domain's window end, written by
  // the writer, and the SQL date arithmetic of the previous definition agree).
  await agrement(ids.leap, 'centre', 'active', '2024-02-29', 80);
  // Deadlines sharing instants across agréments and sessions (ties broken by name, then key or id).
  const at = (day: string, time = '10:00') => `${day}T${time}:00Z`;
  await deadline(head, 'renewal', 'renewal-request-due', at('2026-06-20'));
  await deadline(m1, 'badge', 'badge-due', at('2026-06-20'));
  await deadline(m1, 'quota', 'quota-checkpoint', at('2026-06-25'));
  await deadline(c13, 'cure', 'cure-due', at('2026-06-20'));
  await deadline(c13, 'term', 'term', at('2026-08-01')); // beyond 30 days
  await plannedSession('RT-1', ids.centre13, at('2026-06-20'));
  await plannedSession('RT-2', ids.member2, at('2026-06-18', '15:00'));
  await plannedSession('RT-3', ids.centre69, at('2026-06-20'));
  await plannedSession('RT-4', randomUUID(), at('2026-06-19')); // a school not registered: no organisation
  await plannedSession('RT-5', ids.nowhere, at('2026-06-14')); // already past
  await plannedSession('RT-6', randomUUID(), at('2026-06-13')); // past, of a school not registered
  // BIL-1 statements to send (one of a school not registered), SUS-3/TER-5 payments due at once, SES-12 remedies.
  await statement(ids.centre13, '2026-05', 'prepared', '2026-06-05T21:59:59.999Z'); // overdue
  await statement(ids.member2, '2026-05', 'prepared', at('2026-06-20', '21:59')); // upcoming, a network member
  await statement(randomUUID(), '2026-05', 'prepared', at('2026-06-21', '21:59'));
  await statement(ids.member2, '2026-04', 'sent', '2026-05-05T21:59:59.999Z', { on: '2026-06-30', ruleId: 'SUS-3' });
  await statement(ids.member2, '2026-03', 'invoiced', '2026-04-05T21:59:59.999Z', {
    on: '2026-06-01',
    ruleId: 'SUS-3',
    invoiceIssuedOn: '2026-06-10',
  });
  await statement(ids.centre69, '2026-03', 'invoiced', '2026-04-05T21:59:59.999Z', {
    on: '2026-03-01',
    ruleId: 'TER-5',
    invoiceIssuedOn: '2026-06-02',
  });
  await statement(ids.centre69, '2026-02', 'paid', '2026-03-05T21:59:59.999Z', { on: '2026-03-01', ruleId: 'TER-5' });
  await remedy('RT-1', ids.centre13, 'awaiting', '2026-06-19');
  await remedy('RT-3', ids.centre69, 'overdue', '2026-06-10');
  await remedy('RT-5', ids.nowhere, 'awaiting', '2026-06-12'); // past, not yet marked overdue
  await remedy('RT-2', ids.member2, 'remedied', '2026-06-17');
});

afterAll(async () => {
  await scratch?.drop();
});

describe('dashboards over their read tables (issue 15)', () => {
  it('backfilled and followed: every filter answers as the agréments joined to their organisations did', async () => {
    await expectSameAnswers();
  });

  it('SES-10 SUS-1 BRE-1 overdue sessions and the watchlist look their organisation and agrément up row by row: the same rows', async () => {
    const repository = readModel();
    const sessionsOverdue = async (f: Omit<DashboardFilter, 'limit' | 'offset'>) =>
      (await repository.overdue({ ...f, limit: 50, offset: 0, now: NOW, applications: false, timeZone: 'Europe/Paris' })).items
        .filter((d) => d.what === 'finalisation-overdue')
        .map((d) => [d.id, d.organisationName, d.subject]);
    // RT-6, of a school not registered, is listed nowhere.
    expect(await sessionsOverdue({})).toEqual([['RT-5', 'Centre sans département', 'session']]);
    expect(await sessionsOverdue({ kind: 'centre' })).toEqual([['RT-5', 'Centre sans département', 'session']]);
    expect(await sessionsOverdue({ department: '13' })).toEqual([]);
    const watched = (await repository.watchlist({ limit: 50, offset: 0 })).items;
    expect(watched.map((w) => [w.organisationName, w.department, w.kind, w.state])).toEqual([
      ['Membre Paris', '75', 'centre', 'suspended'],
      ['Centre Marseille', '13', 'centre', 'under-notice'],
    ]);
    expect((await repository.watchlist({ limit: 50, offset: 0, networkId: ids.head })).items.map((w) => w.organisationName)).toEqual([
      'Membre Paris',
    ]);
  });

  it('follows the writers: state, candidates, department, network, name changes, a new and a deleted agrément', async () => {
    await db.query(`UPDATE agrements SET state = 'active', candidates = 20 WHERE organisation_id = $1`, [ids.member2]);
    await db.query(`UPDATE agrements SET candidates = candidates + 400 WHERE organisation_id = $1`, [ids.member1]);
    await db.query(`UPDATE organisations SET department = '06', name = 'Centre Nice' WHERE id = $1`, [ids.centre69]);
    await db.query(`UPDATE organisations SET network_id = NULL WHERE id = $1`, [ids.member1]);
    await db.query(`UPDATE organisations SET department = '13' WHERE id = $1`, [ids.nowhere]);
    await agrement(ids.member1, 'centre', 'terminating', '2025-02-01', 12);
    const [{ id }] = await db.query(`SELECT id FROM agrements WHERE organisation_id = $1 AND state = 'expired'`, [ids.member1]);
    await db.query(`DELETE FROM agrements WHERE id = $1`, [id]);
    await expectSameAnswers();
    // Counts that fall to zero disappear, as GROUP BY never shows them.
    const counts = (await readModel().overviewCounts({ limit: 50, offset: 0 })).agrements;
    expect(counts.find((c) => c.state === 'expired')).toBeUndefined();
  });

  it('QUO-3 the projection follows the day and the targets: moved before the answer, once, and a writer projects its row on the basis in force', async () => {
    const repository = readModel();
    // A later day: projections fall as days pass without candidates; the window's end passes for some.
    for (const today of ['2026-12-01', '2027-03-01', '2028-01-01', TODAY]) {
      await expectQuotasAsOld(today);
      await expectRiskCountsOfRows(today);
    }
    await expectQuotasAsOld(TODAY, { centre: 100, network: 200 });
    await expectRiskCountsOfRows('other targets');
    await expectQuotasAsOld(TODAY);
    // The housekeeping's move: done once for a new basis, nothing left to do after it.
    expect(await repository.projectQuotas({ today: '2026-06-16', targets: TARGETS })).toBe(true);
    expect(await repository.projectQuotas({ today: '2026-06-16', targets: TARGETS })).toBe(false);
    const bases: { quota_basis: string }[] = await db.query(`SELECT DISTINCT quota_basis FROM dashboard_agrements`);
    expect(bases).toEqual([{ quota_basis: '2026-06-16/600/2500' }]);
    // A writer projects its row on the basis in force, at once.
    await db.query(`UPDATE agrements SET candidates = candidates + 1 WHERE organisation_id = $1 AND state <> 'expired'`, [ids.centre69]);
    expect(await repository.projectQuotas({ today: '2026-06-16', targets: TARGETS })).toBe(false);
    await expectQuotasAsOld('2026-06-16');
    // A row written on another basis than the readers' (the basis moved by a reader of another day meanwhile): the
    // next reader finds the rows on two bases and moves them all to its own.
    await db.query(`UPDATE dashboard_quota_basis SET as_of = '2026-06-10'`);
    await db.query(`UPDATE agrements SET candidates = candidates + 1 WHERE organisation_id = $1 AND state <> 'expired'`, [ids.leap]);
    const mixed: { quota_basis: string }[] = await db.query(`SELECT DISTINCT quota_basis FROM dashboard_agrements ORDER BY 1`);
    expect(mixed.map((b) => b.quota_basis)).toEqual(['2026-06-10/600/2500', '2026-06-16/600/2500']);
    await expectQuotasAsOld('2026-06-16');
    await expectQuotasAsOld(TODAY);
    // The basis's key is one SQL function (migration 1763900083000) that the rows' trigger and the reader both call; the
    // trigger's inline key before it was the same text: undone and done again, a projected table stays on its basis.
    const owner = await createDataSource(scratch.ownerUrl, { poolSize: 1 }).initialize();
    const runner = owner.createQueryRunner();
    try {
      for (const step of ['down', 'up'] as const) {
        await new QuotaBasisKey1763900083000()[step](runner);
        await db.query(`UPDATE agrements SET candidates = candidates + 1 WHERE organisation_id = $1 AND state <> 'expired'`, [ids.leap]);
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM dashboard_agrements WHERE quota_basis <> $1`, [`${TODAY}/600/2500`]);
        expect(n, step).toBe(0);
      }
    } finally {
      await runner.release();
      await owner.destroy();
    }
    expect(await repository.projectQuotas({ today: TODAY, targets: TARGETS })).toBe(false);
    await expectQuotasAsOld(TODAY);
    await expectRiskCountsOfRows('after the basis key migration');
  });

  it('QUO-3 the at-risk buckets: backfilled by their migration, and a basis move waiting on a writer counts the row as that writer left it', async () => {
    const repository = readModel();
    // Backfilled from the rows as projected (the migration undone and done again, as the owner).
    const owner = await createDataSource(scratch.ownerUrl, { poolSize: 1 }).initialize();
    const runner = owner.createQueryRunner();
    try {
      await new QuotaRiskCounts1763900087000().down(runner);
      await new QuotaRiskCounts1763900087000().up(runner);
    } finally {
      await runner.release();
      await owner.destroy();
    }
    await expectRiskCountsOfRows('backfilled');
    // A writer takes a running agrément out of the risk (its row and its bucket locked, not committed); a reader of the
    // next day moves the basis meanwhile and waits for that row; the writer commits: the move counts the row as written.
    const [{ id: nice }] = await db.query(`SELECT id FROM agrements WHERE organisation_id = $1 AND state <> 'expired'`, [ids.centre69]);
    const [{ at_risk }] = await db.query(`SELECT quota_at_risk AS at_risk FROM dashboard_agrements WHERE agrement_id = $1`, [nice]);
    expect(at_risk).toBe(true);
    const observer = await scratch.replica(1);
    const writer = db.createQueryRunner();
    await writer.connect();
    try {
      await writer.startTransaction();
      await writer.query(`UPDATE agrements SET candidates = 5000 WHERE id = $1`, [nice]);
      const [{ pid }] = await writer.query(`SELECT pg_backend_pid() AS pid`);
      const move = repository.projectQuotas({ today: '2026-06-17', targets: TARGETS });
      // Seen from a third connection (the writer and the move hold this pool's two).
      const waiting = async () =>
        (await observer.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pid <> $1`, [pid]))[0].n as number;
      await expect.poll(waiting).toBe(1);
      await writer.commitTransaction();
      expect(await move).toBe(true);
    } finally {
      await writer.release();
      await observer.destroy();
    }
    const [after] = await db.query(`SELECT quota_at_risk AS at_risk, quota_basis FROM dashboard_agrements WHERE agrement_id = $1`, [nice]);
    expect(after).toEqual({ at_risk: false, quota_basis: '2026-06-17/600/2500' });
    await expectRiskCountsOfRows('after a move that waited on a writer');
    await expectQuotasAsOld('2026-06-17');
    // Back to the day the other cases read.
    expect(await repository.projectQuotas({ today: TODAY, targets: TARGETS })).toBe(true);
    await expectRiskCountsOfRows(TODAY);
  });

  it('SES-10 BIL-1 SUS-3 TER-5 SES-12 AGR-2 the deadlines read table answers as the union of its five sources did, and follows their writers', async () => {
    await expectSameDeadlines();
    // Later: more of them are past; earlier: more to come.
    await expectSameDeadlines(new Date('2026-06-19T12:00:00Z'));
    await expectSameDeadlines(new Date('2026-06-01T00:00:00Z'));
    // The writers: a session finalised, another moved; a statement sent, another invoiced; a remedy remedied, another
    // overdue; an agrément's deadlines replaced; a school registered; names, places and networks changed.
    await db.query(`UPDATE sessions SET status = 'finalised' WHERE id = 'RT-1'`);
    await db.query(`UPDATE sessions SET deadline_at = '2026-06-22T09:00:00Z', time_zone = 'America/Cayenne' WHERE id = 'RT-3'`);
    await db.query(`UPDATE monthly_statements SET state = 'sent' WHERE organisation_id = $1 AND month = '2026-05'`, [ids.member2]);
    await db.query(
      `UPDATE monthly_statements SET state = 'invoiced', invoice_issued_on = '2026-06-20' WHERE organisation_id = $1 AND month = '2026-04'`,
      [ids.member2],
    );
    await db.query(`UPDATE session_remedies SET state = 'remedied' WHERE session_id = 'RT-1'`);
    await db.query(`UPDATE session_remedies SET state = 'overdue' WHERE session_id = 'RT-5'`);
    const [{ id: lyon }] = await db.query(`SELECT id FROM agrements WHERE organisation_id = $1`, [ids.centre69]);
    await deadline(lyon, 'cure', 'cure-due', '2026-06-21T10:00:00Z');
    await db.query(`DELETE FROM agrement_deadlines WHERE key = 'renewal'`);
    const school = (await db.query(`SELECT organisation_id FROM sessions WHERE id = 'RT-4'`))[0].organisation_id as string;
    await organisation(school, 'École inscrite', '13');
    await db.query(`UPDATE organisations SET name = 'Centre Aix', network_id = $2 WHERE id = $1`, [ids.centre13, ids.head]);
    await db.query(`DELETE FROM sessions WHERE id = 'RT-2'`);
    await expectSameDeadlines();
    await expectSameDeadlines(new Date('2026-06-19T12:00:00Z'));
    // Backfilled from existing rows: the migration undone and done again (as the owner) over this data set answers the same.
    const owner = await createDataSource(scratch.ownerUrl, { poolSize: 1 }).initialize();
    const runner = owner.createQueryRunner();
    try {
      const migration = new DashboardDeadlines1763900081000();
      await migration.down(runner);
      await migration.up(runner);
      // The least-privilege role reads and writes the new table as it did the one before (default privileges).
      await db.query(`SELECT count(*) FROM dashboard_deadlines`);
    } finally {
      await runner.release();
      await owner.destroy();
    }
    await expectSameDeadlines();
  });

  it('SUS-3 TER-5 BIL-2 a payment is due on the day the domain says (paymentDueOn: the term, the day payable at once)', async () => {
    const rows: { on: string; payable_on: string; invoice_issued_on: string | null }[] = await db.query(
      `SELECT d.on_date AS on, to_char(st.payable_on, 'YYYY-MM-DD') AS payable_on, to_char(st.invoice_issued_on, 'YYYY-MM-DD') AS invoice_issued_on
         FROM dashboard_deadlines d JOIN monthly_statements st ON st.id::text = d.source_id WHERE d.source = 'payment'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r.on).toBe(r.invoice_issued_on ? paymentDueOn(r.invoice_issued_on, r.payable_on) : r.payable_on);
    // An invoice issued long before the day payable at once: due at the end of BIL-2's term, not later.
    await statement(ids.leap, '2026-01', 'invoiced', '2026-02-05T21:59:59.999Z', {
      on: '2026-06-30',
      ruleId: 'TER-5',
      invoiceIssuedOn: '2026-05-01',
    });
    const [{ on }] = await db.query(
      `SELECT d.on_date AS on FROM dashboard_deadlines d JOIN monthly_statements st ON st.id::text = d.source_id
        WHERE d.source = 'payment' AND st.organisation_id = $1`,
      [ids.leap],
    );
    expect(on).toBe(paymentDueOn('2026-05-01', '2026-06-30'));
  });

  it('APP-7 BRE-4 AGR-2 the overdue list ordered and paged in one round trip (French name order), the overview counts in one, filtered as before', async () => {
    const application = async (organisationId: string, state: string, flaggedAt: string | null) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO applications (id, organisation_id, kind, state, data, received_at, overdue_flagged_at) VALUES ($1, $2, 'individual', $3, '{}', '2026-03-01T08:00:00Z', $4)`,
        [id, organisationId, state, flaggedAt],
      );
      return id;
    };
    const flagged = await application(ids.centre69, 'under-review', '2026-05-02T22:30:00Z');
    await application(ids.centre13, 'under-review', null);
    await application(ids.centre13, 'rejected', '2026-05-01T10:00:00Z'); // decided: not waiting
    await db.query(
      `UPDATE agrements SET open_proposals = 1, snapshot = jsonb_build_object('proposals', jsonb_build_array(jsonb_build_object('id', 'BRE-1:x', 'kind', 'termination', 'ruleId', 'BRE-4', 'proposedOn', '2026-06-01')))
        WHERE organisation_id = $1`,
      [ids.centre69],
    );
    // BRE-4 on the same day for names a byte order would misplace (lower case, an initial accent): French order.
    const proposal = (organisationId: string, proposedOn: string) =>
      db.query(
        `UPDATE agrements SET open_proposals = 1, snapshot = jsonb_build_object('proposals', jsonb_build_array(
           jsonb_build_object('id', 'BRE-1:y', 'kind', 'breach-notice', 'ruleId', 'BRE-1', 'proposedOn', $2::text),
           jsonb_build_object('id', 'BRE-1:z', 'kind', 'suspension', 'ruleId', 'SUS-1', 'proposedOn', $2::text)))
          WHERE organisation_id = $1`,
        [organisationId, proposedOn],
      );
    for (const [name, department] of [
      ['École Alpha', '13'],
      ['centre bêta', '13'],
      ['Ecole Gamma', '69'],
    ] as const) {
      const id = randomUUID();
      await organisation(id, name, department);
      await agrement(id, 'centre', 'active', '2025-06-01', 10);
      await proposal(id, '2026-06-03');
    }
    const repository = readModel();
    const all = await overdue(db, { limit: 50, offset: 0, now: NOW });
    const rows = all.items.map((r) => [r.since, r.organisationName, r.what, r.ruleId]);
    // APP-7: flagged at 22:30 UTC on 2 May, the 3rd in Paris (Centre Lyon was renamed above).
    expect(all.items.filter((r) => r.subject === 'application')).toEqual([
      {
        subject: 'application',
        id: flagged,
        agrementId: null,
        organisationName: 'Centre Nice',
        what: 'procedure-overdue',
        ruleId: 'APP-7',
        since: '2026-05-03',
      },
    ]);
    expect(rows.filter(([since]) => since === '2026-06-01' || since === '2026-06-03')).toEqual([
      ['2026-06-01', 'Centre Nice', 'termination-proposed', 'BRE-4'],
      ['2026-06-03', 'centre bêta', 'breach-notice-proposed', 'BRE-1'],
      ['2026-06-03', 'centre bêta', 'suspension-proposed', 'SUS-1'],
      ['2026-06-03', 'École Alpha', 'breach-notice-proposed', 'BRE-1'],
      ['2026-06-03', 'École Alpha', 'suspension-proposed', 'SUS-1'],
      ['2026-06-03', 'Ecole Gamma', 'breach-notice-proposed', 'BRE-1'],
      ['2026-06-03', 'Ecole Gamma', 'suspension-proposed', 'SUS-1'],
    ]);
    // The place filters apply to the applications; a scope, a kind or a network lists none.
    const subjects = async (filter: Omit<DashboardFilter, 'limit' | 'offset'>) =>
      (await overdue(db, { limit: 50, offset: 0, now: NOW, ...filter })).items.map((r) => r.subject);
    expect(await subjects({ department: '06' })).toContain('application');
    expect(await subjects({ department: '13' })).not.toContain('application');
    expect(await subjects({ department: '06', kind: 'centre' })).not.toContain('application');
    expect(await subjects({ department: '06', organisationIds: [ids.centre69] })).not.toContain('application');
    // SES-10: two sessions of one centre overdue at the same instant: by session id, on every page.
    await plannedSession('RT-9', ids.centre13, '2026-06-10T10:00:00Z');
    await plannedSession('RT-8', ids.centre13, '2026-06-10T10:00:00Z');
    const ties = (await overdue(db, { limit: 50, offset: 0, now: NOW, department: '13' })).items.filter(
      (r) => r.id === 'RT-8' || r.id === 'RT-9',
    );
    expect(ties.map((r) => r.id)).toEqual(['RT-8', 'RT-9']);
    // Every filter, whole and paged, as the previous merge.
    for (const filter of FILTERS) await expectSameOverdue(filter);
    const counts = await repository.overviewCounts({ limit: 50, offset: 0 });
    expect([...counts.applications].sort((x, y) => x.state.localeCompare(y.state))).toEqual([
      { state: 'rejected', n: 1, overdue: 1 },
      { state: 'under-review', n: 2, overdue: 1 },
    ]);
    expect((await repository.overviewCounts({ limit: 50, offset: 0, organisationIds: [ids.centre69] })).applications).toEqual([
      { state: 'under-review', n: 1, overdue: 1 },
    ]);
  });
});
