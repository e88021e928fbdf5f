import { randomUUID } from 'node:crypto';
import type { ApplicationData } from '../domain/application';
import { identityMismatches } from '../domain/applicant';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { applicationRepository, registerApplication } from '../infra/application.repository';
import { applicationWorkflowId, type ApplicationWorkflowInput } from '../workflows/definitions';
import { deliverWorkflowStarts } from '../../shared/usecases/workflow-starts';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { uuidFromKey } from '../../shared/usecases/idempotent-ids';
import type { ApplicationRepository } from './ports';

/**
 * APP-1: the organisation a centre applies for: its own, as Pix recorded it (renewal or new application),
 * never another one and never a new one. New organisations come from Pix operations, who enter the
 * applications received on paper or by e-mail; a coordinator does not submit applications (its network's
 * are entered by operations, the members being organisations created on their behalf). Refusals name APP-1
 * (409); nothing is stored and no e-mail sent. Returns null for Pix staff (a new organisation is created).
 */
export async function applicantOrganisationId(
  deps: Pick<ApplicationDeps, 'db'>,
  principal: Pick<Principal, 'role' | 'organisationId'>,
  data: ApplicationData,
): Promise<string | null> {
  return resolveApplicantOrganisation(applicationRepository(deps.db), principal, data);
}

/** applicantOrganisationId over its port (APP-1). */
export async function resolveApplicantOrganisation(
  applications: ApplicationRepository,
  principal: Pick<Principal, 'role' | 'organisationId'>,
  data: ApplicationData,
): Promise<string | null> {
  if (principal.role !== 'centre' && principal.role !== 'coordinator') return null;
  if (!principal.organisationId) {
    throw new TransitionRefused(
      'APP-1',
      'this account acts for no organisation: a centre applies only for its own organisation; ask Pix operations to bind your account or to enter the application',
    );
  }
  if (data.kind === 'network') {
    throw new TransitionRefused(
      'APP-1',
      "a network application creates its members' organisations: it is entered by Pix operations, not by a centre",
      { field: 'kind' },
    );
  }
  const recorded = await applications.recordedOrganisation(principal.organisationId);
  if (!recorded)
    throw new TransitionRefused(
      'APP-1',
      `the organisation of this account (${principal.organisationId}) is not recorded: ask Pix operations`,
    );
  const differs = identityMismatches(recorded, data.organisation);
  if (differs.length > 0) {
    throw new TransitionRefused(
      'APP-1',
      `a centre applies only for its own organisation: organisation.${differs.join(', organisation.')} ${differs.length > 1 ? 'differ' : 'differs'} from the organisation of this account as Pix recorded it ` +
        `(to change them, or to apply for another organisation, write to Pix operations)`,
      { fields: differs.map((f) => `organisation.${f}`), organisationId: principal.organisationId },
    );
  }
  return principal.organisationId;
}

/**
 * APP-1: receives an application. Cross-field checks the schema cannot express come first; then the
 * application is committed with its workflow's start queued in the same transaction, and only then is the
 * workflow started (issue 11: nothing runs for input that is not stored). Should Temporal not answer, the
 * application stands and housekeeping starts its workflow later (its id derives from the application id,
 * so a start repeated finds the running workflow).
 */
export async function submitApplication(
  deps: ApplicationDeps,
  data: ApplicationData,
  actor: string,
  idempotencyKey?: string,
  /** The applicant's own organisation, already recorded (a centre applying: see applicantOrganisationId); absent, a new one is created. */
  existingOrganisationId?: string | null,
  /** APP-7: when Pix received it (its clock starts then: receiptInstant); default now. */
  receivedAt: Date = deps.now(),
): Promise<{ applicationId: string; workflowId: string; created: boolean }> {
  if (data.kind === 'network' && !data.network)
    throw new InvalidCommand('network', 'network is required for a network application (APP-1, ELIG-4)');
  if (data.kind !== 'network' && data.network) throw new InvalidCommand('network', 'network is only for a network application (APP-1)');
  if (data.kind === 'higher-education' && data.organisation.category !== 'public-higher-education') {
    throw new InvalidCommand('organisation.category', 'the DOC-3 dossier is for public higher-education establishments only');
  }
  const applicationId = idempotencyKey ? uuidFromKey('application', idempotencyKey) : randomUUID();
  const members = data.network?.members ?? [];
  const input: ApplicationWorkflowInput = {
    applicationId,
    organisationId: existingOrganisationId ?? (idempotencyKey ? uuidFromKey('organisation', idempotencyKey) : randomUUID()),
    memberIds: members.map((_, i) => (idempotencyKey ? uuidFromKey(`member-${i}`, idempotencyKey) : randomUUID())),
    data: { ...data, organisation: { ...data.organisation, foreign: data.organisation.foreign ?? false } },
    receivedAt: receivedAt.toISOString(),
    actor,
  };
  const workflowId = applicationWorkflowId(applicationId);
  // A retried request (same idempotency key) finds its application: 200, not 201.
  const created = await registerApplication(deps.db, input, { workflowId, workflowType: 'applicationWorkflow', args: [input] });
  // A failed start stays queued with its error (workflow_start_outbox); housekeeping retries it.
  await deliverWorkflowStarts(deps, { workflowIds: [workflowId] });
  return { applicationId, workflowId, created };
}
