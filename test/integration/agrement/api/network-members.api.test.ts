import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { agrementStateQuery, agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { runningAgrement } from '../../../support/agrement-fixtures';
import { individualApplication } from '../../../support/fixtures';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { sessionReport } from '../../../support/session-fixtures';
import { until } from '../../../support/waiting';

/**
 * REF-1 and network members during the agrément (ELIG-4, QUO-1; CdC §3.1.2, §3.2.2), end to end: a network granted
 * through the application procedure with the number of référents its convention agrees, référents designated within
 * it, centres joining and leaving (eligibility rules, coverage, event log, read model), and a joined member's
 * finalised session counted in the network's quota.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let ops: string;
let legal: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  ops = await h.tokenFor('operations');
  legal = await h.tokenFor('legal');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const http = (method: string, path: string, body?: unknown, token = ops): Promise<{ status: number; body: Json }> =>
  requestJson(`${api}${path}`, method, { token, body });
const daysAgo = (n: number) => dateIn(new Date(Date.now() - n * 86_400_000), 'Europe/Paris');
const suffix = () => Math.random().toString(36).slice(2, 8);

/** A type A network taken through the application procedure (APP-1..6) to its attestation, received 10 days ago. */
async function grantedNetwork() {
  const data = individualApplication({
    kind: 'network',
    organisation: {
      name: `Réseau ${suffix()}`,
      category: 'other',
      uai: null,
      department: '69',
      foreign: false,
      email: `reseau-${suffix()}@test.fr`,
    },
    referent: { name: 'Alex Référent', email: 'alex@reseau.fr', recognisedQualifications: true },
    commitments: { ...individualApplication().commitments, committedCandidates: 2500, priorNetworkOperation: true },
    network: {
      type: 'A',
      coordinatingEntity: 'Fédération des centres',
      departmentsCovered: ['69', '01'],
      members: [
        { name: 'Centre Lyon', category: 'datadock-training-provider', department: '69', email: `lyon-${suffix()}@reseau.fr` },
        { name: 'Centre Ain', category: 'apprentice-training-centre', department: '01', email: `ain-${suffix()}@reseau.fr` },
      ],
    },
  });
  const { status, body: created } = await http('POST', '/applications', data);
  expect(status).toBe(201);
  const pieces = [
    { type: 'adhesion-form', filename: 'adhesion.pdf' },
    { type: 'proof-of-legal-existence', filename: 'kbis.pdf', issuedOn: daysAgo(20) },
    { type: 'site-control-procedures', filename: 'procedures.pdf' },
    { type: 'member-list', filename: 'membres.pdf' },
  ];
  expect((await http('POST', `/applications/${created.id}/pieces`, { pieces })).status).toBe(200);
  expect((await http('POST', `/applications/${created.id}/admissibility`, { decision: 'admissible' })).status).toBe(200);
  expect((await http('POST', `/applications/${created.id}/referent-training`, { on: daysAgo(12) })).status).toBe(200);
  // REF-1: a network's grant states the number of référents agreed in its convention.
  const missing = await http('POST', `/applications/${created.id}/grant`, {});
  expect(missing.status).toBe(400);
  expect(missing.body.field).toBe('referentCount');
  expect((await http('POST', `/applications/${created.id}/grant`, { referentCount: 2 })).status).toBe(200);
  expect((await http('POST', `/applications/${created.id}/adhesion-form`, { on: daysAgo(11) })).status).toBe(200);
  expect((await http('POST', `/applications/${created.id}/attestation`, { receivedOn: daysAgo(10) })).status).toBe(200);
  const organisationId: string = created.organisation.id;
  const agrement = await until(
    () => http('GET', `/agrements/${organisationId}`),
    (r) => r.status === 200,
  );
  return { agrementId: organisationId, organisationId, members: created.members as Json[], agrement: agrement.body };
}

const membership = async (organisationId: string): Promise<string | null> =>
  ((await h.db.query('SELECT network_id FROM organisations WHERE id = $1', [organisationId])) as { network_id: string | null }[])[0]
    ?.network_id ?? null;

describe('REF-1 ELIG-4 QUO-1: référents and members of an agreed network', () => {
  it('REF-1 ELIG-4 QUO-1 a network granted with 2 référents designates them, takes in an eligible centre (not an ineligible one), counts its sessions, and lets it leave', async () => {
    const n = await grantedNetwork();
    expect(n.agrement.agrement).toMatchObject({ kind: 'network', referentCount: 2, otherReferents: [] });
    expect(n.agrement.agrement.network).toMatchObject({ type: 'A', departmentsCommitted: ['69', '01'], departmentsCovered: ['01', '69'] });
    expect(n.agrement.agrement.network.members.map((m: Json) => m.organisationId).sort()).toEqual(n.members.map((m) => m.id).sort());

    // REF-1: within the number agreed, each référent addressed by e-mail.
    const act = (action: string, body: Json, token = ops) => http('POST', `/agrements/${n.agrementId}/actions/${action}`, body, token);
    const added = await act('add-referent', {
      name: 'Lou Référente',
      email: 'lou@reseau.fr',
      cv: 'cv-lou.pdf',
      reason: 'Convention : 2 référents',
    });
    expect(added.status).toBe(200);
    expect(added.body.agrement.otherReferents).toEqual([expect.objectContaining({ name: 'Lou Référente', trained: false })]);
    expect(added.body.timeline.at(-1)).toMatchObject({
      type: 'referent-added',
      ruleIds: ['REF-1', 'REF-2'],
      actor: 'Agent Pix (operations)',
      reason: 'Convention : 2 référents',
    });
    const third = await act('add-referent', { name: 'Sam', email: 'sam@reseau.fr', cv: 'cv-sam.pdf' });
    expect(third.status).toBe(409);
    expect(third.body.rule).toBe('REF-1');
    const which = await act('record-referent-training', {});
    expect(which.status).toBe(400);
    expect(which.body.field).toBe('referentEmail');
    const trained = await act('record-referent-training', { referentEmail: 'lou@reseau.fr' });
    expect(trained.status).toBe(200);
    expect(trained.body.agrement.otherReferents[0].trained).toBe(true);
    expect((await act('revise-referent-count', { count: 1, reason: 'moins de centres' })).body.rule).toBe('REF-1');

    // ELIG-4 type A: a centre that is not individually eligible (ELIG-1) is refused, naming the check; nothing changes.
    const before = (await h.client.workflow.getHandle(agrementWorkflowId(n.organisationId)).query(agrementStateQuery)).version;
    const ineligible = await http('POST', `/agrements/${n.agrementId}/members`, {
      member: { name: 'Association Quartier', category: 'other', department: '69', email: `asso-${suffix()}@test.fr` },
      reason: "Déclaration de l'entité coordinatrice",
    });
    expect(ineligible.status).toBe(409);
    expect(ineligible.body.rule).toBe('ELIG-4');
    expect(ineligible.body.details.failures).toEqual([
      expect.objectContaining({ check: 'ELIG-4.type-a.members-individually-eligible', actual: ['Association Quartier'] }),
    ]);
    expect((await h.client.workflow.getHandle(agrementWorkflowId(n.organisationId)).query(agrementStateQuery)).version).toBe(before);
    expect(
      (
        await http(
          'POST',
          `/agrements/${n.agrementId}/members`,
          { member: { name: 'X', category: 'eespig', email: 'x@test.fr' }, reason: 'r' },
          legal,
        )
      ).status,
    ).toBe(403);
    expect((await http('POST', `/agrements/${n.agrementId}/members`, { reason: 'r' })).body.field).toBe('member');

    // An eligible centre joins: audited, its organisation attached to the network, the coverage recomputed.
    const joined = await http('POST', `/agrements/${n.agrementId}/members`, {
      member: { name: 'CFA Rhône', category: 'apprentice-training-centre', department: '38', email: `cfa-${suffix()}@test.fr` },
      reason: "Déclaration de l'entité coordinatrice du 3 mars",
      evidence: 'declaration-2026-03.pdf',
    });
    expect(joined.status).toBe(200);
    const event = joined.body.timeline.at(-1);
    expect(event).toMatchObject({
      type: 'member-joined',
      ruleIds: ['ELIG-4', 'QUO-1'],
      actor: 'Agent Pix (operations)',
      reason: "Déclaration de l'entité coordinatrice du 3 mars",
    });
    expect(event.data).toMatchObject({
      name: 'CFA Rhône',
      members: 3,
      departmentsCovered: ['01', '38', '69'],
      evidence: 'declaration-2026-03.pdf',
    });
    const memberId: string = event.data.organisationId;
    expect(await membership(memberId)).toBe(n.organisationId);
    expect((await http('POST', `/agrements/${n.agrementId}/members`, { organisationId: memberId, reason: 'encore' })).body.rule).toBe(
      'ELIG-4',
    );

    // QUO-1: a member has no quota of its own: its finalised session counts for the network.
    const report = sessionReport(memberId, { date: daysAgo(1), plannedOn: daysAgo(9), startTime: '08:00', endTime: '10:00' });
    const reported = await http('POST', '/sessions', report);
    expect(reported.status).toBe(201);
    expect((await http('GET', `/sessions/${report.id}`)).body).toMatchObject({ agrementOrganisationId: n.organisationId });
    const finalised = await http('POST', `/sessions/${report.id}/finalise`, {
      finalisedAt: new Date(Date.now() - 60_000).toISOString(),
      candidatesWhoSat: 7,
    });
    expect(finalised.status).toBe(200);
    const handle = h.client.workflow.getHandle(agrementWorkflowId(n.organisationId));
    expect(
      (
        await until(
          () => handle.query(agrementStateQuery),
          (a) => a.quota.candidates === 7,
        )
      ).quota.sessionIds,
    ).toEqual([report.id]);

    // It leaves: detached from the network, its departure on the record; leaving twice is refused.
    const left = await http('POST', `/agrements/${n.agrementId}/members/${memberId}/remove`, { reason: 'Sortie du réseau déclarée' });
    expect(left.status).toBe(200);
    expect(left.body.timeline.at(-1)).toMatchObject({
      type: 'member-left',
      ruleIds: ['ELIG-4'],
      reason: 'Sortie du réseau déclarée',
      data: expect.objectContaining({ members: 2, departmentsCovered: ['01', '69'] }),
    });
    expect(left.body.agrement.network.formerMembers).toEqual([expect.objectContaining({ organisationId: memberId, name: 'CFA Rhône' })]);
    expect(await membership(memberId)).toBeNull();
    const again = await http('POST', `/agrements/${n.agrementId}/members/${memberId}/remove`, { reason: 'encore' });
    expect(again.status).toBe(409);
    expect(again.body.rule).toBe('ELIG-4');
    expect(
      (await http('POST', `/agrements/${n.agrementId}/members/5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f/remove`, { reason: 'r' })).status,
    ).toBe(404);
    expect(await verifyLogChain(h.db)).toMatchObject({ valid: true });
  });

  it('ELIG-4 the last member cannot leave; REF-1 a centre has one référent: adding one, revising the count or taking members is refused', async () => {
    const n = await grantedNetwork();
    const [first, second] = n.members as Json[];
    expect((await http('POST', `/agrements/${n.agrementId}/members/${first!.id}/remove`, { reason: 'départ' })).status).toBe(200);
    const last = await http('POST', `/agrements/${n.agrementId}/members/${second!.id}/remove`, { reason: 'départ' });
    expect(last.status).toBe(409);
    expect(last.body.rule).toBe('ELIG-4');
    expect(await membership(second!.id)).toBe(n.organisationId);
    // The centre that left may come back, by its organisation id.
    const back = await http('POST', `/agrements/${n.agrementId}/members`, { organisationId: first!.id, reason: 'retour' });
    expect(back.status).toBe(200);
    expect(await membership(first!.id)).toBe(n.organisationId);

    const c = await runningAgrement(h, daysAgo(5));
    const add = await http('POST', `/agrements/${c.start.agrementId}/actions/add-referent`, {
      name: 'Deux',
      email: 'deux@test.fr',
      cv: 'cv.pdf',
    });
    expect(add.status).toBe(409);
    expect(add.body.rule).toBe('REF-1');
    expect(
      (await http('POST', `/agrements/${c.start.agrementId}/actions/revise-referent-count`, { count: 2, reason: 'r' })).body.rule,
    ).toBe('REF-1');
    const member = await http('POST', `/agrements/${c.start.agrementId}/members`, {
      member: { name: 'M', category: 'eespig', email: 'm@test.fr' },
      reason: 'r',
    });
    expect(member.status).toBe(409);
    expect(member.body.rule).toBe('ELIG-4');
  });
});
