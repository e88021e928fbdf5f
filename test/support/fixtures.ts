import { randomUUID } from 'node:crypto';
import type { ApplicationData, Piece, PieceType } from '../../src/application/domain/application';
import type { ApplicationWorkflowInput } from '../../src/application/workflows/definitions';

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
