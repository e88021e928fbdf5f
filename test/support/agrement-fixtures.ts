import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { OrganisationEntity } from '../../src/infra/database/entities';
import type { AgrementStart } from '../../src/domain/agrement/agrement';

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

/** The organisation an agrément belongs to, as the application procedure would have registered it. */
export async function insertOrganisation(db: DataSource, start: AgrementStart): Promise<void> {
  await db.getRepository(OrganisationEntity).insert({
    id: start.organisationId,
    name: start.organisationName,
    category: 'datadock-training-provider',
    uai: null,
    department: '69',
    foreign: false,
    email: start.email,
    networkId: null,
  });
}
