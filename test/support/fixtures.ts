import { randomInt, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { ApplicationData, Piece, PieceType } from '../../src/application/domain/application';
import type { ApplicationWorkflowInput } from '../../src/application/workflows/definitions';
import { statementStateQuery, statementWorkflowId } from '../../src/billing/workflows/definitions';
import { DEMO_COMMITMENTS } from '../../src/seed/demo';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import type { NewLogEntry } from '../../src/shared/event-log/event-log';
import type { SessionReport } from '../../src/sessions/usecases/session-report';
import type { Harness } from './harness';
import { requestJson } from './http';
import { sessionReport } from './session-fixtures';
import { until } from './waiting';

/** An individual training provider (ELIG-1 Datadock) meeting ELIG-2/3, without UAI (DOC-1 asks for a proof of existence). */
export function individualApplication(overrides: Partial<ApplicationData> = {}): ApplicationData {
  return {
    kind: 'individual',
    organisation: {
      name: 'Formation Numérique Test',
      category: 'datadock-training-provider',
      uai: null,
      department: '69',
      foreign: false,
      email: `centre-${randomUUID().slice(0, 8)}@formation-test.fr`,
    },
    argument: 'Organisme de formation continue, 800 stagiaires par an.',
    referent: { name: 'Alex Dupont', email: 'alex.dupont@formation-test.fr' },
    commitments: {
      qualifiedTeam: true,
      similarServiceReferences: true,
      consistentMeans: true,
      compliantEnvironment: true,
      siteControlProcedures: true,
      noReputationalRisk: true,
      committedCandidates: 600,
    },
    network: null,
    ...overrides,
  };
}

/** APP-1: a centre applies only for its own organisation, as Pix recorded it: an application naming it (name, UAI, e-mail). */
export function ownApplication(
  organisation: { name: string; uai?: string | null; email: string },
  overrides: Partial<ApplicationData> = {},
): ApplicationData {
  const data = individualApplication(overrides);
  return {
    ...data,
    organisation: { ...data.organisation, name: organisation.name, uai: organisation.uai ?? null, email: organisation.email },
  };
}

/** The DOC-1 pieces of an individual applicant without UAI, dated `today`. */
export function individualPieces(today: string, receivedAt: string, types?: PieceType[]): Piece[] {
  const all: PieceType[] = types ?? ['adhesion-form', 'referent-cv', 'proof-of-legal-existence', 'legal-status', 'site-control-procedures'];
  return all.map((type) => ({
    id: randomUUID(),
    type,
    issuedOn: type === 'proof-of-legal-existence' ? today : null,
    filename: `${type}.pdf`,
    receivedAt,
  }));
}

export function workflowInput(data: ApplicationData, receivedAt: Date): ApplicationWorkflowInput {
  return {
    applicationId: randomUUID(),
    organisationId: randomUUID(),
    memberIds: (data.network?.members ?? []).map(() => randomUUID()),
    data,
    receivedAt: receivedAt.toISOString(),
    actor: 'test',
  };
}

/**
 * A public university's application received through the API as src/seed/demo.ts enters it (APP-1, DOC-3); with
 * `dossier`, its DOC-1 pieces too. Returns the application's id.
 */
export async function receiveUniversityApplication(
  api: string,
  token: string,
  name: string,
  options: { dossier?: boolean } = {},
): Promise<string> {
  const created = await requestJson(`${api}/applications`, 'POST', {
    token,
    body: {
      kind: 'higher-education',
      organisation: {
        name,
        category: 'public-higher-education',
        uai: `${String(randomInt(0, 10_000_000)).padStart(7, '0')}N`,
        department: '69',
        email: 'certification@navigateur.test',
      },
      argument: 'Certifier les compétences numériques de nos étudiants.',
      referent: { name: 'Camille Martin', email: 'camille.martin@navigateur.test', recognisedQualifications: true },
      commitments: { ...DEMO_COMMITMENTS, committedCandidates: 3000 },
    },
  });
  expect(created.status, created.text).toBe(201);
  const applicationId = created.body.id as string;
  if (options.dossier) {
    const pieces = await requestJson(`${api}/applications/${applicationId}/pieces`, 'POST', {
      token,
      body: {
        pieces: [
          { type: 'adhesion-form', filename: 'formulaire-adhesion.pdf' },
          { type: 'referent-cv', filename: 'cv-referent.pdf' },
          { type: 'site-control-procedures', filename: 'procedures-controle.pdf' },
        ],
      },
    });
    expect(pieces.status, pieces.text).toBe(200);
  }
  return applicationId;
}

/**
 * SES-1: a session of the centre `organisationId` reported through the API as planned (`session` overrides
 * sessionReport's, with `candidates` candidates); the API must accept it (201).
 */
export async function reportedSessionFixture(
  api: string,
  token: string,
  organisationId: string,
  session: Partial<SessionReport>,
  candidates: number,
): Promise<void> {
  const reported = await requestJson(`${api}/sessions`, 'POST', { token, body: sessionReport(organisationId, session, candidates) });
  expect(reported.status, JSON.stringify(reported.body)).toBe(201);
}

/**
 * BIL-1: a session of the centre `organisationId` held on `date` (14:00-16:00, Paris) and finalised that evening
 * (2 paying candidates who sat, 90 €, Pix's share 20 €), and its month's statement, prepared by its workflow.
 * Returns the statement's id.
 */
export async function finalisedSessionFixture(h: Harness, session: { id: string; organisationId: string; date: string }): Promise<string> {
  const { id, organisationId, date } = session;
  const month = date.slice(0, 7);
  await h.db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, content_hash, source, finalised_at)
     VALUES ($1, $2, $2, 'centre', $3, '14:00', '16:00', 'Europe/Paris', 'finalised', $4, 2, 2, 9000, 2000, 2, 'sessions@2020-01', '{}', 'h', 'api', $5)`,
    [id, organisationId, date, `${isoDate(addDays(parseIsoDate(date), 2))}T14:00:00Z`, `${date}T18:00:00Z`],
  );
  const handle = await h.client.workflow.start('statementWorkflow', {
    workflowId: statementWorkflowId(organisationId, month),
    taskQueue: h.taskQueue,
    args: [{ organisationId, month }],
  });
  const prepared = await until(
    () => handle.query(statementStateQuery),
    (s) => s.statementId !== null,
  );
  return prepared.statementId!;
}

/** SUS-1: an audit log entry, an agrément of a stream of its own suspended for fraud; `overrides` for the rest. */
export function suspensionLogEntry(overrides: Partial<NewLogEntry> & Pick<NewLogEntry, 'eventKey' | 'occurredAt'>): NewLogEntry {
  return {
    streamType: 'agrement',
    streamId: randomUUID(),
    type: 'suspended',
    ruleIds: ['SUS-1'],
    fromState: 'active',
    toState: 'suspended',
    actor: 'juriste@pix.fr',
    reason: 'Fraude',
    data: {},
    ...overrides,
  };
}
