import { createHash, randomUUID } from 'node:crypto';
import type { ApplicationData } from '../../domain/application/application';
import { InvalidCommand } from '../../domain/errors';
import { registerApplication } from '../../infra/database/application-store';
import { applicationWorkflowId, type ApplicationWorkflowInput } from '../../workflows/application/definitions';
import { deliverWorkflowStarts } from '../workflow-starts';
import type { ApplicationDeps } from './dependencies';

/** A UUID derived from a client's idempotency key, so a retried request names the same application. */
export function uuidFromKey(namespace: string, key: string): string {
  const h = createHash('sha256').update(`${namespace}:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
): Promise<{ applicationId: string; workflowId: string; created: boolean }> {
  if (data.kind === 'network' && !data.network) throw new InvalidCommand('network', 'network is required for a network application (APP-1, ELIG-4)');
  if (data.kind !== 'network' && data.network) throw new InvalidCommand('network', 'network is only for a network application (APP-1)');
  if (data.kind === 'higher-education' && data.organisation.category !== 'public-higher-education') {
    throw new InvalidCommand('organisation.category', 'the DOC-3 dossier is for public higher-education establishments only');
  }
  const applicationId = idempotencyKey ? uuidFromKey('application', idempotencyKey) : randomUUID();
  const members = data.network?.members ?? [];
  const input: ApplicationWorkflowInput = {
    applicationId,
    organisationId: idempotencyKey ? uuidFromKey('organisation', idempotencyKey) : randomUUID(),
    memberIds: members.map((_, i) => (idempotencyKey ? uuidFromKey(`member-${i}`, idempotencyKey) : randomUUID())),
    data: { ...data, organisation: { ...data.organisation, foreign: data.organisation.foreign ?? false } },
    receivedAt: deps.now().toISOString(),
    actor,
  };
  const workflowId = applicationWorkflowId(applicationId);
  // A retried request (same idempotency key) finds its application: 200, not 201.
  const created = await registerApplication(deps.db, input, { workflowId, workflowType: 'applicationWorkflow', args: [input] });
  // A failed start stays queued with its error (workflow_start_outbox); housekeeping retries it.
  await deliverWorkflowStarts(deps, { workflowIds: [workflowId] });
  return { applicationId, workflowId, created };
}
