import { describe, expect, it } from 'vitest';
import { projectedCandidates } from '../../../../src/agrement/domain/deadlines';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { readStream } from '../../../../src/shared/event-log/event-log';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { bearer } from '../../../support/auth';
import { everyItem } from '../../../support/http';
import { serveApi, type Harness, useApi } from '../../../support/harness';
import { reportSessions } from '../../../../src/sessions/usecases/report-sessions';
import { recordQualityEvent } from '../../../../src/visits/usecases/quality-events';
import { sessionReport } from '../../../support/session-fixtures';
import { until as waitFor } from '../../../support/waiting';

let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => isoDate(addDays(parseIsoDate(day), n));
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(today()), -n));

const agrement = (startOn: string, kind: 'centre' | 'network' = 'centre') => runningAgrement(h, startOn, kind);

async function get(path: string, token = ops) {
  const res = await fetch(`${api}${path}`, { headers: bearer(token) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const json = async (path: string, token = ops) => JSON.parse((await get(path, token)).text);
/** Every item of a dashboard list, all pages (other files' rows share the run's database). */
const items = (path: string, token = ops) => everyItem((page) => json(page, token), path);
/** Every page of a CSV export: its content type, its header, and the rows of all pages. */
async function csvPages(path: string, pageSize = 500) {
  const rows: string[] = [];
  for (;;) {
    const page = await get(`${path}&limit=${pageSize}&offset=${rows.length}`);
    const [header, ...lines] = page.text.trim().split('\n');
    rows.push(...lines);
    if (lines.length < pageSize) return { type: page.type, header, rows };
  }
}

/** A session row as the sessions API stores it (the table is the contract the dashboards read). */
async function session(organisationId: string, id: string, status: 'planned' | 'finalised', deadlineAt: Date, timeZone = 'Europe/Paris') {
  await h.db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, rule_set_id, report, content_hash, source)
     VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', $4, $5, $6, 10, 'sessions@2020-01', '{}', 'h', 'api')`,
    [id, organisationId, dateIn(new Date(deadlineAt.getTime() - 48 * 3_600_000), timeZone), timeZone, status, deadlineAt],
  );
}

describe('operations dashboards', () => {
  it('SES-10 lists sessions to finalise among the deadlines, and those past 48 hours as overdue', async () => {
    const a = await agrement(today());
    const soon = new Date(Date.now() + 30 * 3_600_000);
    const late = new Date(Date.now() - 5 * 3_600_000);
    await session(a.start.organisationId, `due-${a.start.agrementId}`, 'planned', soon, 'Indian/Reunion');
    await session(a.start.organisationId, `late-${a.start.agrementId}`, 'planned', late);
    await session(a.start.organisationId, `done-${a.start.agrementId}`, 'finalised', soon);
    const deadlines = await items('/dashboard/deadlines?days=2&deadline=finalisation-due');
    const mine = deadlines.filter((d: { organisationId: string }) => d.organisationId === a.start.organisationId);
    expect(mine).toEqual([
      {
        subject: 'session',
        subjectId: `due-${a.start.agrementId}`,
        agrementId: a.start.agrementId,
        organisationId: a.start.organisationId,
        organisationName: a.start.organisationName,
        department: '69',
        kind: 'centre',
        deadline: 'finalisation-due',
        ruleId: 'SES-10',
        on: dateIn(soon, 'Indian/Reunion'),
        at: soon.toISOString(),
      },
    ]);
    const late2 = await items('/dashboard/overdue');
    const overdueMine = late2.filter((d: { agrementId: string }) => d.agrementId === a.start.agrementId);
    expect(overdueMine).toEqual([
      expect.objectContaining({
        subject: 'session',
        id: `late-${a.start.agrementId}`,
        what: 'finalisation-overdue',
        ruleId: 'SES-10',
        since: dateIn(late, 'Europe/Paris'),
      }),
    ]);
    // Finalised sessions are neither due nor overdue; agrément deadlines still come with them when unfiltered.
    const all = await items('/dashboard/deadlines?days=400');
    const kinds = new Set(
      all.filter((d: { organisationId: string }) => d.organisationId === a.start.organisationId).map((d: { subject: string }) => d.subject),
    );
    expect(kinds).toEqual(new Set(['agrement', 'session']));
  });

  it('QUO-3 AGR-2 lists the deadlines of the next N days soonest first, filtered by kind, and exports them as CSV', async () => {
    const a = await agrement(today());
    const n = await agrement(today(), 'network');
    const all = await items('/dashboard/deadlines?days=400');
    const mine = all.filter((d: { agrementId: string }) => d.agrementId === a.start.agrementId);
    expect(mine.map((d: { deadline: string }) => d.deadline)).toContain('quota-checkpoint');
    const ats = all.map((d: { at: string }) => d.at);
    expect(ats).toEqual([...ats].sort());
    const networks = await items('/dashboard/deadlines?days=400&kind=network');
    expect(networks.every((d: { kind: string }) => d.kind === 'network')).toBe(true);
    expect(networks.some((d: { agrementId: string }) => d.agrementId === n.start.agrementId)).toBe(true);
    const csv = await csvPages('/dashboard/deadlines?days=400&format=csv');
    expect(csv.type).toContain('text/csv');
    expect(csv.header).toBe('subject,subjectId,agrementId,organisationId,organisationName,department,kind,deadline,ruleId,on,at');
    expect(csv.rows.some((row) => row.includes(a.start.organisationName))).toBe(true);
    expect((await get('/dashboard/deadlines?days=0')).status).toBe(400);
    // By region: the centre is in the Rhône (69), in Auvergne-Rhône-Alpes (84), not in Île-de-France (11).
    const inRegion = await items('/dashboard/deadlines?days=400&region=84');
    expect(inRegion.some((d: { agrementId: string }) => d.agrementId === a.start.agrementId)).toBe(true);
    expect(
      inRegion.every((d: { department: string }) =>
        ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'].includes(d.department),
      ),
    ).toBe(true);
    const elsewhere = await items('/dashboard/deadlines?days=400&region=11');
    expect(elsewhere.some((d: { agrementId: string }) => d.agrementId === a.start.agrementId)).toBe(false);
    const badRegion = await get('/dashboard/overdue?region=99');
    expect(badRegion.status).toBe(400);
    expect(JSON.parse(badRegion.text)).toMatchObject({ field: 'region' });
    const regions = await json('/dashboard/regions');
    expect(regions).toHaveLength(18);
    expect(regions.find((r: { code: string }) => r.code === '84')).toMatchObject({ name: 'Auvergne-Rhône-Alpes' });
  });

  it('SUS-1 BRE-4 QUO-3 shows the watchlist, undecided proposals as overdue, and quotas at risk', async () => {
    const suspended = await agrement(today());
    await suspended.act({ type: 'suspended', on: today(), reason: 'fraude' });
    const refused = await agrement(today());
    await refused.act({ type: 'visit-demanded', on: today() });
    await refused.act({ type: 'visit-answered', on: today(), accepted: false });
    const slow = await agrement(daysAgo(400));
    // Its first year's checkpoint (QUO-3) is already past: let the workflow catch up and send its e-mails
    // before acting, as an update racing that catch-up trips the time-skipping test server.
    await waitFor(
      async () =>
        (await readStream(h.db, 'agrement', slow.start.agrementId)).some((e) => e.type === 'quota-warning') &&
        (await slow.handle.describe()).raw.pendingActivities?.length === 0,
      (caughtUp) => caughtUp,
    );
    await slow.act({ type: 'sessions-finalised', sessionId: 'S-1', finalisedOn: daysAgo(300), candidates: 40 });

    const watch = await items('/dashboard/watchlist');
    expect(watch.find((w: { agrementId: string }) => w.agrementId === suspended.start.agrementId)).toMatchObject({
      state: 'suspended',
    });
    const late = await items('/dashboard/overdue');
    expect(late.find((o: { id: string }) => o.id === refused.start.agrementId)).toMatchObject({
      what: 'termination-proposed',
      ruleId: 'SUS-5',
    });
    const quotas = await items('/dashboard/quotas-at-risk');
    const row = quotas.find((q: { agrementId: string }) => q.agrementId === slow.start.agrementId);
    expect(row).toMatchObject({ candidates: 40, target: 600 });
    // The SQL projection agrees with the domain's (QUO-3).
    expect(row.projected).toBe(projectedCandidates(40, daysAgo(400), today()));
    expect(row.projected).toBeLessThan(600);
    expect(row.shortfall).toBe(600 - row.projected);
    const counts = await json('/dashboard/overview');
    expect(counts.agrements.centre.suspended).toBeGreaterThanOrEqual(1);
    // Three agréments, five workflow updates and their e-mails: slow when the whole suite loads the machine.
  }, 180_000);

  it('serves a dashboard from its cache for the cache period, and afresh on Cache-Control: no-cache, on every replica (issue 15)', async () => {
    // Two API replicas, each with its own cache; the write goes through a third (the harness's API).
    const cached = await serveApi(h, { dashboardCacheMs: 60_000 });
    const other = await serveApi(h, { dashboardCacheMs: 60_000 });
    try {
      const overviewAt = async (api: { url: string }, headers: Record<string, string> = {}) => {
        const body = (await (await fetch(`${api.url}/dashboard/overview`, { headers: { ...bearer(ops), ...headers } })).json()) as {
          agrements: { centre: { active?: number } };
        };
        return body.agrements.centre.active ?? 0;
      };
      const before = await overviewAt(cached);
      await agrement(today());
      expect(await overviewAt(cached)).toBe(before);
      expect(await overviewAt(cached, { 'cache-control': 'no-cache' })).toBe(before + 1);
      expect(await overviewAt(other, { 'cache-control': 'no-cache' })).toBe(before + 1);
    } finally {
      await cached.app.close();
      await other.app.close();
    }
  });

  it('a centre sees only its own agrément in every list', async () => {
    const mine = await agrement(today());
    await agrement(today());
    const centre = await h.tokenFor('centre', mine.start.organisationId);
    const deadlines = await items('/dashboard/deadlines?days=400', centre);
    expect(new Set(deadlines.map((d: { agrementId: string }) => d.agrementId))).toEqual(new Set([mine.start.agrementId]));
  });

  it('DATA-3 the overview counts, for a centre, only its own agrément and applications; Pix staff count them all', async () => {
    const mine = await agrement(today());
    const other = await agrement(today());
    const application = (organisationId: string) =>
      h.db.query(
        `INSERT INTO applications (id, organisation_id, kind, state, data, received_at) VALUES (gen_random_uuid(), $1, 'individual', 'received', '{}', now())`,
        [organisationId],
      );
    await application(mine.organisationId);
    await application(other.organisationId);
    await application(other.organisationId);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);

    const own = await json('/dashboard/overview', await h.tokenFor('centre', mine.organisationId));
    expect(sum(own.agrements.centre) + sum(own.agrements.network)).toBe(1);
    expect(own.applications).toEqual({ received: 1 });
    const all = await json('/dashboard/overview', await h.tokenFor('read-only'));
    expect(sum(all.agrements.centre)).toBeGreaterThanOrEqual(2);
    expect(all.applications.received).toBeGreaterThanOrEqual(3);
  });

  it('CSV exports neutralise formula cells (OWASP CSV injection): a centre’s name in the deadlines, a reason in the timeline', async () => {
    const a = await agrement(today());
    const org = a.start.organisationId;
    const name = "=cmd|' /C calc'!A0";
    await h.db.query(`UPDATE organisations SET name = $2 WHERE id = $1`, [org, name]);
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    await recordQualityEvent(
      deps,
      org,
      { kind: 'complaint', occurredOn: today(), summary: "@SUM(1+1)*cmd|' /C calc'!A0" },
      'Agent Pix (operations)',
    );

    const deadlines = await csvPages('/dashboard/deadlines?days=400&format=csv');
    const rows = deadlines.rows.filter((line) => line.includes(org));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(',')[4]).toBe(`'${name}`);
    const timeline = await get(`/dashboard/centres/${org}/timeline?format=csv`);
    expect(timeline.text).toContain(`,'@SUM(1+1)*cmd|' /C calc'!A0`);
    // No cell of either export starts a formula.
    for (const line of [deadlines.header, ...deadlines.rows, ...timeline.text.trim().split('\n')]) {
      for (const cell of line.split(',')) expect(cell, line).not.toMatch(/^"?[=+@\t\r]/);
    }
  });

  it('SES-10 SES-13 AGR-2 one centre’s whole timeline: its agrément’s, sessions’ and quality record’s events, newest first, and every deadline its workflows hold, soonest first', async () => {
    const a = await agrement(today());
    const org = a.start.organisationId;
    const deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
    const report = sessionReport(org, { date: plusDays(today(), 10), plannedOn: today() });
    expect((await reportSessions(deps, [report], { actor: 'Pix Certif', source: 'api' }))[0]).toMatchObject({ outcome: 'created' });
    await recordQualityEvent(
      deps,
      org,
      { kind: 'complaint', occurredOn: today(), summary: 'Salle trop bruyante' },
      'Agent Pix (operations)',
    );
    // The session workflow records its opening (SES-10) in its own stream, and the workflows store the deadlines they hold:
    // wait for all of it, as each arrives on its own.
    const upcomingOf = (t: { upcoming: Array<{ deadline: string; subjectId: string }> }) =>
      t.upcoming.map((d) => `${d.deadline}:${d.subjectId}`);
    const expectedUpcoming = [
      `finalisation-due:${report.id}`,
      `quota-checkpoint:${a.start.agrementId}`,
      `renewal-request-due:${a.start.agrementId}`,
    ];
    const timeline = await waitFor(
      () => json(`/dashboard/centres/${org}/timeline`),
      (t) =>
        t.past.items.some((e: { type: string }) => e.type === 'deadline-scheduled') &&
        expectedUpcoming.every((d) => upcomingOf(t).includes(d)),
    );
    expect(timeline.organisation).toMatchObject({ id: org, name: a.start.organisationName });
    const types = timeline.past.items.map((e: { stream: string; type: string }) => `${e.stream}:${e.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'agrement:agrement-started',
        'session:session-reported',
        'session:deadline-scheduled',
        'centre-quality:quality-complaint',
      ]),
    );
    const ats = timeline.past.items.map((e: { at: string }) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(upcomingOf(timeline)).toEqual(expect.arrayContaining(expectedUpcoming));
    expect(timeline.upcoming.map((d: { at: string }) => d.at)).toEqual([...timeline.upcoming.map((d: { at: string }) => d.at)].sort());
    expect(timeline.upcoming.every((d: { organisationId: string }) => d.organisationId === org)).toBe(true);
    // Paged, exported, and scoped: another centre's user gets 404; a bad id 400.
    // The workflows may still log (e-mails sent…): compare a first page with the whole timeline read right after it.
    const paged = await waitFor(
      async () => ({
        first: await json(`/dashboard/centres/${org}/timeline?limit=1`),
        all: await json(`/dashboard/centres/${org}/timeline`),
      }),
      ({ first, all }) => first.past.total === all.past.total,
    );
    expect(paged.first.past).toMatchObject({ total: paged.all.past.total, limit: 1, items: [paged.all.past.items[0]] });
    const csv = await get(`/dashboard/centres/${org}/timeline?format=csv`);
    expect(csv.text.split('\n')[0]).toBe('at,stream,type,from,to,ruleIds,actor,reason');
    const other = await agrement(today());
    expect((await get(`/dashboard/centres/${org}/timeline`, await h.tokenFor('centre', other.start.organisationId))).status).toBe(404);
    expect((await get(`/dashboard/centres/${org}/timeline`, await h.tokenFor('centre', org))).status).toBe(200);
    expect((await get('/dashboard/centres/not-a-uuid/timeline')).status).toBe(400);
  });
});
