import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { documentComplaints } from '../../../support/openapi-schema';
import { until } from '../../../support/waiting';

/**
 * Issue 14, the "Propositions" screen: GET /proposals is the legal team's queue of the engine's proposals (BRE-4:
 * the engine proposes, a person decides) — terminations (SUS-5: a control visit refused), formal notices and
 * suspensions (VIS-4: a control visit's findings) — oldest first, filtered, paged, exported as CSV; each decided with a
 * reason through the agrément's confirm-proposal / decline-proposal actions. The run's database holds other files'
 * proposals: every assertion is narrowed to this file's agréments.
 */
let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));
const get = (path: string, token = ops) => requestJson(`${api}${path}`, 'GET', { token });
const queue = (path: string, token = ops) =>
  everyItem(async (page) => {
    const res = await get(page, token);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }, path);

let lyon: Awaited<ReturnType<typeof runningAgrement>>;
let paris: Awaited<ReturnType<typeof runningAgrement>>;
let network: Awaited<ReturnType<typeof runningAgrement>>;
const visitLyon = randomUUID();
const visitParis = randomUUID();
let mine: Set<string>;
/** This file's proposals in the queue: [organisation name, kind, proposed on]. */
const ours = (items: Json[]) => items.filter((p) => mine.has(p.agrementId)).map((p) => [p.organisationName, p.kind, p.proposedOn]);

beforeAll(async () => {
  lyon = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Lyon ${randomUUID().slice(0, 6)}`, department: '69' });
  paris = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Paris ${randomUUID().slice(0, 6)}`, department: '75' });
  network = await runningAgrement(h, daysAgo(60), 'network', { name: `Réseau Isère ${randomUUID().slice(0, 6)}`, department: '38' });
  mine = new Set([lyon.start.agrementId, paris.start.agrementId, network.start.agrementId]);
  // VIS-4: a control visit's serious findings propose a formal notice (BRE-1) or a suspension (SUS-1).
  await lyon.act({
    type: 'visit-findings-proposed',
    on: daysAgo(20),
    visitId: visitLyon,
    proposal: 'breach-notice',
    reasonFr: '=HYPERLINK("x") constats graves',
  });
  await paris.act({
    type: 'visit-findings-proposed',
    on: daysAgo(30),
    visitId: visitParis,
    proposal: 'suspension',
    reasonFr: 'Fraude constatée',
  });
  // SUS-5: a control visit refused leads to a termination proposal.
  await network.act({ type: 'visit-demanded', on: daysAgo(6) });
  await network.act({ type: 'visit-answered', on: daysAgo(5), accepted: false });
  await paris.act({ type: 'visit-demanded', on: daysAgo(1) });
  await paris.act({ type: 'visit-answered', on: daysAgo(0), accepted: false });
});

describe('GET /proposals (issue 14, BRE-4)', () => {
  it('lists the open proposals oldest first, with their agrément, organisation, kind, rules and grounds', async () => {
    const items = await queue('/proposals');
    expect(ours(items)).toEqual([
      [paris.start.organisationName, 'suspension', daysAgo(30)],
      [lyon.start.organisationName, 'breach-notice', daysAgo(20)],
      [network.start.organisationName, 'termination', daysAgo(5)],
      [paris.start.organisationName, 'termination', daysAgo(0)],
    ]);
    const days = items.map((p) => p.proposedOn as string);
    expect(days).toEqual([...days].sort());
    expect(items.find((p) => p.agrementId === lyon.start.agrementId)).toEqual({
      proposalId: `VIS-4:BRE-1:${visitLyon}`,
      agrementId: lyon.start.agrementId,
      agrementState: 'active',
      agrementKind: 'centre',
      organisationId: lyon.organisationId,
      organisationName: lyon.start.organisationName,
      department: '69',
      region: '84',
      kind: 'breach-notice',
      cause: 'visit-findings',
      ruleId: 'BRE-1',
      ruleIds: ['VIS-4', 'BRE-1'],
      reason: '=HYPERLINK("x") constats graves',
      proposedOn: daysAgo(20),
      visitId: visitLyon,
    });
    expect(items.find((p) => p.agrementId === network.start.agrementId)).toMatchObject({
      agrementKind: 'network',
      kind: 'termination',
      cause: 'visit',
      ruleId: 'SUS-5',
      ruleIds: ['SUS-5'],
      reason: expect.any(String),
      visitId: null,
    });
    // Every page, each kind of proposal's row among them, is what the OpenAPI document says (issue 12).
    const complaints: string[] = [];
    await everyItem(async (path) => {
      const page = await get(path);
      complaints.push(...(await documentComplaints(api, 'GET /proposals', page.status, page.body)));
      return page.body;
    }, '/proposals');
    expect(complaints).toEqual([]);
  });

  it('filters by kind, department and region, and pages without overlap', async () => {
    const terminations = await queue('/proposals?kind=termination');
    expect(terminations.every((p) => p.kind === 'termination')).toBe(true);
    expect(ours(terminations).map(([name]) => name)).toEqual([network.start.organisationName, paris.start.organisationName]);
    expect(ours(await queue('/proposals?department=75')).map(([, kind]) => kind)).toEqual(['suspension', 'termination']);
    const inRegion = await queue('/proposals?region=84');
    expect(inRegion.every((p) => p.region === '84')).toBe(true);
    expect(ours(inRegion).map(([name]) => name)).toEqual([lyon.start.organisationName, network.start.organisationName]);
    const all = await queue('/proposals?region=11');
    const first = await get('/proposals?region=11&limit=1');
    expect(first.body).toMatchObject({ total: all.length, limit: 1, offset: 0 });
    const byOne = await everyItem(async (p) => (await get(p)).body, '/proposals?region=11', 1);
    expect(byOne.map((p) => p.proposalId + p.agrementId)).toEqual(all.map((p) => p.proposalId + p.agrementId));
  });

  it('exports the queue as CSV, rules space-separated, grounds a spreadsheet would run neutralised (OWASP)', async () => {
    const res = await fetch(`${api}/proposals?department=69&format=csv`, { headers: { authorization: `Bearer ${ops}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('propositions.csv');
    const [header, ...rows] = (await res.text()).trim().split('\n');
    expect(header).toBe(
      'proposalId,agrementId,agrementState,agrementKind,organisationId,organisationName,department,region,kind,cause,ruleId,ruleIds,reason,proposedOn,visitId',
    );
    const row = rows.find((r) => r.includes(lyon.start.agrementId));
    expect(row).toContain(
      `,69,84,breach-notice,visit-findings,BRE-1,VIS-4 BRE-1,"'=HYPERLINK(""x"") constats graves",${daysAgo(20)},${visitLyon}`,
    );
  });

  it('DATA-3: a centre sees its own proposals, a coordinator its network’s; Pix staff every one; refused without a token', async () => {
    const centre = await h.tokenFor('centre', lyon.organisationId);
    expect((await queue('/proposals', centre)).map((p) => p.agrementId)).toEqual([lyon.start.agrementId]);
    const coordinator = await h.tokenFor('coordinator', network.organisationId);
    expect((await queue('/proposals', coordinator)).map((p) => p.agrementId)).toEqual([network.start.agrementId]);
    const quiet = await runningAgrement(h, daysAgo(1));
    expect(await queue('/proposals', await h.tokenFor('centre', quiet.organisationId))).toEqual([]);
    for (const role of ['legal', 'read-only', 'inspector'] as const) {
      expect(ours(await queue('/proposals', await h.tokenFor(role)))).toHaveLength(4);
    }
    expect((await requestJson(`${api}/proposals`, 'GET')).status).toBe(401);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    for (const [query, field] of [
      ['kind=warning', 'kind'],
      ['region=99', 'region'],
      ['department=2C', 'department'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['offset=x', 'offset'],
      ['format=pdf', 'format'],
      ['kind=termination&kind=suspension', 'kind'],
    ]) {
      const res = await get(`/proposals?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
  });

  it('BRE-4: the legal team confirms or declines a proposal with a reason, and it leaves the queue', async () => {
    const legal = await h.tokenFor('legal');
    const [suspension, termination] = (await queue('/proposals?department=75')).filter((p) => p.agrementId === paris.start.agrementId);
    const act = (action: string, proposalId: string, token = legal) =>
      requestJson(`${api}/agrements/${paris.start.agrementId}/actions/${action}`, 'POST', {
        token,
        body: { proposalId, reason: 'Décision du service juridique' },
      });
    // Only the legal team decides (agrement.confirm-termination).
    expect((await act('decline-proposal', termination.proposalId, ops)).status).toBe(403);
    expect((await act('decline-proposal', termination.proposalId)).status).toBe(200);
    const confirmed = await act('confirm-proposal', suspension.proposalId);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.state).toBe('suspended');
    const left = await until(
      async () => (await queue('/proposals?department=75')).filter((p) => p.agrementId === paris.start.agrementId),
      (rows) => rows.length === 0,
    );
    expect(left).toEqual([]);
    // The decision and its reason are on the agrément's record.
    const view = await get(`/agrements/${paris.start.agrementId}`);
    const decisions = (view.body.timeline as Json[]).filter((e) => e.type === 'proposal-declined' || e.type === 'proposal-confirmed');
    expect(decisions.map((e) => [e.type, e.reason])).toEqual([
      ['proposal-declined', 'Décision du service juridique'],
      ['proposal-confirmed', 'Décision du service juridique'],
    ]);
  });
});
