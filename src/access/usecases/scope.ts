import type { Db } from '../../shared/database/db';
import type { Principal } from '../domain/roles';
import { scopeRepository } from '../infra/scope.repository';
import { isUuid } from './credentials';

/**
 * DATA-3: what a principal may see, for the other contexts' controllers: a centre or coordinator sees only
 * its organisation (and, for a network head, its members); Pix roles see every organisation.
 */

/** The network an organisation belongs to (its coordinating organisation), or null. */
export async function organisationNetworkId(db: Db, organisationId: string): Promise<string | null> {
  if (!isUuid(organisationId)) return null;
  return scopeRepository(db).networkOf(organisationId);
}

/**
 * The organisations a principal sees: null for Pix staff (all); a centre its own; a coordinator its
 * organisation and the members of its network. A scoped principal without organisation sees none.
 */
export async function visibleOrganisationIds(db: Db, principal: Pick<Principal, 'role' | 'organisationId'>): Promise<string[] | null> {
  if (principal.role !== 'centre' && principal.role !== 'coordinator') return null;
  if (!principal.organisationId) return [];
  if (principal.role === 'centre') return [principal.organisationId];
  const ids = await scopeRepository(db).organisationAndMembers(principal.organisationId);
  return ids.length ? ids : [principal.organisationId];
}

/** The organisation an application belongs to, with that organisation's network, or null if unknown. */
export async function applicationOrganisation(
  db: Db,
  applicationId: string,
): Promise<{ organisationId: string; networkId: string | null } | null> {
  if (!isUuid(applicationId)) return null;
  return scopeRepository(db).applicationOrganisation(applicationId);
}
