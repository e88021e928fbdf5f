import type { LogEntry } from '../../shared/event-log/event-log';
import type { JsonText } from '../../shared/domain/json-text';

/**
 * The dashboards' port: read models over the tables the workflows keep (agréments and their deadlines,
 * applications, sessions, statements, remedies, the event log), as plain types. Implemented over PostgreSQL in
 * src/dashboard/infra/dashboard.repository.ts (counted, filtered and paged in SQL, on indexed tables).
 */
export interface DashboardFilter {
  department?: string;
  /** An INSEE region code: its departments (src/shared/domain/regions.ts). */
  region?: string;
  kind?: 'centre' | 'network';
  /** The coordinating organisation of a network: its agrément and its members'. */
  networkId?: string;
  /** Restricts to these organisations (centre and coordinator users). */
  organisationIds?: string[];
  limit: number;
  offset: number;
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  items: T[];
}

/** A list counted and paged by the read model, its page's items as JSON built by PostgreSQL (issue 15: served as is). */
export interface JsonPage<T> {
  total: number;
  items: JsonText<T[]>;
}

export interface DeadlineRow {
  /** What holds the deadline: an agrément's workflow, a session's (SES-10), a monthly statement (BIL-1). */
  subject: 'agrement' | 'session' | 'statement';
  /** The agrément, session or statement id. */
  subjectId: string;
  /** The agrément that counts it, when there is one (secondary schools have none, SCO-1). */
  agrementId: string | null;
  organisationId: string;
  organisationName: string;
  department: string | null;
  kind: string | null;
  deadline: string;
  ruleId: string;
  on: string;
  at: string;
}

/** The upcoming deadlines' filter: from `now` to `days` days later, of one name or all. */
export type UpcomingFilter = DashboardFilter & { days: number; name?: string; now: Date };

/** A deadline with what tells it apart among its subject's (an agrément's deadline key; else its name): the calendar feed's UID. */
export type KeyedDeadlineRow = DeadlineRow & { key: string };

/** QUO-3's projection of an agrément not yet at its 3-year deadline: its target, what its pace projects, the difference. */
export interface QuotaRow {
  agrementId: string;
  organisationName: string;
  kind: string;
  candidates: number;
  target: number;
  projected: number;
  shortfall: number;
  deadlineOn: string;
}

/** What waits on a person past its date (the overdue dashboard's row). */
export interface OverdueRow {
  subject: 'agrement' | 'application' | 'session' | 'statement';
  id: string;
  /** The agrément to open for it, when there is one. */
  agrementId: string | null;
  organisationName: string;
  what: string;
  ruleId: string;
  since: string;
}

export interface DashboardRepository {
  /**
   * The agréments counted by kind and state, and the applications by state with those flagged overdue (APP-7; the
   * place and scope filters apply, not the kind).
   */
  overviewCounts(f: DashboardFilter): Promise<{
    agrements: { kind: string; state: string; n: number }[];
    applications: { state: string; n: number; overdue: number }[];
  }>;
  /** Every deadline held from `now` to `days` days later, all sources together, soonest first, paged, with their count. */
  upcomingDeadlines(f: UpcomingFilter): Promise<JsonPage<DeadlineRow>>;
  /** The same deadlines' page (without their count), each with its key: the calendar feed's. */
  upcomingDeadlinesKeyed(f: UpcomingFilter): Promise<KeyedDeadlineRow[]>;
  /**
   * What waits on a person past `now`, oldest first (then by organisation name), paged, with their count: each open
   * proposal of a running agrément (BRE-4) and its renewal deadline missed (AGR-2); when `applications`, the
   * applications flagged overdue and not yet decided (APP-7, in the department or region given; since the day they
   * were flagged in `timeZone`); the deadlines passed and still open of sessions, statements and remedies.
   */
  overdue(f: DashboardFilter & { now: Date; applications: boolean; timeZone: string }): Promise<JsonPage<OverdueRow>>;
  /** QUO-3: running agréments whose projection falls short of their target, biggest shortfall first, paged, with their count. */
  quotasAtRisk(f: DashboardFilter & { today: string; targets: { centre: number; network: number } }): Promise<JsonPage<QuotaRow>>;
  /**
   * QUO-3: projects every agrément of the read table as of `today` with these targets, unless they already are;
   * true when it had to (quotasAtRisk does the same before it answers).
   */
  projectQuotas(basis: { today: string; targets: { centre: number; network: number } }): Promise<boolean>;
  /** Agréments suspended, under notice or terminating, by state then name, paged, with their count. */
  watchlist(f: DashboardFilter): Promise<JsonPage<Record<string, unknown>>>;
  /** An organisation's name and department, or null. */
  organisation(organisationId: string): Promise<{ id: string; name: string; department: string | null } | null>;
  /** The event log's entries of every stream that concerns the organisation (its agrément, sessions, statements, visits, quality), newest first, paged. */
  centreHistory(
    organisationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; entries: LogEntry[]; streams: string[] }>;
}
