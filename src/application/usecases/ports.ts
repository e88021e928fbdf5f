import type { RecordedOrganisation } from '../domain/applicant';

/**
 * The application context's ports: what its use cases need from storage, as plain types. Implemented over
 * PostgreSQL in src/application/infra/application.repository.ts; the use cases' unit tests implement them in memory.
 */
export interface ApplicationRepository {
  /** APP-1: an organisation's identity as Pix recorded it, or null when it is not recorded. */
  recordedOrganisation(organisationId: string): Promise<RecordedOrganisation | null>;
}
