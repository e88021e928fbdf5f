import { describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { bearer } from '../../../support/auth';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { until } from '../../../support/waiting';

/** Issue 14: GET /dashboard/deadlines.ics, the deadlines in people's calendars, opened by a calendar token in the URL. */
let h: Harness;
let api: string;
let ops: string;
useApi((s) => ({ h, api, ops } = s));

const today = () => dateIn(new Date(), 'Europe/Paris');

async function fetchText(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
const list = (path: string, token: string) => everyItem(async (p) => (await requestJson(`${api}${p}`, 'GET', { token })).body, path);

/** RFC 5545 §3.1: the content lines, unfolded; and the events as property maps. */
function events(ics: string): Array<Record<string, string>> {
  const lines = ics.replace(/\r\n /g, '').split('\r\n');
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      out.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  return out;
}

/** A session still to finalise (SES-10), as the sessions API stores it. */
async function plannedSession(organisationId: string, id: string, deadlineAt: Date, timeZone: string) {
  await h.db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, rule_set_id, report, content_hash, source)
     VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', $4, 'planned', $5, 10, 'sessions@2020-01', '{}', 'h', 'api')`,
    [id, organisationId, dateIn(new Date(deadlineAt.getTime() - 48 * 3_600_000), timeZone), timeZone, deadlineAt],
  );
}

async function calendarToken(token: string) {
  const issued = await requestJson(`${api}/me/tokens`, 'POST', { token, body: { label: 'agenda', scope: 'calendar' } });
  expect(issued.status).toBe(201);
  expect(issued.body.scope).toBe('calendar');
  return issued.body as { token: string; id: string };
}

describe('GET /dashboard/deadlines.ics', () => {
  it('a centre subscribes with a calendar token: one all-day event per deadline of its own, stable UIDs, RFC 5545 lines; SES-10 with its exact time', async () => {
    const a = await runningAgrement(h, today());
    const other = await runningAgrement(h, today());
    const dueAt = new Date(Date.now() + 30 * 3_600_000);
    const sessionId = `ics-${a.start.agrementId}`;
    await plannedSession(a.organisationId, sessionId, dueAt, 'Indian/Reunion');
    const centre = await h.tokenFor('centre', a.organisationId);
    const deadlines = await until(
      () => list('/dashboard/deadlines?days=365', centre),
      (items) => items.some((d: Json) => d.subject === 'agrement') && items.some((d: Json) => d.subjectId === sessionId),
    );
    const { token } = await calendarToken(centre);

    const feed = await fetchText(`/dashboard/deadlines.ics?token=${token}`);
    expect(feed.status).toBe(200);
    expect(feed.type).toBe('text/calendar; charset=utf-8');
    expect(feed.text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(feed.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(feed.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of feed.text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);

    const evs = events(feed.text);
    // Only its own: the same deadlines as its list, one event each, on the legal date.
    expect(evs).toHaveLength(deadlines.length);
    expect(evs.every((e) => e.SUMMARY!.endsWith(a.start.organisationName))).toBe(true);
    expect(feed.text).not.toContain(other.start.agrementId);
    expect(evs.map((e) => e['DTSTART;VALUE=DATE']).sort()).toEqual(deadlines.map((d: Json) => d.on.replace(/-/g, '')).sort());
    expect(new Set(evs.map((e) => e.UID)).size).toBe(evs.length);

    const session = evs.find((e) => e.UID === `session-${sessionId}-finalisation-due@agrements.pix.fr`);
    expect(session).toMatchObject({
      'DTSTART;VALUE=DATE': dateIn(dueAt, 'Indian/Reunion').replace(/-/g, ''),
      SUMMARY: `Finalisation de session (48 h) – ${a.start.organisationName}`,
      CATEGORIES: 'SES-10',
      DTSTAMP: expect.stringMatching(/^\d{8}T\d{6}Z$/),
    });
    expect(session!.DESCRIPTION).toContain('Échéance exacte : le ');
    expect(session!.DESCRIPTION).toContain(dueAt.toISOString());
    expect(session!.DESCRIPTION).toContain('Règle : SES-10.');
    const agrementEvent = evs.find((e) => e.UID!.startsWith(`agrement-${a.start.agrementId}-`))!;
    expect(agrementEvent.DESCRIPTION).not.toContain('Échéance exacte');

    // Fetched again: the same UIDs, so calendar applications update rather than duplicate.
    const again = events((await fetchText(`/dashboard/deadlines.ics?token=${token}`)).text);
    expect(again.map((e) => e.UID).sort()).toEqual(evs.map((e) => e.UID).sort());
  });

  it('filters like the list (deadline, days), and Pix staff may use their bearer header', async () => {
    const a = await runningAgrement(h, today());
    const sessionId = `ics-f-${a.start.agrementId}`;
    await plannedSession(a.organisationId, sessionId, new Date(Date.now() + 20 * 3_600_000), 'Europe/Paris');
    const feed = await fetchText(`/dashboard/deadlines.ics?deadline=finalisation-due&days=2&network=${a.organisationId}`, bearer(ops));
    expect(feed.status).toBe(200);
    const evs = events(feed.text);
    expect(evs.map((e) => e.UID)).toEqual([`session-${sessionId}-finalisation-due@agrements.pix.fr`]);
  });

  it('a calendar token opens this feed only; an API token is never taken from the URL; revoked, it is refused', async () => {
    const a = await runningAgrement(h, today());
    const centre = await h.tokenFor('centre', a.organisationId);
    const { token, id } = await calendarToken(centre);
    expect((await fetchText('/dashboard/deadlines', bearer(token))).status).toBe(401);
    expect((await fetchText('/dashboard/deadlines.ics', bearer(token))).status).toBe(401);
    expect((await fetchText(`/dashboard/deadlines?token=${token}`)).status).toBe(401);
    expect((await fetchText(`/me?token=${token}`)).status).toBe(401);
    const apiInUrl = await fetchText(`/dashboard/deadlines.ics?token=${centre}`);
    expect(apiInUrl.status).toBe(401);
    expect(JSON.parse(apiInUrl.text).message).toMatch(/calendar token/);
    expect((await fetchText(`/dashboard/deadlines.ics?token=${token}&access_token=x`)).status).toBe(401);
    expect((await fetchText('/dashboard/deadlines.ics', bearer(centre))).status).toBe(200);

    const mine = await requestJson(`${api}/me/tokens`, 'GET', { token: centre });
    expect(mine.body.find((t: Json) => t.id === id)).toMatchObject({ scope: 'calendar', status: 'active' });
    const log: Json[] = await h.db.query(
      `SELECT data FROM event_log WHERE stream_type = 'access' AND type = 'token-issued' AND data->>'tokenId' = $1`,
      [id],
    );
    expect(log.map((l) => l.data.scope)).toEqual(['calendar']);
    expect((await requestJson(`${api}/me/tokens/${id}`, 'DELETE', { token: centre })).status).toBe(200);
    expect((await fetchText(`/dashboard/deadlines.ics?token=${token}`)).status).toBe(401);
  });

  it.each([
    ['days=0', 'days'],
    ['days=abc', 'days'],
    ['kind=school', 'kind'],
    ['region=99', 'region'],
    ['network=abc', 'network'],
  ])('?%s is 400 naming %s', async (query, field) => {
    const res = await fetchText(`/dashboard/deadlines.ics?${query}`, bearer(ops));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).field).toBe(field);
  });
});
