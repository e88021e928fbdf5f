/**
 * Control-visit planning (VIS-1..5, APP-3), pure and deterministic: no Nest, TypeORM or Temporal.
 *
 * Given the centres (risk score, department, network, scheduled sessions), the inspectors (availability,
 * departments, capacity, own centre and network) and a period, the planner picks the riskiest centres up to
 * the inspectors' total capacity and gives each an inspector and a date:
 *
 * - VIS-5: an inspector covers the centre's department and never inspects their own centre or network,
 *   nor visits on a day they declared unavailable;
 * - VIS-1: an unannounced visit takes place during one of the centre's scheduled sessions in the period;
 * - VIS-2: an announced visit (outside a session) gets a registered letter sent at least 5 working days
 *   before it (Monday–Friday, public holidays of the centre's department excluded, from the `date-holidays`
 *   library: overseas departments and Alsace-Moselle have their own), and the letter cannot go before the
 *   planning day;
 * - VIS-3, APP-3: the centre is charged the visit's estimated cost within the cap (120 €, 250 € for the
 *   conformity visit before the grant).
 *
 * Every centre left out is explained (`unassigned`). Ties are broken by ids, so the same input always
 * gives the same plan.
 */
import Holidays from 'date-holidays';
import { PARAMETERS } from '../../config/parameters';
import { addDays, requireDate, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';

export const VISIT_KINDS = ['announced', 'unannounced', 'conformity'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export const INSPECTOR_KINDS = ['pix-staff', 'centre-manager', 'contractor'] as const;
export type InspectorKind = (typeof INSPECTOR_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Working days (VIS-2): Monday–Friday, public holidays of the centre's department excluded.

/**
 * VIS-2: departments with public holidays of their own, as `date-holidays` names them (states of FR): the overseas
 * departments (abolition of slavery: 27 April Mayotte, 22 May Martinique, 27 May Guadeloupe, 10 June Guyane,
 * 20 December La Réunion; Good Friday in Guadeloupe and Martinique) and Alsace-Moselle (Good Friday, 26 December).
 * Any other department, or none (abroad, unknown), has France's national holidays.
 */
const HOLIDAY_STATES: ReadonlyMap<string, string> = new Map([
  ['971', 'GP'],
  ['972', 'MQ'],
  ['973', 'GF'],
  ['974', 'RE'],
  ['976', 'YT'],
  ['57', '57'],
  ['67', '67'],
  ['68', '68'],
]);

const calendars = new Map<string, Holidays>();
const holidaysByYear = new Map<string, ReadonlySet<string>>();

/** The `date-holidays` state whose holidays a department keeps, or null for France's national ones. */
export function holidayState(department: string | null | undefined): string | null {
  return (department && HOLIDAY_STATES.get(department)) || null;
}

/**
 * VIS-2: public holidays (type "public" in date-holidays; observances such as Mother's Day are not) of a year in a
 * department (national ones without a department), as ISO dates.
 */
export function publicHolidays(year: number, department: string | null = null): ReadonlySet<string> {
  const state = holidayState(department);
  const key = `${state ?? 'FR'}:${year}`;
  let days = holidaysByYear.get(key);
  if (!days) {
    let calendar = calendars.get(state ?? 'FR');
    if (!calendar) {
      calendar = state ? new Holidays('FR', state) : new Holidays('FR');
      calendars.set(state ?? 'FR', calendar);
    }
    // `date` is the local calendar day there ("2026-05-27 00:00:00"), whatever the process' time zone.
    days = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    holidaysByYear.set(key, days);
  }
  return days;
}

/** France's national public holidays of a year. */
export function frenchPublicHolidays(year: number): ReadonlySet<string> {
  return publicHolidays(year);
}

export function isPublicHoliday(day: string, department: string | null = null): boolean {
  return publicHolidays(Number(day.slice(0, 4)), department).has(day);
}

export function isFrenchPublicHoliday(day: string): boolean {
  return isPublicHoliday(day);
}

/** VIS-2: Monday to Friday, and not a public holiday of the department (national ones without a department). */
export function isWorkingDay(day: string, department: string | null = null): boolean {
  const weekday = parseIsoDate(day).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isPublicHoliday(day, department);
}

function shiftWorkingDays(day: string, n: number, step: 1 | -1, department: string | null): string {
  let current = parseIsoDate(day);
  let counted = 0;
  while (counted < n) {
    current = addDays(current, step);
    if (isWorkingDay(isoDate(current), department)) counted++;
  }
  return isoDate(current);
}

/** The n-th working day after `day` (n ≥ 0; 0 gives `day` itself) in the department. */
export function addWorkingDays(day: string, n: number, department: string | null = null): string {
  return shiftWorkingDays(day, n, 1, department);
}

/** The n-th working day before `day` (n ≥ 0; 0 gives `day` itself) in the department. */
export function subtractWorkingDays(day: string, n: number, department: string | null = null): string {
  return shiftWorkingDays(day, n, -1, department);
}

/** The first working day on or after `day` in the department. */
export function nextWorkingDay(day: string, department: string | null = null): string {
  return isWorkingDay(day, department) ? day : addWorkingDays(day, 1, department);
}

/**
 * VIS-2: the last day the registered letter may be sent for an announced visit on `visitOn` to a centre of
 * `department`: the `workingDays`-th working day before it (a visit on Tue 2026-05-12 → Mon 2026-05-04, 2026-05-08
 * being a holiday; a visit on Tue 2026-06-02 → Tue 2026-05-26, but Fri 2026-05-22 in Guadeloupe, where 27 May is one).
 */
export function letterDeadline(
  visitOn: string,
  department: string | null = null,
  workingDays: number = PARAMETERS.visits.announcementWorkingDays,
): string {
  return subtractWorkingDays(visitOn, workingDays, department);
}

/** VIS-2: the first day an announced visit to a centre of `department` can take place when the letter cannot go before `today`. */
export function earliestAnnouncedVisit(
  today: string,
  department: string | null = null,
  workingDays: number = PARAMETERS.visits.announcementWorkingDays,
): string {
  return addWorkingDays(nextWorkingDay(today, department), workingDays, department);
}

// ---------------------------------------------------------------------------------------------
// Input and output

export interface PlannerCentre {
  organisationId: string;
  name: string;
  /** The agrément the visit controls; null for a conformity visit before the grant (APP-3). */
  agrementId: string | null;
  /** APP-3: the application whose conformity visit this is. */
  applicationId?: string | null;
  /** Department code of the centre's premises; null (e.g. abroad) when unknown. */
  department: string | null;
  /** The coordinating organisation of the centre's network (ELIG-4), or its own id when it coordinates one. */
  networkId: string | null;
  /** VIS-1: the risk score (src/rules/visits). */
  riskScore: number;
  /** APP-3: a conformity visit is required before the grant; planned before any control visit. */
  conformity?: boolean;
  /** Sessions scheduled (SES-1): where an unannounced visit can take place (VIS-1). */
  sessions: ReadonlyArray<{ sessionId: string; date: string }>;
}

export interface PlannerInspector {
  id: string;
  name: string;
  kind: InspectorKind;
  /** VIS-5: the centre the inspector manages (centre managers), or null. */
  organisationId: string | null;
  /** VIS-5: the network (coordinating organisation) the inspector belongs to, or null. */
  networkId: string | null;
  /** Department codes the inspector covers. */
  departments: readonly string[];
  availableFrom: string;
  availableTo: string;
  /** Visits the inspector can make in the period. */
  capacity: number;
  /** Days already taken in the period by visits planned earlier: they count against the capacity. */
  booked?: readonly string[];
  /** Days the inspector cannot visit (leave, other duties), both ends included. */
  unavailable?: ReadonlyArray<{ from: string; to: string }>;
}

export interface PlanInput {
  from: string;
  to: string;
  /** The planning day: no letter is sent, no visit takes place, before it. */
  today: string;
  /** VIS-1, VIS-2: share of announced control visits, 0 to 1 (default: parameters). */
  announcedShare?: number;
  centres: readonly PlannerCentre[];
  inspectors: readonly PlannerInspector[];
}

export interface PlannedVisit {
  organisationId: string;
  centreName: string;
  agrementId: string | null;
  applicationId: string | null;
  inspectorId: string;
  inspectorName: string;
  inspectorKind: InspectorKind;
  kind: VisitKind;
  plannedOn: string;
  /** VIS-2: the registered letter is sent by this day (announced and conformity visits); null when unannounced. */
  letterSentBy: string | null;
  /** VIS-1: the session the unannounced visit attends. */
  sessionId: string | null;
  riskScore: number;
  /** VIS-3, APP-3: what the centre is charged, within the cap. */
  costEur: number;
  estimatedCostEur: number;
  costCapEur: number;
  ruleIds: string[];
  /** Why the kind differs from the one the announced share asked for, if it does. */
  note?: string;
}

export type UnassignedReason = 'capacity' | 'no-inspector-for-department' | 'conflict-of-interest' | 'inspectors-full' | 'no-date';

export interface UnassignedCentre {
  organisationId: string;
  centreName: string;
  riskScore: number;
  reason: UnassignedReason;
  ruleId: string;
  /** French, for operations. */
  message: string;
}

export interface Plan {
  from: string;
  to: string;
  today: string;
  announcedShare: number;
  /** The inspectors' total capacity left in the period when planning started. */
  capacity: number;
  visits: PlannedVisit[];
  unassigned: UnassignedCentre[];
}

// ---------------------------------------------------------------------------------------------
// VIS-5

/** VIS-5: why this inspector may not inspect this centre (own centre or own network), or null. */
export function conflictOfInterest(
  inspector: Pick<PlannerInspector, 'organisationId' | 'networkId'>,
  centre: Pick<PlannerCentre, 'organisationId' | 'networkId'>,
): 'own-centre' | 'own-network' | null {
  if (inspector.organisationId && inspector.organisationId === centre.organisationId) return 'own-centre';
  const inspectorNetworks = [inspector.networkId, inspector.organisationId].filter((id): id is string => !!id);
  const centreNetworks = [centre.networkId, centre.organisationId].filter((id): id is string => !!id);
  // The inspector's network is the centre's (or the centre coordinates it), or the inspector works for the
  // coordinating entity of the centre's network.
  if (inspector.networkId && centreNetworks.includes(inspector.networkId)) return 'own-network';
  if (centre.networkId && inspectorNetworks.includes(centre.networkId)) return 'own-network';
  return null;
}

// ---------------------------------------------------------------------------------------------
// VIS-3, APP-3

export function costCapFor(kind: VisitKind): number {
  return kind === 'conformity' ? PARAMETERS.application.conformityVisitCapEur : PARAMETERS.visits.controlVisitCapEur;
}

/** VIS-3, APP-3: the centre bears the cost up to the cap. */
export function chargedCost(kind: VisitKind, costEur: number): number {
  return Math.min(Math.max(0, costEur), costCapFor(kind));
}

// ---------------------------------------------------------------------------------------------
// Planning

const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a < b ? a : b);

interface Slot {
  inspector: PlannerInspector;
  /** The inspector's availability within the period. */
  start: string;
  end: string;
  remaining: number;
  booked: Set<string>;
}

/** A day the slot's inspector can take a visit: not already booked, not declared unavailable. */
function free(slot: Slot, day: string): boolean {
  return !slot.booked.has(day) && !(slot.inspector.unavailable ?? []).some((r) => r.from <= day && day <= r.to);
}

const RULES: Record<VisitKind, string[]> = {
  announced: ['VIS-1', 'VIS-2', 'VIS-3', 'VIS-5'],
  unannounced: ['VIS-1', 'VIS-3', 'VIS-5'],
  conformity: ['APP-3', 'VIS-2', 'VIS-5'],
};

function validate(input: PlanInput): { from: string; to: string; today: string; share: number } {
  const from = requireDate('from', input.from);
  const to = requireDate('to', input.to);
  const today = requireDate('today', input.today);
  if (to < from) throw new InvalidCommand('to', 'to must be on or after from');
  const share = input.announcedShare ?? PARAMETERS.visits.announcedShare;
  if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new InvalidCommand('announcedShare', 'announcedShare must be a number from 0 to 1');
  }
  input.inspectors.forEach((inspector, i) => {
    requireDate(`inspectors[${i}].availableFrom`, inspector.availableFrom);
    requireDate(`inspectors[${i}].availableTo`, inspector.availableTo);
    if (!Number.isInteger(inspector.capacity) || inspector.capacity < 0) {
      throw new InvalidCommand(`inspectors[${i}].capacity`, 'capacity must be a non-negative integer');
    }
  });
  return { from, to, today, share };
}

/** VIS-1..5, APP-3: the plan of the period. Deterministic: the same input gives the same plan. */
export function planVisits(input: PlanInput): Plan {
  const { from, to, today, share } = validate(input);
  const firstDay = maxDay(from, today);

  const slots: Slot[] = [...input.inspectors]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((inspector) => {
      const start = maxDay(firstDay, inspector.availableFrom);
      const end = minDay(to, inspector.availableTo);
      const booked = new Set((inspector.booked ?? []).filter((d) => d >= from && d <= to));
      const remaining = start <= end ? Math.max(0, inspector.capacity - booked.size) : 0;
      return { inspector, start, end, remaining, booked };
    });
  let capacity = slots.reduce((sum, s) => sum + s.remaining, 0);
  const plan: Plan = { from, to, today, announcedShare: share, capacity, visits: [], unassigned: [] };

  // APP-3 conformity visits first (required before the grant), then the riskiest centres.
  const centres = [...input.centres].sort(
    (a, b) =>
      Number(b.conformity === true) - Number(a.conformity === true) ||
      b.riskScore - a.riskScore ||
      (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : 0),
  );
  let controls = 0;
  let unannounced = 0;

  for (const centre of centres) {
    const leave = (reason: UnassignedReason, ruleId: string, message: string) =>
      plan.unassigned.push({
        organisationId: centre.organisationId,
        centreName: centre.name,
        riskScore: centre.riskScore,
        reason,
        ruleId,
        message,
      });

    if (capacity === 0) {
      leave(
        'capacity',
        'VIS-1',
        `Capacité des inspecteurs atteinte sur la période (${plan.capacity} visite(s)) : centre moins prioritaire.`,
      );
      continue;
    }
    const covering = slots.filter((s) => centre.department !== null && s.inspector.departments.includes(centre.department));
    if (covering.length === 0) {
      leave(
        'no-inspector-for-department',
        'VIS-5',
        centre.department === null
          ? 'Département du centre inconnu : aucun inspecteur ne peut lui être attribué.'
          : `Aucun inspecteur ne couvre le département ${centre.department}.`,
      );
      continue;
    }
    const independent = covering.filter((s) => conflictOfInterest(s.inspector, centre) === null);
    if (independent.length === 0) {
      leave(
        'conflict-of-interest',
        'VIS-5',
        `Les seuls inspecteurs du département ${centre.department} relèvent de ce centre ou de son réseau : un inspecteur ne contrôle jamais son propre centre ni son réseau.`,
      );
      continue;
    }
    const candidates = independent
      .filter((s) => s.remaining > 0 && s.start <= s.end)
      .sort((a, b) => b.remaining - a.remaining || (a.inspector.id < b.inspector.id ? -1 : 1));
    if (candidates.length === 0) {
      leave(
        'inspectors-full',
        'VIS-5',
        `Les inspecteurs indépendants du département ${centre.department} n'ont plus de disponibilité sur la période.`,
      );
      continue;
    }

    // VIS-1, VIS-2: keep the share of announced control visits, the riskiest unannounced first.
    let kind: VisitKind;
    if (centre.conformity) kind = 'conformity';
    else kind = unannounced < Math.round((1 - share) * (controls + 1)) ? 'unannounced' : 'announced';

    let chosen: { slot: Slot; day: string; sessionId: string | null } | null = null;
    let note: string | undefined;
    if (kind === 'unannounced') {
      const sessions = [...centre.sessions].sort((a, b) =>
        a.date < b.date ? -1 : a.date > b.date ? 1 : a.sessionId < b.sessionId ? -1 : 1,
      );
      for (const slot of candidates) {
        const session = sessions.find((s) => s.date >= slot.start && s.date <= slot.end && free(slot, s.date));
        if (session) {
          chosen = { slot, day: session.date, sessionId: session.sessionId };
          break;
        }
      }
      if (!chosen) {
        kind = 'announced';
        note =
          "Aucune session programmée sur la période avec un inspecteur disponible : visite annoncée par lettre recommandée (VIS-2) au lieu d'une visite inopinée (VIS-1).";
      }
    }
    // VIS-2: working days of the centre's department.
    const announcedFrom = earliestAnnouncedVisit(today, centre.department);
    if (!chosen) {
      for (const slot of candidates) {
        let day = nextWorkingDay(maxDay(slot.start, announcedFrom), centre.department);
        while (day <= slot.end && !free(slot, day)) day = addWorkingDays(day, 1, centre.department);
        if (day <= slot.end) {
          chosen = { slot, day, sessionId: null };
          break;
        }
      }
    }
    if (!chosen) {
      leave(
        'no-date',
        'VIS-2',
        `Aucun jour ouvré disponible sur la période pour une visite annoncée : la lettre recommandée doit partir au moins ${PARAMETERS.visits.announcementWorkingDays} jours ouvrés avant (première date possible : ${announcedFrom}).`,
      );
      continue;
    }

    const { slot, day, sessionId } = chosen;
    slot.booked.add(day);
    slot.remaining--;
    capacity--;
    if (kind !== 'conformity') {
      controls++;
      if (kind === 'unannounced') unannounced++;
    }
    const estimatedCostEur = PARAMETERS.visits.estimatedCostEur[slot.inspector.kind];
    plan.visits.push({
      organisationId: centre.organisationId,
      centreName: centre.name,
      agrementId: centre.agrementId,
      applicationId: centre.applicationId ?? null,
      inspectorId: slot.inspector.id,
      inspectorName: slot.inspector.name,
      inspectorKind: slot.inspector.kind,
      kind,
      plannedOn: day,
      letterSentBy: kind === 'unannounced' ? null : letterDeadline(day, centre.department),
      sessionId,
      riskScore: centre.riskScore,
      costEur: chargedCost(kind, estimatedCostEur),
      estimatedCostEur,
      costCapEur: costCapFor(kind),
      ruleIds: RULES[kind],
      ...(note ? { note } : {}),
    });
  }
  return plan;
}
