import type { INestApplication } from '@nestjs/common';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREMENT_ACTIONS } from '../../../../src/agrement/api/actions';
import { PERMISSIONS } from '../../../../src/access/domain/permissions';
import { ROLES, type Role } from '../../../../src/access/domain/roles';
import { dateIn } from '../../../../src/shared/domain/zoned-time';
import { readStream } from '../../../../src/shared/event-log/event-log';
import {
  agrementActionUpdate,
  type AgrementAction,
  agrementStateQuery,
  agrementWorkflowId,
} from '../../../../src/agrement/workflows/definitions';
import { agrementStart, insertOrganisation } from '../../../support/agrement-fixtures';
import { bearer } from '../../../support/auth';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { until } from '../../../support/waiting';

/**
 * Every agrément action tried by every role, each on an agrément in a state where the action is
 * possible: only the roles of the permission matrix succeed (SUS-1, BRE-1, BRE-3, BRE-4: the legal
 * team alone suspends, lifts, notifies, records a cure, confirms a termination); refusals change nothing.
 */
let h: Harness;
let app: INestApplication;
let api: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const today = () => dateIn(new Date(), 'Europe/Paris');
const setup = (handle: WorkflowHandle, action: AgrementAction) =>
  handle.executeUpdate(agrementActionUpdate, { args: [{ action, actor: 'setup' }] });

/** What must hold before each action can succeed, and a valid body for it. */
const CASES: Record<string, { before?: (h: WorkflowHandle) => Promise<unknown>; body: () => Record<string, unknown>; network?: true }> = {
  suspend: { body: () => ({ reason: 'fraude' }) },
  'lift-suspension': { before: (w) => setup(w, { type: 'suspended', on: today(), reason: 'x' }), body: () => ({ reason: 'rétabli' }) },
  'notify-breach': { body: () => ({ reason: 'manquement', letterSentOn: today() }) },
  'record-cure': {
    before: (w) => setup(w, { type: 'breach-notified', letterSentOn: today(), reason: 'x' }),
    body: () => ({ reason: 'ok', evidence: 'rapport' }),
  },
  'confirm-proposal': {
    before: async (w) => {
      await setup(w, { type: 'visit-demanded', on: today() });
      await setup(w, { type: 'visit-answered', on: today(), accepted: false });
    },
    body: () => ({ reason: 'confirmé', proposalId: `SUS-5:${today()}` }),
  },
  'decline-proposal': {
    before: async (w) => {
      await setup(w, { type: 'visit-demanded', on: today() });
      await setup(w, { type: 'visit-answered', on: today(), accepted: false });
    },
    body: () => ({ reason: 'pas de suite', proposalId: `SUS-5:${today()}` }),
  },
  'request-renewal': { body: () => ({ reason: 'renouvellement' }) },
  'accept-renewal': { before: (w) => setup(w, { type: 'renewal-requested', on: today() }), body: () => ({ reason: 'accepté' }) },
  'demand-visit': { body: () => ({ reason: 'contrôle' }) },
  'answer-visit': { before: (w) => setup(w, { type: 'visit-demanded', on: today() }), body: () => ({ accepted: true }) },
  'request-termination': { body: () => ({ reason: 'cessation' }) },
  'start-force-majeure': { body: () => ({ reason: 'inondation' }) },
  'end-force-majeure': { before: (w) => setup(w, { type: 'force-majeure-started', on: today() }), body: () => ({ reason: 'fin' }) },
  'notify-cahier-change': { body: () => ({ summary: '1 surveillant pour 15 candidats' }) },
  'change-referent': { body: () => ({ name: 'Nouvelle Référente', email: 'nr@test.fr', cv: 'cv-nouvelle-referente.pdf' }) },
  'record-referent-training': {
    before: (w) =>
      setup(w, { type: 'referent-changed', on: today(), name: 'N', email: 'n@test.fr', recognisedQualifications: true, cv: 'cv-n.pdf' }),
    body: () => ({}),
  },
  'record-badge': { body: () => ({}) },
  'record-contribution': { body: () => ({ days: 2 }) },
  // REF-1: a network's référents, within the number agreed in its convention (3 here).
  'add-referent': { network: true, body: () => ({ name: 'Lou', email: 'lou@test.fr', cv: 'cv-lou.pdf' }) },
  'remove-referent': {
    network: true,
    before: (w) => setup(w, { type: 'referent-added', on: today(), name: 'Lou', email: 'lou@test.fr', cv: 'cv-lou.pdf' }),
    body: () => ({ reason: 'départ', referentEmail: 'lou@test.fr' }),
  },
  'revise-referent-count': { network: true, body: () => ({ reason: 'nouveaux centres', count: 4 }) },
  'record-finalised-session': { body: () => ({ sessionId: 'S-1', candidates: 12 }) },
  'request-labour-documents': { body: () => ({ reason: 'contrôle URSSAF' }) },
  'record-labour-documents': { before: (w) => setup(w, { type: 'labour-documents-requested', on: today() }), body: () => ({}) },
};

async function freshAgrement(network = false) {
  const start = agrementStart(today(), {
    referent: { name: 'R', email: 'r@test.fr', trainedOn: today(), recognisedQualifications: false },
    ...(network ? { kind: 'network' as const, referentCount: 3 } : {}),
  });
  await insertOrganisation(h.db, start);
  const handle = await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await handle.query(agrementStateQuery);
  await until(
    () => readStream(h.db, 'agrement', start.agrementId),
    (log) => log.length > 0,
  );
  return { start, handle };
}

describe('agrément role matrix', () => {
  it('covers every action of the API', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(AGREMENT_ACTIONS).sort());
  });

  for (const [name, spec] of Object.entries(AGREMENT_ACTIONS)) {
    it(`${name}: only ${PERMISSIONS[spec.permission].join(', ')} may (${spec.permission})`, async () => {
      const allowed = PERMISSIONS[spec.permission];
      const results: Record<string, number> = {};
      for (const role of ROLES) {
        const { start, handle } = await freshAgrement(CASES[name]!.network === true);
        await CASES[name]!.before?.(handle);
        const token = await h.tokenFor(role as Role, start.organisationId);
        const before = await handle.query(agrementStateQuery);
        const res = await fetch(`${api}/agrements/${start.agrementId}/actions/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(token) },
          body: JSON.stringify(CASES[name]!.body()),
        });
        results[role] = res.status;
        if (!allowed.includes(role))
          expect((await handle.query(agrementStateQuery)).version, `${role} changed the agrément`).toBe(before.version);
      }
      expect(results).toEqual(Object.fromEntries(ROLES.map((r) => [r, allowed.includes(r) ? 200 : 403])));
    });
  }
});
