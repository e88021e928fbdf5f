import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { OrganisationEntity } from '../../src/entities';
import type { AgrementStart } from '../../src/agrement/domain/agrement';
import { readStream } from '../../src/shared/event-log/event-log';
import { agrementActionUpdate, type AgrementAction, agrementWorkflowId } from '../../src/agrement/workflows/definitions';
import type { Harness } from './harness';
import { until } from './waiting';

/** An agrément starting on `startOn`, for a centre whose référent has no recognised qualifications (REF-3 applies). */
export function agrementStart(startOn: string, overrides: Partial<AgrementStart> = {}): AgrementStart {
  const id = randomUUID();
  return {
    agrementId: id,
    organisationId: id,
    organisationName: `Centre ${id.slice(0, 6)}`,
    email: `centre-${id.slice(0, 8)}@test.fr`,
    kind: 'centre',
    foreign: false,
    startOn,
    years: 3,
    referent: { name: 'Alex Référent', email: 'alex@test.fr', trainedOn: startOn, recognisedQualifications: false },
    ...overrides,
  };
}

/** Where an organisation is and what identifies it besides its name (DOC-1: its UAI, if any). */
export interface OrganisationPlace {
  uai?: string | null;
  department?: string | null;
}

/** The organisation an agrément belongs to, as the application procedure would have registered it (in the Rhône unless told). */
export async function insertOrganisation(db: DataSource, start: AgrementStart, place: OrganisationPlace = {}): Promise<void> {
  await db.getRepository(OrganisationEntity).insert({
    id: start.organisationId,
    name: start.organisationName,
    category: 'datadock-training-provider',
    uai: place.uai ?? null,
    department: place.department === undefined ? '69' : place.department,
    foreign: false,
    email: start.email,
    networkId: null,
  });
}

/**
 * A running agrément granted on `startOn` (trained référent with recognised qualifications), its
 * organisation registered (named, placed and with a UAI as `organisation` says) and its opening recorded; `act` sends
 * a legal or operations action.
 */
export async function runningAgrement(
  h: Pick<Harness, 'db' | 'client' | 'taskQueue'>,
  startOn: string,
  kind: 'centre' | 'network' = 'centre',
  organisation: OrganisationPlace & { name?: string } = {},
) {
  const start = agrementStart(startOn, {
    kind,
    referent: { name: 'R', email: 'r@test.fr', trainedOn: startOn, recognisedQualifications: true },
    ...(organisation.name ? { organisationName: organisation.name } : {}),
  });
  await insertOrganisation(h.db, start, organisation);
  const handle = await h.client.workflow.start('agrementWorkflow', {
    workflowId: agrementWorkflowId(start.organisationId),
    taskQueue: h.taskQueue,
    args: [{ start }],
  });
  await until(
    () => readStream(h.db, 'agrement', start.agrementId),
    (log) => log.length > 0,
  );
  const act = (action: AgrementAction) => handle.executeUpdate(agrementActionUpdate, { args: [{ action, actor: 'setup' }] });
  return { start, handle, act, organisationId: start.organisationId };
}
