import type { Role } from '../domain/roles';
import type { TokenScope } from '../domain/tokens';

/**
 * The access context's repositories (ports): users, their tokens and the access reviews (DATA-3), and the
 * organisations a principal sees; implemented in src/access/infra/*.repository.ts. Plain types only, so a
 * use case runs over an in-memory implementation in the unit tests.
 */

/** A person who uses the engine, with one role (DATA-3: unique login, access profile). */
export interface User {
  id: string;
  name: string;
  /** The login: unique, case-insensitively. */
  email: string;
  role: Role;
  /** The organisation a centre or coordinator acts for (its scope); null for Pix staff. */
  organisationId: string | null;
  /** DATA-3: an obsolete access is deactivated, not deleted (the event log still names the person). */
  active: boolean;
  deactivatedAt: Date | null;
  createdAt: Date;
}

/** A user as operations review them: with their organisation's name and whether its agréments all ended. */
export interface UserRecord extends User {
  organisationName: string | null;
  /** Whether the organisation had agréments and all of them ended. */
  agrementEnded: boolean;
}

/** A bearer token of a user (never the token itself: only its hash is stored). */
export interface TokenRecord {
  id: string;
  userId: string;
  label: string;
  /** Issue 14: what the token opens. */
  scope: TokenScope;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who changed an access, when and why: the change's event-log entry (DATA-3). Seeding, scripts and test setup record none. */
export interface AccessAudit {
  actor: string;
  reason: string | null;
  at: Date;
}

/** What a bearer token's hash finds: the token and its (active) user. */
export interface TokenHolder {
  tokenId: string;
  tokenHash: string;
  scope: TokenScope;
  lastUsedAt: Date | null;
  expiresAt: Date;
  userId: string;
  name: string;
  role: string;
  organisationId: string | null;
}

/** Users and their tokens (DATA-3); each audited change writes its event-log entry (stream "access"). */
export interface AccessRepository {
  /** DATA-3: one login per e-mail address: a duplicate (or an unknown organisation) is refused (InvalidCommand). */
  insertUser(
    user: { id: string; name: string; email: string; role: Role; organisationId: string | null },
    audit?: Pick<AccessAudit, 'actor' | 'at'>,
  ): Promise<User>;
  findUser(id: string): Promise<User | null>;
  findUserByEmail(email: string): Promise<User | null>;
  /** Locks the user; false when unknown. */
  lockUser(id: string): Promise<boolean>;
  /** Locks the users, then the tokens named and every token of those users, each in the order of their ids. */
  lockAccesses(userIds: string[], tokenIds: string[]): Promise<void>;
  /** Users with their organisation, active ones first, by name. */
  userRecords(filter?: { id?: string; active?: boolean; role?: Role }): Promise<UserRecord[]>;
  /**
   * DATA-3: the user is deactivated and every token of theirs revoked, at once; an audited change that
   * changed something is logged. Returns what changed.
   */
  deactivateUser(userId: string, audit?: AccessAudit): Promise<{ deactivated: boolean; revokedTokenIds: string[] }>;
  /** Demo data: the user acts for `organisationId` and is active again. */
  restoreDemoUser(userId: string, organisationId: string | null): Promise<void>;

  /** The users' tokens, newest first. */
  tokensOf(userIds: string[]): Promise<TokenRecord[]>;
  tokenExists(tokenId: string): Promise<boolean>;
  findToken(tokenId: string): Promise<TokenRecord | undefined>;
  /** The token, locked. */
  lockToken(tokenId: string): Promise<TokenRecord | undefined>;
  insertToken(
    token: { id: string; userId: string; hash: string; label: string; scope: TokenScope; createdAt: Date; expiresAt: Date },
    audit?: Pick<AccessAudit, 'actor'>,
  ): Promise<void>;
  /** Demo data only: stores a chosen token (its hash) for `lifetimeDays` from now, un-revoked. */
  upsertDemoToken(token: { id: string; userId: string; hash: string; label: string }, lifetimeDays: number): Promise<void>;
  /** Revokes a token; false when it is already revoked (or unknown). An audited revocation names the token's holder and label in the log. */
  revokeToken(tokenId: string, audit?: AccessAudit & { userId: string; label: string }): Promise<boolean>;
  /** The unrevoked, unexpired token of an active user with this hash. */
  findTokenHolder(tokenHash: string): Promise<TokenHolder | undefined>;
  /** DATA-3: records the token's last use, at most once per `resolutionSeconds`. */
  recordTokenUse(tokenId: string, resolutionSeconds: number): Promise<void>;
}

/** An access removed by a review. */
export interface Removal {
  kind: 'user' | 'token';
  id: string;
  reason: string;
  /** The tokens revoked with a user deactivated. */
  revokedTokenIds?: string[];
}

export interface ReviewRecord {
  id: string;
  reviewedAt: string;
  reviewer: string;
  notes: string | null;
  usersReviewed: number;
  tokensReviewed: number;
  flagged: number;
  removed: Removal[];
}

/** DATA-3: the annual access reviews; recording one writes its event-log entry (stream "access-review"). */
export interface AccessReviewsRepository {
  /** The last review, and the first user's creation: the basis of the next review's due date. */
  reviewClock(): Promise<{ lastReviewedAt: Date | null; firstUserCreatedAt: Date | null }>;
  /** One review at a time (until the transaction ends). */
  lockReviews(): Promise<void>;
  insertReview(review: {
    id: string;
    reviewedAt: Date;
    reviewer: string;
    reviewerUserId: string;
    notes: string | null;
    usersReviewed: number;
    tokensReviewed: number;
    flagged: number;
    removed: Removal[];
  }): Promise<ReviewRecord>;
  countReviews(): Promise<number>;
  /** Latest first. */
  listReviews(page: { limit: number; offset: number }): Promise<ReviewRecord[]>;
  findReview(id: string): Promise<ReviewRecord | undefined>;
}

/** DATA-3: the organisations behind a principal's scope. */
export interface ScopeRepository {
  /** The network an organisation belongs to (its coordinating organisation), or null. */
  networkOf(organisationId: string): Promise<string | null>;
  /** The organisation and the members of its network, by id. */
  organisationAndMembers(organisationId: string): Promise<string[]>;
  /** The organisation an application belongs to, with that organisation's network, or null if unknown. */
  applicationOrganisation(applicationId: string): Promise<{ organisationId: string; networkId: string | null } | null>;
}

// ---------------------------------------------------------------------------------------------------------
// Failed authentications (failed-authentications.repository.ts; issue 12's limit, shared by the API replicas: issue 15)

export interface FailedAuthLimit {
  limit: number;
  windowSeconds: number;
  blockSeconds: number;
}

export interface FailedAuthenticationsRepository {
  /**
   * Counts a failure of `address` in its window (a new window when the last one ended); past `limit` the address
   * is blocked for `blockSeconds` (failures during a block neither count nor extend it). Returns the seconds the
   * address must still wait, 0 when it is not blocked. Atomic: replicas counting at once count every failure.
   */
  recordFailure(scope: string, address: string, limit: FailedAuthLimit): Promise<number>;
  /** The addresses blocked now, with the milliseconds left; the expired counters are forgotten on the way. */
  blockedAddresses(scope: string): Promise<Array<{ address: string; remainingMs: number }>>;
}
