/** What an inspector may see of the control visits (VIS-5): their own visits, and the risk of the centres they visit. */
import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/domain/roles';
import { inspectorsRepository } from '../infra/inspectors.repository';
import { visitsRepository } from '../infra/visits.repository';

/** An inspector user without an inspector record has no assignment: an id that matches nothing. */
const NO_INSPECTOR = '00000000-0000-0000-0000-000000000000';

/** The inspector record of a principal with the inspector role: the one with the same e-mail (the login). */
export async function inspectorIdOf(db: DataSource, principal: Principal): Promise<string | null> {
  if (principal.role !== 'inspector') return null;
  return (await inspectorsRepository(db).idOfUser(principal.userId)) ?? NO_INSPECTOR;
}

/** Whether an inspector has (or had) a visit to this centre: what they may see of its risk. */
export async function inspectorAssignedTo(db: DataSource, principal: Principal, organisationId: string): Promise<boolean> {
  const inspectorId = await inspectorIdOf(db, principal);
  if (!inspectorId) return true;
  return visitsRepository(db).inspectorHasVisited(inspectorId, organisationId);
}
