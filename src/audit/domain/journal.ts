import { isRole, ROLES, type Role } from '../../access/domain/roles';
import { isIsoDate } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';
import { endOfDay, startOfDay } from '../../shared/domain/zoned-time';

/**
 * Issue 14, the Journal: the audit log (issue 12) as people read it, filtered and paged. Pure: the query's
 * validation (400 naming the field) and how an entry's actor is read.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STREAM_TYPE = /^[a-z][a-z0-9-]{0,63}$/;
const ENTRY_TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const RULE_ID = /^[A-Z]{2,6}-\d{1,3}$/;

export interface JournalFilter {
  /** A user: the entries whose actor is that user's label, "<name> (<role>)" (the log names people so). */
  userId?: string;
  /** The entries of people of this role. */
  role?: Role;
  /** Part of the actor's label, case-insensitively (e.g. "system", "Pix Certif", a name). */
  actor?: string;
  /** The subject: a stream (agrement, application, session, statement, access…) and/or its id. */
  streamType?: string;
  streamId?: string;
  /** The entry type (e.g. suspended, token-issued). */
  type?: string;
  /** Entries citing this rule. */
  ruleId?: string;
  /** Occurred at or after the start of this day (`timeZone`). */
  from?: Date;
  /** Occurred before the end of this day (`timeZone`). */
  to?: Date;
  limit: number;
  offset: number;
}

function optional(q: Record<string, unknown>, field: string, pattern: RegExp, message: string): string | undefined {
  const v = q[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !pattern.test(v)) throw new InvalidCommand(field, message);
  return v;
}

function integer(q: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const raw = q[field];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidCommand(field, `${field} must be an integer from ${min} to ${max}`);
  return n;
}

/** The query of GET /audit/log, validated: every fault is a 400 naming its field. Dates are days in `timeZone`. */
export function journalFilter(
  q: Record<string, unknown>,
  timeZone: string,
  page: { defaultLimit: number; maxLimit: number } = { defaultLimit: 50, maxLimit: 1000 },
): JournalFilter {
  const day = (field: 'from' | 'to'): string | undefined => {
    const v = q[field];
    if (v === undefined) return undefined;
    if (!isIsoDate(v)) throw new InvalidCommand(field, `${field} must be an ISO date (YYYY-MM-DD)`);
    return v;
  };
  const role = q.role;
  if (role !== undefined && !isRole(role)) throw new InvalidCommand('role', `role must be one of: ${ROLES.join(', ')}`);
  const actor = q.actor;
  if (actor !== undefined && (typeof actor !== 'string' || actor.trim().length === 0 || actor.length > 200))
    throw new InvalidCommand('actor', 'actor must be 1–200 characters of the actor’s name');
  const from = day('from');
  const to = day('to');
  if (from && to && to < from) throw new InvalidCommand('to', 'to must not be before from');
  return {
    userId: optional(q, 'userId', UUID, 'userId must be a user id (UUID)'),
    role: role as Role | undefined,
    actor: typeof actor === 'string' ? actor.trim() : undefined,
    streamType: optional(
      q,
      'streamType',
      STREAM_TYPE,
      'streamType must be a stream name, e.g. agrement, application, session, statement, access',
    ),
    streamId: optional(q, 'streamId', UUID, 'streamId must be a UUID (an agrément, application, session, organisation, user… id)'),
    type: optional(q, 'type', ENTRY_TYPE, 'type must be an entry type, e.g. suspended, token-issued'),
    ruleId: optional(q, 'ruleId', RULE_ID, 'ruleId must be a rule ID, e.g. SUS-1'),
    from: from ? startOfDay(from, timeZone) : undefined,
    to: to ? endOfDay(to, timeZone) : undefined,
    limit: integer(q, 'limit', page.defaultLimit, 1, page.maxLimit),
    offset: integer(q, 'offset', 0, 0, 10_000_000),
  };
}

export interface JournalActor {
  /** As the log stores it: "<name> (<role>)" for a person, else a system's name ("system", "Pix Certif (import)"…). */
  label: string;
  /** The user whose name and role give this label, when exactly one does (null: a system, or a name shared). */
  userId: string | null;
  name: string;
  /** The person's role; null for a system. */
  role: Role | null;
}

/** Reads an actor label "<name> (<role>)" (src/access/domain/roles.ts actorLabel); anything else is a system's name. */
export function readActor(label: string, userId: string | null): JournalActor {
  const m = /^(.*) \(([a-z-]+)\)$/.exec(label);
  if (m && isRole(m[2])) return { label, userId, name: m[1]!, role: m[2] };
  return { label, userId: null, name: label, role: null };
}
