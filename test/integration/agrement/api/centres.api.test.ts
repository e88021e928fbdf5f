import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OrganisationEntity } from '../../../../src/entities';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { quotaTarget } from '../../../../src/agrement/domain/deadlines';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { documentComplaints } from '../../../support/openapi-schema';

/**
 * Issue 14, the "Centres et réseaux" screen: GET /centres searches the centres and networks by name (whatever its case
 * and accents), UAI, department, region, network, agrément state and kind; sorted, paged, exported as CSV; a centre sees
 * only itself, a coordinator its network (DATA-3). The run's database holds other files' organisations: every
 * assertion is narrowed to this file's, whose names carry a unique marker.
 */
let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));
const marker = () => `zq${randomUUID().slice(0, 8)}`;
const get = (path: string, token = ops) => requestJson(`${api}${path}`, 'GET', { token });
/** Every item of the search, all pages. */
const search = (path: string, token = ops) =>
  everyItem(async (page) => {
    const res = await get(page, token);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }, path);
const names = (items: Json[]) => items.map((i) => i.name as string);

/** This file's portfolio: two centres, a network with a member centre, all named with the marker. */
const P = marker();
let lycee: Awaited<ReturnType<typeof runningAgrement>>;
let ampere: Awaited<ReturnType<typeof runningAgrement>>;
let network: Awaited<ReturnType<typeof runningAgrement>>;
const memberId = randomUUID();
const LYCEE = `Lycée Étienne-Dolet ${P}`;
const AMPERE = `Centre Ampère ${P}`;
const NETWORK = `Réseau Alpha ${P}`;
const MEMBER = `Collège Membre ${P}`;

beforeAll(async () => {
  lycee = await runningAgrement(h, daysAgo(5), 'centre', { name: LYCEE, uai: '0691234A', department: '69' });
  ampere = await runningAgrement(h, daysAgo(90), 'centre', { name: AMPERE, department: '75' });
  network = await runningAgrement(h, daysAgo(50), 'network', { name: NETWORK, department: '38' });
  // ELIG-4: a member centre as the network's member-joined event registers it (agrement.repository.ts projectNetworkMembers).
  await h.db.getRepository(OrganisationEntity).insert({
    id: memberId,
    name: MEMBER,
    category: 'datadock-training-provider',
    uai: '0381111B',
    department: '38',
    foreign: false,
    email: `membre-${P}@test.fr`,
    networkId: network.organisationId,
  });
  await ampere.act({ type: 'suspended', on: daysAgo(0), reason: 'fraude' });
});

describe('GET /centres (issue 14)', () => {
  it('finds a centre by a part of its name, whatever its case and accents, with its agrément, place and quota', async () => {
    const found = await search(`/centres?name=${encodeURIComponent(`LYCEE etienne-DOLET ${P.toUpperCase()}`)}`);
    expect(found).toEqual([
      {
        organisationId: lycee.organisationId,
        name: LYCEE,
        uai: '0691234A',
        department: '69',
        region: '84',
        regionName: 'Auvergne-Rhône-Alpes',
        kind: 'centre',
        networkId: null,
        networkName: null,
        agrementId: lycee.start.agrementId,
        agrementHeldBy: 'self',
        state: 'active',
        termOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        nextDeadline: expect.any(String),
        nextDeadlineRuleId: expect.any(String),
        nextDeadlineOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        candidates: 0,
        quotaTarget: quotaTarget('centre'),
      },
    ]);
    // "étienne" finds "Étienne" as "etienne" does; a LIKE wildcard in the text is a character, not a wildcard.
    expect(names(await search(`/centres?name=${encodeURIComponent(`étienne-dolet ${P}`)}`))).toEqual([LYCEE]);
    expect(await search(`/centres?name=${encodeURIComponent(`%${P}`)}`)).toEqual([]);
    expect(await search(`/centres?name=${encodeURIComponent(`_${P}`)}`)).toEqual([]);
  });

  it("shows a network's member centre under its network's agrément (ELIG-4), and filters by network, kind, UAI, place and state", async () => {
    const byNetwork = await search(`/centres?network=${network.organisationId}&name=${P}`);
    expect(names(byNetwork)).toEqual([MEMBER, NETWORK]);
    expect(byNetwork[0]).toMatchObject({
      organisationId: memberId,
      kind: 'centre',
      uai: '0381111B',
      networkId: network.organisationId,
      networkName: NETWORK,
      agrementId: network.start.agrementId,
      agrementHeldBy: 'network',
      state: 'active',
      candidates: null,
      quotaTarget: null,
    });
    expect(byNetwork[1]).toMatchObject({ kind: 'network', agrementHeldBy: 'self', quotaTarget: quotaTarget('network') });
    // The answer, a member centre's row included, is what the OpenAPI document says (issue 12).
    const answer = await get(`/centres?network=${network.organisationId}&name=${P}`);
    expect(await documentComplaints(api, 'GET /centres', 200, answer.body)).toEqual([]);
    expect(names(await search(`/centres?name=${P}&kind=network`))).toEqual([NETWORK]);
    expect(names(await search(`/centres?name=${P}&kind=centre`))).toEqual([AMPERE, MEMBER, LYCEE]);
    // DOC-1: the UAI, whole or its start, in any case.
    expect(names(await search(`/centres?name=${P}&uai=0691234a`))).toEqual([LYCEE]);
    expect(names(await search(`/centres?name=${P}&uai=038`))).toEqual([MEMBER]);
    expect(names(await search(`/centres?name=${P}&department=75`))).toEqual([AMPERE]);
    // Auvergne-Rhône-Alpes (84) holds the Rhône (69) and the Isère (38); Île-de-France (11) Paris (75).
    expect(names(await search(`/centres?name=${P}&region=84`))).toEqual([MEMBER, LYCEE, NETWORK]);
    expect(names(await search(`/centres?name=${P}&region=11`))).toEqual([AMPERE]);
    // SUS-1: the suspended centre.
    expect(names(await search(`/centres?name=${P}&state=suspended`))).toEqual([AMPERE]);
    expect(names(await search(`/centres?name=${P}&state=active`))).toEqual([MEMBER, LYCEE, NETWORK]);
  });

  it('sorts by name, department, state, term and next deadline, ascending or descending, and pages without overlap', async () => {
    const sorted = async (sort: string, order?: string) =>
      names(await search(`/centres?name=${P}&sort=${sort}${order ? `&order=${order}` : ''}`));
    expect(await sorted('name')).toEqual([AMPERE, MEMBER, LYCEE, NETWORK]);
    expect(await sorted('name', 'desc')).toEqual([NETWORK, LYCEE, MEMBER, AMPERE]);
    // Ties (the member and its network share a department, a state and an agrément) by name.
    expect(await sorted('department')).toEqual([MEMBER, NETWORK, LYCEE, AMPERE]);
    expect(await sorted('department', 'desc')).toEqual([AMPERE, LYCEE, MEMBER, NETWORK]);
    // The lifecycle's order: active before suspended.
    expect(await sorted('state')).toEqual([MEMBER, LYCEE, NETWORK, AMPERE]);
    expect(await sorted('state', 'desc')).toEqual([AMPERE, MEMBER, LYCEE, NETWORK]);
    // Granted 90, 50 and 5 days ago for 3 years: the terms come in that order.
    expect(await sorted('termOn')).toEqual([AMPERE, MEMBER, NETWORK, LYCEE]);
    expect(await sorted('termOn', 'desc')).toEqual([LYCEE, MEMBER, NETWORK, AMPERE]);
    for (const order of ['asc', 'desc']) {
      const items = await search(`/centres?name=${P}&sort=nextDeadline&order=${order}`);
      const days = items.map((i) => i.nextDeadlineOn as string);
      expect(days).toEqual([...days].sort((x, y) => (order === 'asc' ? x.localeCompare(y) : y.localeCompare(x))));
    }
    // Pages of 1 or 3 hold the same rows in the same order as the whole list, and the total of all.
    const all = await sorted('termOn');
    for (const size of [1, 3]) {
      const pages: string[] = [];
      for (let offset = 0; offset < all.length; offset += size) {
        const page = await get(`/centres?name=${P}&sort=termOn&limit=${size}&offset=${offset}`);
        expect(page.body).toMatchObject({ total: 4, limit: size, offset });
        pages.push(...names(page.body.items));
      }
      expect(pages).toEqual(all);
    }
  });

  it('exports the search as CSV, neutralising a name a spreadsheet would run as a formula (OWASP)', async () => {
    const Q = marker();
    await runningAgrement(h, daysAgo(5), 'centre', { name: `=SOMME(1+1) ${Q}`, uai: '0751234C', department: '75' });
    const res = await fetch(`${api}/centres?name=${Q}&format=csv`, { headers: { authorization: `Bearer ${ops}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('centres.csv');
    const [header, ...rows] = (await res.text()).trim().split('\n');
    expect(header).toBe(
      'organisationId,name,uai,department,region,regionName,kind,networkId,networkName,agrementId,agrementHeldBy,state,termOn,nextDeadline,nextDeadlineRuleId,nextDeadlineOn,candidates,quotaTarget',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`,'=SOMME(1+1) ${Q},0751234C,75,11,Île-de-France,centre,,,`);
    // The CSV holds every match by default, past the JSON page's 50.
    const csv = await fetch(`${api}/centres?name=${P}&format=csv&sort=name`, { headers: { authorization: `Bearer ${ops}` } });
    expect((await csv.text()).trim().split('\n').slice(1)).toHaveLength(4);
  });

  it('DATA-3: a centre finds only itself, a coordinator its network, a member centre itself; Pix staff everything', async () => {
    const centre = await h.tokenFor('centre', lycee.organisationId);
    expect(names(await search('/centres', centre))).toEqual([LYCEE]);
    expect(await search(`/centres?name=${P}&network=${network.organisationId}`, centre)).toEqual([]);
    const coordinator = await h.tokenFor('coordinator', network.organisationId);
    expect(names(await search('/centres', coordinator))).toEqual([MEMBER, NETWORK]);
    const member = await h.tokenFor('centre', memberId);
    expect(await search('/centres', member)).toEqual([expect.objectContaining({ organisationId: memberId, agrementHeldBy: 'network' })]);
    for (const role of ['legal', 'read-only', 'inspector'] as const) {
      expect(names(await search(`/centres?name=${P}`, await h.tokenFor(role)))).toEqual([AMPERE, MEMBER, LYCEE, NETWORK]);
    }
    expect((await requestJson(`${api}/centres`, 'GET')).status).toBe(401);
  });

  it('refuses a bad parameter with 400 naming it', async () => {
    for (const [query, field] of [
      ['region=99', 'region'],
      ['department=100', 'department'],
      ['sort=size', 'sort'],
      ['order=up', 'order'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['offset=-1', 'offset'],
      ['state=dormant', 'state'],
      ['kind=school', 'kind'],
      ['uai=ABC', 'uai'],
      ['network=not-an-id', 'network'],
      ['format=xml', 'format'],
      [`name=${'a'.repeat(201)}`, 'name'],
    ]) {
      const res = await get(`/centres?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
  });
});
