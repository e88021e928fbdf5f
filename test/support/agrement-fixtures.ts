import { randomUUID } from 'node:crypto';
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
