import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Role } from '../../src/access/domain/roles';
import { createUser, issueToken } from '../../src/access/usecases/credentials';

/** The name each test user gets: the event log records "<name> (<role>)". */
export const TEST_NAMES: Record<Role, string> = {
  operations: 'Agent Pix',
  legal: 'Juriste Pix',
  centre: 'Référent Centre',
  coordinator: 'Coordinateur Réseau',
  inspector: 'Inspecteur Pix',
  'read-only': 'Lecteur Pix',
};

/** A new user with this role (bound to an organisation for centre/coordinator scopes) and a token of theirs. */
export async function tokenFor(db: DataSource, role: Role, organisationId?: string | null): Promise<string> {
  return (await userWithToken(db, role, organisationId)).token;
}

export async function userWithToken(db: DataSource, role: Role, organisationId?: string | null) {
  const user = await createUser(db, {
    name: TEST_NAMES[role],
    email: `${role}-${randomUUID()}@pix.test`,
    role,
    organisationId: organisationId ?? null,
  });
  // DATA-3: every token has a lifetime; a test run lasts minutes, a day is ample.
  const { token, tokenId } = await issueToken(db, user.id, 'test', { lifetimeDays: 1 });
  return { userId: user.id, name: user.name, token, tokenId };
}

/** The Authorization header of a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
