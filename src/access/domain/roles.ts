/**
 * Who may use the engine (DOMAIN "Actors"; DATA-3: each user has a unique login and an access profile).
 * Pure: no Nest, TypeORM or Temporal.
 */
export const ROLES = [
  /** Pix operations (back office): instruct applications, record decisions, follow deadlines. */
  'operations',
  /** Pix legal team: formal notices, suspensions, terminations (BRE-4: a person decides). */
  'legal',
  /** A centre's référent or legal representative: sees only its own organisation. */
  'centre',
  /** A network's coordinator: sees the coordinating organisation and its members. */
  'coordinator',
  /** Carries out control visits (VIS-5). */
  'inspector',
  /** Reads everything, changes nothing. */
  'read-only',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles whose view is limited to their organisation (or network): everyone else is Pix staff. */
export const SCOPED_ROLES: readonly Role[] = ['centre', 'coordinator'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The authenticated person behind a request. */
export interface Principal {
  userId: string;
  name: string;
  role: Role;
  /** The organisation a centre or coordinator acts for; null for Pix staff. */
  organisationId: string | null;
  /** The token the request came with (DATA-3: the holder sees which of their tokens is the current one). */
  tokenId?: string;
  /** When that token expires (ISO): a cached principal is not served past it. */
  tokenExpiresAt?: string;
}

/** How a principal is named in the event log: "<name> (<role>)". */
export function actorLabel(principal: Pick<Principal, 'name' | 'role'>): string {
  return `${principal.name} (${principal.role})`;
}
