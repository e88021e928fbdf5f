import type { DataSource } from 'typeorm';
import { ROLES, type Role } from '../access/domain/roles';
import { createUser, ensureDemoToken, findUserByEmail, restoreDemoUser } from '../access/usecases/credentials';

/** Demo people, one per role. Their tokens are public (README): demo data only, never production. */
const DEMO_NAMES: Record<Role, string> = {
  operations: 'Claire Dubois',
  legal: 'Jeanne Martin',
  centre: 'Paul Lefèvre',
  coordinator: 'Maël Le Goff',
  inspector: 'Nadia Haddad',
  'read-only': 'Louis Bernard',
};

export function demoToken(role: Role): string {
  return `pix_demo_${role.replace('-', '_')}`;
}

export function demoEmail(role: Role): string {
  return `demo.${role}@pix.test`;
}

/**
 * One demo user per role, with a deterministic token (`pix_demo_<role>`) stored hashed like any
 * other. Idempotent: a second run keeps the users and tokens, and re-binds the centre and the
 * coordinator to the organisations given. Returns each role's token.
 */
export async function seedDemoUsers(
  db: DataSource,
  organisations: { centre?: string | null; coordinator?: string | null } = {},
): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const organisationId =
      role === 'centre' ? (organisations.centre ?? null) : role === 'coordinator' ? (organisations.coordinator ?? null) : null;
    let user = await findUserByEmail(db, demoEmail(role));
    if (!user) user = await createUser(db, { name: DEMO_NAMES[role], email: demoEmail(role), role, organisationId });
    else if (user.organisationId !== organisationId || !user.active) await restoreDemoUser(db, user.id, organisationId);
    tokens[role] = demoToken(role);
    await ensureDemoToken(db, user.id, 'demo', tokens[role]);
  }
  return tokens;
}
