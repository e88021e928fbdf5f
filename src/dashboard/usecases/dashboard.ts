import type { DataSource } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { quotaTarget } from '../../agrement/domain/deadlines';
import { dateIn } from '../../shared/domain/zoned-time';
import { formatCalendar } from '../../shared/domain/icalendar';
import { type JsonText, jsonPage } from '../../shared/domain/json-text';
import { deadlineEvent } from '../domain/deadline-calendar';
import { dashboardRepository } from '../infra/dashboard.repository';
import type { DashboardFilter, DashboardRepository, DeadlineRow, OverdueRow, Page, QuotaRow, UpcomingFilter } from './ports';

/**
 * Read-only views for Pix operations, straight from the read model the workflows keep
 * (src/dashboard/infra/dashboard.repository.ts): every list is filtered (region or department, kind, network),
 * paginated, and exportable as CSV. A list's page is the JSON the read model builds (issue 15), served as is.
 */
export type { DashboardFilter, DeadlineRow, OverdueRow, Page, QuotaRow } from './ports';

export async function overview(db: DataSource, f: DashboardFilter) {
  // A centre or a coordinator counts only its own agréments and applications (its organisation, its network's members);
  // Pix staff count them all. The place filters apply to both (kind is the agrément's, not the application's).
  const { agrements: rows, applications: apps } = await dashboardRepository(db).overviewCounts(f);
  const agrements: Record<string, Record<string, number>> = { centre: {}, network: {} };
  for (const r of rows) agrements[r.kind]![r.state] = r.n;
  return {
    agrements,
    applications: Object.fromEntries(apps.map((r) => [r.state, r.n])),
    applicationsOverdue: apps.reduce((s, r) => s + r.overdue, 0),
  };
}

/** Every deadline held within the next `days` days, all kinds together, soonest first. */
export async function upcomingDeadlines(db: DataSource, f: UpcomingFilter): Promise<JsonText<Page<DeadlineRow>>> {
  return jsonPage({ ...f, ...(await dashboardRepository(db).upcomingDeadlines(f)) });
}

/**
 * Issue 14: the same deadlines as a calendar feed (RFC 5545): one all-day event per deadline, with a UID that stays
 * the same from one fetch to the next. `maxEvents` bounds the feed.
 */
export async function deadlineCalendar(
  db: DataSource,
  f: Omit<DashboardFilter, 'limit' | 'offset'> & { days: number; name?: string; now: Date; maxEvents: number },
): Promise<string> {
  const items = await dashboardRepository(db).upcomingDeadlinesKeyed({ ...f, limit: f.maxEvents, offset: 0 });
  const { timeZone, uidDomain, name } = PARAMETERS.calendar;
  return formatCalendar({
    prodId: '-//Pix//Agréments//FR',
    name,
    stamp: f.now,
    events: items.map((d) => deadlineEvent(d, { timeZone, uidDomain })),
  });
}

/**
 * What waits on a person past its date: proposals the legal team has not decided (BRE-4), renewal
 * deadlines missed (AGR-2), applications beyond 2 months net (APP-7), sessions not finalised 48 hours
 * after their end (SES-10), statements not sent by the 5th (BIL-1), remedies not recorded within 5 days
 * of an incident attributable to the centre (SES-12). Oldest first.
 */
export async function overdue(db: DataSource, f: DashboardFilter & { now: Date }): Promise<JsonText<Page<OverdueRow>>> {
  return overdueIn(dashboardRepository(db), f);
}

/** overdue over its port. */
export async function overdueIn(readModel: DashboardRepository, f: DashboardFilter & { now: Date }): Promise<JsonText<Page<OverdueRow>>> {
  // APP-7: applications have no kind and no network: listed only without those filters or a scope.
  const applications = !f.organisationIds && !f.kind && !f.networkId;
  return jsonPage({ ...f, ...(await readModel.overdue({ ...f, applications, timeZone: PARAMETERS.agrement.timeZone })) });
}

/**
 * QUO-3: the day the quotas are projected for, the agréments' (Paris) date of `now`: the dashboard and the housekeeping
 * must agree on it, or each would move the projection's basis back.
 */
export const quotaDayOf = (now: Date): string => dateIn(now, PARAMETERS.agrement.timeZone);

/** QUO-3's targets at 3 years, per kind of agrément. */
const quotaTargets = () => ({ centre: quotaTarget('centre'), network: quotaTarget('network') });

/** QUO-3: agréments whose pace projects fewer candidates than the target at 3 years, biggest shortfall first. */
export async function quotasAtRisk(db: DataSource, f: DashboardFilter & { today: string }): Promise<JsonText<Page<QuotaRow>>> {
  return jsonPage({ ...f, ...(await dashboardRepository(db).quotasAtRisk({ ...f, targets: quotaTargets() })) });
}

/**
 * Issue 15, QUO-3: projects the agréments' candidates as of today (the agréments' time zone), unless done already, so
 * that the first look at the quotas of a day does not pay it. Run by the housekeeping; true when it had to.
 */
export async function projectQuotasOfToday(db: DataSource, now: Date): Promise<boolean> {
  return dashboardRepository(db).projectQuotas({ today: quotaDayOf(now), targets: quotaTargets() });
}

/** Centres suspended, under notice or terminating. */
export async function watchlist(db: DataSource, f: DashboardFilter): Promise<JsonText<Page<Record<string, unknown>>>> {
  return jsonPage({ ...f, ...(await dashboardRepository(db).watchlist(f)) });
}

/** A text cell a spreadsheet would run as a formula: it starts with =, +, -, @, a tab or a carriage return (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell. Text that a spreadsheet would read as a formula (a centre's name `=cmd|…`, a reason `@SUM(…)`) is
 * neutralised with a leading single quote, as OWASP advises; numbers are written as numbers (-12.5 stays a number).
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v !== 'number' && typeof v !== 'bigint' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV (RFC 4180, `;`-free so that French spreadsheets open it as is): every export of the API goes through here
 * (dashboards, timeline, attention, statements, import errors), so every cell is neutralised (csvCell).
 */
export function toCsv(items: Record<string, unknown>[]): string {
  if (items.length === 0) return '';
  const columns = Object.keys(items[0]!);
  return [columns.map(csvCell).join(','), ...items.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n') + '\n';
}
