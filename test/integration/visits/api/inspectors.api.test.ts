import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../src/http/create-app';
import { addDays, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';
import { addWorkingDays, earliestAnnouncedVisit } from '../../../../src/visits/domain/planner';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { OrganisationEntity } from '../../../../src/entities';
import { readStream, verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { agrementStart } from '../../../support/agrement-fixtures';
import { createHarness, type Harness, LEGAL_EMAIL, OPERATIONS_EMAIL } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { until } from '../../../support/waiting';

let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;

beforeAll(async () => {
  h = await createHarness();
  void h.run(async () => undefined);
  // The mailboxes as read at start (OPERATIONS_EMAIL, LEGAL_EMAIL): the API never reads the environment per request.
  app = await createApp(
    {
      applications: { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() },
      mailRecipients: { operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL },
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  ops = await h.tokenFor('operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
  return requestJson(`${api}${path}`, method, { token, body });
}

const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => isoDate(addDays(parseIsoDate(day), n));

/** A centre in `department`, agreed today: its agrément workflow runs and writes the read model. */
async function agreedCentre(department: string, name: string, networkId: string | null = null) {
  const start = agrementStart(today(), {
    organisationName: name,
    referent: { name: 'R', email: 'r@test.fr', trainedOn: today(), recognisedQualifications: true },
  });
  await h.db.getRepository(OrganisationEntity).insert({
    id: start.organisationId,
    name,
    category: 'datadock-training-provider',
    uai: null,
    department,
    foreign: false,
    email: start.email,
    networkId,
  });
  await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => h.db.query('SELECT 1 FROM agrements WHERE id = $1', [start.agrementId]),
    (rows: unknown[]) => rows.length > 0,
  );
  return start;
}

const email = () => `inspecteur-${randomUUID().slice(0, 8)}@pix.test`;

describe('inspectors management through the API (VIS-5)', () => {
  it('VIS-5 creates a Pix staff inspector: open-ended from today, active, audited; reads and lists it', async () => {
    const address = email();
    const res = await http('POST', '/inspectors', ops, {
      kind: 'pix-staff',
      name: 'Camille Martin',
      email: address.toUpperCase(),
      departments: ['75', '2A', '75'],
      capacity: 4,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'pix-staff',
      name: 'Camille Martin',
      email: address,
      organisation: null,
      networkId: null,
      departments: ['2A', '75'],
      capacity: 4,
      availableFrom: today(),
      availableTo: null,
      unavailable: [],
      active: true,
      deactivatedAt: null,
      plannedVisits: [],
      visitsDone: 0,
    });
    const got = await http('GET', `/inspectors/${res.body.id}`, ops);
    expect(got).toMatchObject({ status: 200, body: { id: res.body.id, email: address } });
    const listed = await http('GET', '/inspectors?department=2A', ops);
    expect(listed.body.items.map((i: Json) => i.id)).toContain(res.body.id);
    expect((await http('GET', '/inspectors?department=69', ops)).body.items.map((i: Json) => i.id)).not.toContain(res.body.id);
    const log = await readStream(h.db, 'inspector', res.body.id);
    expect(log.map((e) => [e.type, e.ruleIds, e.actor])).toEqual([['inspector-created', ['VIS-5'], 'Agent Pix (operations)']]);
  });

  it('VIS-5 a centre manager names the centre they manage; a contractor may belong to a network, for a fixed engagement', async () => {
    const network = await agreedCentre('69', 'Réseau Rhône');
    const centre = await agreedCentre('69', 'Centre membre', network.organisationId);
    const manager = await http('POST', '/inspectors', ops, {
      kind: 'centre-manager',
      name: 'Gérante',
      email: email(),
      organisationId: centre.organisationId,
      departments: ['69'],
      capacity: 2,
    });
    expect(manager.status).toBe(201);
    expect(manager.body.organisation).toEqual({ id: centre.organisationId, name: 'Centre membre' });
    const contractor = await http('POST', '/inspectors', ops, {
      kind: 'contractor',
      name: 'Prestataire',
      email: email(),
      networkId: network.organisationId,
      departments: ['69'],
      capacity: 1,
      availableFrom: today(),
      availableTo: plusDays(today(), 90),
    });
    expect(contractor.body).toMatchObject({ networkId: network.organisationId, availableTo: plusDays(today(), 90) });
  });

  it('refuses bad input naming the field (400), an e-mail taken (409 DATA-3), an unknown inspector (404), and anyone but operations (403)', async () => {
    const valid = { kind: 'contractor', name: 'Léa Dubois', email: email(), departments: ['974'], capacity: 2 };
    const cases: Array<[Json, string]> = [
      [{ ...valid, kind: 'bénévole' }, 'kind'],
      [{ ...valid, name: undefined }, 'name'],
      [{ ...valid, email: 'pas-un-email' }, 'email'],
      [{ ...valid, departments: [] }, 'departments'],
      [{ ...valid, departments: ['75', '99'] }, 'departments.1'],
      [{ ...valid, capacity: -1 }, 'capacity'],
      [{ ...valid, availableFrom: '2026-02-30' }, 'availableFrom'],
      [{ ...valid, availableFrom: '2026-03-01', availableTo: '2026-02-28' }, 'availableTo'],
      [{ ...valid, unavailable: [{ from: '2026-03-10', to: '2026-03-09' }] }, 'unavailable[0].to'],
      [{ ...valid, kind: 'centre-manager' }, 'organisationId'],
      [{ ...valid, organisationId: randomUUID() }, 'organisationId'],
      [{ ...valid, kind: 'centre-manager', organisationId: randomUUID() }, 'organisationId'],
      [{ ...valid, networkId: randomUUID() }, 'networkId'],
      [{ ...valid, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await http('POST', '/inspectors', ops, body);
      expect(res.body, JSON.stringify(body)).toMatchObject({ statusCode: 400, field });
    }
    expect((await http('GET', '/inspectors?active=maybe', ops)).body).toMatchObject({ statusCode: 400, field: 'active' });
    expect((await http('GET', '/inspectors?kind=x', ops)).body).toMatchObject({ statusCode: 400, field: 'kind' });
    const count: Json[] = await h.db.query('SELECT count(*)::int AS n FROM inspectors WHERE name = $1', ['Léa Dubois']);
    expect(count[0]!.n).toBe(0);

    expect((await http('POST', '/inspectors', ops, valid)).status).toBe(201);
    const again = await http('POST', '/inspectors', ops, { ...valid, name: 'Autre', email: valid.email.toUpperCase() });
    expect(again).toMatchObject({ status: 409, body: { rule: 'DATA-3' } });

    expect((await http('GET', `/inspectors/${randomUUID()}`, ops)).status).toBe(404);
    expect((await http('PUT', `/inspectors/${randomUUID()}/areas`, ops, { departments: ['75'] })).status).toBe(404);
    expect((await http('POST', `/inspectors/${randomUUID()}/deactivate`, ops, { reason: 'x' })).status).toBe(404);
    expect((await http('GET', '/inspectors/not-a-uuid', ops)).body).toMatchObject({ statusCode: 400, field: 'id' });
    for (const role of ['legal', 'inspector', 'read-only'] as const) {
      const token = await h.tokenFor(role);
      expect((await http('GET', '/inspectors', token)).body).toMatchObject({ statusCode: 403, action: 'inspectors.manage' });
      expect((await http('POST', '/inspectors', token, { ...valid, email: email() })).status).toBe(403);
    }
  });

  it('VIS-5 the planner skips the days an inspector declared unavailable; a change stranding a planned visit is refused (409 VIS-5) and changes nothing', async () => {
    const centre = await agreedCentre('971', 'Centre de Pointe-à-Pitre');
    // VIS-2: Guadeloupe's working days (27 May, Good Friday).
    const from = earliestAnnouncedVisit(today(), '971');
    const to = plusDays(from, 30);
    const created = await http('POST', '/inspectors', ops, {
      kind: 'pix-staff',
      name: 'Inès Thomas',
      email: email(),
      departments: ['971'],
      capacity: 1,
    });
    const id = created.body.id as string;
    // Unavailable on the first 3 working days an announced visit could take place.
    const busyTo = addWorkingDays(from, 2, '971');
    const updated = await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [{ from, to: busyTo, reason: 'Congés' }] });
    expect(updated).toMatchObject({
      status: 200,
      body: { unavailable: [{ from, to: busyTo, reason: 'Congés' }], availableTo: null, capacity: 1 },
    });
    expect((await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [{ from: busyTo, to: from }] })).body).toMatchObject({
      statusCode: 400,
      field: 'unavailable[0].to',
    });
    expect((await http('PUT', `/inspectors/${id}/availability`, ops, {})).body).toMatchObject({ statusCode: 400, field: 'unavailable' });

    const plan = await http('POST', '/visit-plans', ops, { from, to, announcedShare: 1 });
    expect(plan.status).toBe(201);
    const visit = plan.body.visits.find((v: Json) => v.organisationId === centre.organisationId);
    expect(visit).toMatchObject({ inspectorId: id, kind: 'announced', plannedOn: addWorkingDays(busyTo, 1, '971') });

    const seen = await http('GET', `/inspectors/${id}`, ops);
    expect(seen.body.plannedVisits).toEqual([
      {
        visitId: visit.id,
        organisationId: centre.organisationId,
        organisationName: 'Centre de Pointe-à-Pitre',
        department: '971',
        plannedOn: visit.plannedOn,
        kind: 'announced',
      },
    ]);

    // The visit's day made unavailable, its department dropped, the engagement ended before it, deactivation: 409 VIS-5.
    const refusals = [
      await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [{ from: visit.plannedOn, to: visit.plannedOn }] }),
      await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [], availableTo: plusDays(visit.plannedOn, -1) }),
      await http('PUT', `/inspectors/${id}/areas`, ops, { departments: ['972'] }),
      await http('POST', `/inspectors/${id}/deactivate`, ops, { reason: 'Fin de mission' }),
    ];
    for (const res of refusals) {
      expect(res).toMatchObject({
        status: 409,
        body: { rule: 'VIS-5', details: { plannedVisits: [expect.objectContaining({ visitId: visit.id, plannedOn: visit.plannedOn })] } },
      });
    }
    expect(refusals[3]!.body.message).toContain('planned visit');
    const after = await http('GET', `/inspectors/${id}`, ops);
    expect(after.body).toMatchObject({
      departments: ['971'],
      unavailable: [{ from, to: busyTo, reason: 'Congés' }],
      availableTo: null,
      active: true,
    });

    // Changes that keep the visit are accepted.
    const areas = await http('PUT', `/inspectors/${id}/areas`, ops, { departments: ['972', '971'] });
    expect(areas).toMatchObject({ status: 200, body: { departments: ['971', '972'] } });
    const capacity = await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [], capacity: 3 });
    expect(capacity.body).toMatchObject({ unavailable: [], capacity: 3 });
    expect((await readStream(h.db, 'inspector', id)).map((e) => e.type)).toEqual([
      'inspector-created',
      'availability-changed',
      'areas-changed',
      'availability-changed',
    ]);
    expect((await verifyLogChain(h.db)).valid).toBe(true);
  });

  it('VIS-5 a deactivated inspector is kept for history but no longer assigned nor changed', async () => {
    const centre = await agreedCentre('973', 'Centre de Cayenne');
    const created = await http('POST', '/inspectors', ops, {
      kind: 'contractor',
      name: 'Noah Petit',
      email: email(),
      departments: ['973'],
      capacity: 5,
    });
    const id = created.body.id as string;
    expect((await http('POST', `/inspectors/${id}/deactivate`, ops, {})).body).toMatchObject({ statusCode: 400, field: 'reason' });
    const res = await http('POST', `/inspectors/${id}/deactivate`, ops, { reason: 'Contrat terminé' });
    expect(res).toMatchObject({ status: 200, body: { id, active: false, deactivationReason: 'Contrat terminé' } });
    expect(res.body.deactivatedAt).toEqual(expect.any(String));

    expect((await http('GET', '/inspectors', ops)).body.items.map((i: Json) => i.id)).not.toContain(id);
    expect((await http('GET', '/inspectors?active=false', ops)).body.items.map((i: Json) => i.id)).toContain(id);
    expect((await http('GET', '/inspectors?active=all', ops)).body.items.map((i: Json) => i.id)).toContain(id);

    const from = earliestAnnouncedVisit(today());
    const plan = await http('POST', '/visit-plans', ops, { from, to: plusDays(from, 20), announcedShare: 1 });
    expect(plan.body.visits.map((v: Json) => v.organisationId)).not.toContain(centre.organisationId);
    expect(plan.body.unassigned).toContainEqual(
      expect.objectContaining({ organisationId: centre.organisationId, reason: 'no-inspector-for-department', ruleId: 'VIS-5' }),
    );

    for (const again of [
      await http('POST', `/inspectors/${id}/deactivate`, ops, { reason: 'encore' }),
      await http('PUT', `/inspectors/${id}/areas`, ops, { departments: ['973'] }),
      await http('PUT', `/inspectors/${id}/availability`, ops, { unavailable: [] }),
    ]) {
      expect(again).toMatchObject({ status: 409, body: { rule: 'VIS-5' } });
    }
    const log = await readStream(h.db, 'inspector', id);
    expect(log.map((e) => [e.type, e.reason])).toEqual([
      ['inspector-created', null],
      ['inspector-deactivated', 'Contrat terminé'],
    ]);
  });
});
