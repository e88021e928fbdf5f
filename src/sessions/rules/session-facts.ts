/**
 * The facts the session rule files read (SES-1..9, SCO-1, PRI-2..3), computed from a session. Pure and
 * deterministic (Intl only, through zoned-time), so a workflow may call it.
 *
 * Thresholds stay in the rule files and parameters: facts are measurements (candidates per invigilator,
 * share of staff, days of notice…). The few facts that need a number of the cahier to be computed
 * (spare computers needed, latest planning date, confirmation deadline, required slot) read it from
 * the parameters of the rule set in force, which the caller passes.
 */
import { pixShareOf } from '../domain/pricing';
import { PRICE_TABLES } from './price-tables';
import type { CentreKind, Session, SessionBlocker, SessionContext, SessionPublic } from '../domain/session';
import { zonedInstant, zoneOffsetMs } from '../../shared/domain/zoned-time';
import type { VersionedParameters } from '../../shared/domain/versioning';

export interface InvigilatorConflicts {
  /** "Prénom Nom → localId": SES-5, trained in the last 6 months. */
  trained: string[];
  relatives: string[];
  subordinates: string[];
}

export interface SessionFacts {
  /** The parameters of the rule set in force (AGR-6), read by the rules as the `parameters` fact. */
  parameters: VersionedParameters;
  centreKind: CentreKind;
  public: SessionPublic;
  centrePublicEstablishment: boolean;
  /** SES-5 exception, PRI-3: a higher-education session for its own initial-training students. */
  higherEducationInitialTraining: boolean;
  candidateCount: number;
  hasCandidates: boolean;
  /** SES-1: invigilators with a name. */
  invigilatorCount: number;
  /** SES-1: French labels of the missing place details. */
  missingPlaceDetails: string[];
  /** SES-1: elapsed minutes from start to end in the venue's zone (a DST change counts). */
  slotMinutes: number;
  /** SES-1: 2 h, with the test part lengthened by the largest extra time granted. */
  requiredSlotMinutes: number;
  /** SES-2. */
  candidatesPerInvigilator: number;
  /** SES-3. */
  spareComputers: number;
  spareComputersNeeded: number;
  /** SES-4. */
  staffCandidates: number;
  staffSharePercent: number;
  /** SES-4: every candidate is staff: a dedicated session. */
  staffOnlySession: boolean;
  referentInvigilates: boolean;
  /** SES-5, only pairs whose candidate sits this session. */
  invigilatorConflicts: InvigilatorConflicts;
  /** SES-6. */
  plannedOn: string;
  noticeDays: number;
  latestPlanningDate: string;
  /** SES-6: French labels of the missing public information. */
  missingPublicInformation: string[];
  /** SES-7. */
  hasMinimumCandidates: boolean;
  minimumCandidates: number | null;
  confirmationSent: boolean;
  confirmationNotifiedOn: string | null;
  confirmationDeadline: string;
  today: string;
  /** SES-8: the lowest count among candidates who declare one (null when none does: DATA-1, optional). */
  minCertifiableCompetences: number | null;
  hasDeclaredCompetences: boolean;
  hasPreviousSessions: boolean;
  /** SES-8: the shortest gap since a candidate's previous session (null when none had one). */
  minDaysSincePreviousSession: number | null;
  /** SES-9. */
  sessionBlocker: SessionBlocker | null;
  /** PRI-2: local ids of funded candidates without an agreed price. */
  fundedWithoutAgreedPrice: string[];
  /** PRI-2, PRI-4: local ids of funded candidates whose agreed price is below Pix's share (10 €, 9 € in a type B network). */
  agreedPriceBelowPixShare: string[];
  /** PRI-3: local ids of free-of-charge candidates whose reason does not fit this session. */
  unjustifiedFreeCandidates: string[];
  /** PRI-3: local ids of candidates not free of charge. */
  chargedCandidates: string[];
}

const DAY_MS = 86_400_000;

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/**
 * Days since 1970-01-01 of an ISO date YYYY-MM-DD (NaN if it does not look like one). Civil-date
 * arithmetic on character codes: the facts builder calls it per candidate, Date parsing costs more.
 */
export function dayNumber(iso: string): number {
  if (iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return Number.NaN;
  for (const i of DATE_DIGITS) if (!isDigitAt(iso, i)) return Number.NaN;
  let y = digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3);
  const m = digit(iso, 5) * 10 + digit(iso, 6);
  const d = digit(iso, 8) * 10 + digit(iso, 9);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  // H. Hinnant's days_from_civil.
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

/** A calendar date YYYY-MM-DD (2026-02-30 is not), without building a Date: it is on every evaluation's path. */
export function isCalendarDate(value: string): boolean {
  if (Number.isNaN(dayNumber(value))) return false;
  const y = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
  return digit(value, 8) * 10 + digit(value, 9) <= daysInMonth(y, digit(value, 5) * 10 + digit(value, 6));
}

/** The ISO date of a day number (dayNumber's inverse; H. Hinnant's civil_from_days). */
function isoOfDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** `months` calendar months before an ISO date, the day clamped to the month's end (as dates.addMonths). */
function monthsBefore(iso: string, months: number): string {
  const index =
    (digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3)) * 12 +
    (digit(iso, 5) * 10 + digit(iso, 6) - 1) -
    months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(digit(iso, 8) * 10 + digit(iso, 9), daysInMonth(year, month));
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Minutes since midnight of a local time HH:MM (00:00–23:59), NaN otherwise. */
function minutesOfDay(time: string): number {
  if (time.length !== 5 || time.charCodeAt(2) !== 58) return Number.NaN;
  if (!(isDigitAt(time, 0) && isDigitAt(time, 1) && isDigitAt(time, 3) && isDigitAt(time, 4))) return Number.NaN;
  const h = digit(time, 0) * 10 + digit(time, 1);
  const m = digit(time, 3) * 10 + digit(time, 4);
  return h <= 23 && m <= 59 ? h * 60 + m : Number.NaN;
}

// Days around which a zone's UTC offset changes (DST), found once per zone and year by sampling the
// offset daily: most days have no change, and Intl calls would otherwise dominate a session's facts.
const transitionDays = new Map<string, Map<number, Set<number>>>();

function transitionsOf(timeZone: string, year: number): Set<number> {
  let byYear = transitionDays.get(timeZone);
  if (!byYear) transitionDays.set(timeZone, (byYear = new Map()));
  let days = byYear.get(year);
  if (!days) {
    days = new Set<number>();
    const first = Date.UTC(year, 0, 1) / DAY_MS - 3;
    const last = Date.UTC(year, 11, 31) / DAY_MS + 3;
    let previous = zoneOffsetMs(new Date(first * DAY_MS + DAY_MS / 2), timeZone);
    for (let day = first + 1; day <= last; day++) {
      const offset = zoneOffsetMs(new Date(day * DAY_MS + DAY_MS / 2), timeZone);
      // The change happened between noon UTC of day − 1 and noon UTC of day.
      if (offset !== previous) days.add(day);
      previous = offset;
    }
    byYear.set(year, days);
  }
  return days;
}

const exactSlots = new Map<string, number>();

function zoneOffsetMayChangeOn(date: string, timeZone: string): boolean {
  // The local day lies within [00:00 UTC − 14 h, 24:00 UTC + 14 h]: a change in it is marked on one of these days.
  const day = dayNumber(date);
  const days = transitionsOf(timeZone, digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3));
  return days.has(day - 1) || days.has(day) || days.has(day + 1) || days.has(day + 2);
}

/** SES-1: elapsed minutes between two local times of a date in a zone (NaN for a malformed time). */
export function sessionSlotMinutes(date: string, startTime: string, endTime: string, timeZone: string): number {
  const start = minutesOfDay(startTime);
  const end = minutesOfDay(endTime);
  if (Number.isNaN(start) || Number.isNaN(end) || !zoneOffsetMayChangeOn(date, timeZone)) return end - start;
  // Around a DST change: the exact instants, cached (few days, few distinct slots).
  const key = `${timeZone}|${date}|${start}|${end}`;
  let minutes = exactSlots.get(key);
  if (minutes === undefined) {
    const at = (m: number) => zonedInstant(date, timeZone, Math.floor(m / 60), m % 60).getTime();
    minutes = (at(end) - at(start)) / 60_000;
    if (exactSlots.size >= 50_000) exactSlots.clear();
    exactSlots.set(key, minutes);
  }
  return minutes;
}

function named(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`.trim();
}

function conflictsOf(session: Session): InvigilatorConflicts {
  const conflicts: InvigilatorConflicts = { trained: [], relatives: [], subordinates: [] };
  let ids: Set<string> | undefined;
  for (const invigilator of session.invigilators) {
    const lists: Array<[readonly string[], string[]]> = [
      [invigilator.trainedCandidateIds, conflicts.trained],
      [invigilator.relativeCandidateIds, conflicts.relatives],
      [invigilator.subordinateCandidateIds, conflicts.subordinates],
    ];
    for (const [declared, into] of lists) {
      if (declared.length === 0) continue;
      ids ??= new Set(session.candidates.map((c) => c.localId));
      for (const id of declared) if (ids.has(id)) into.push(`${named(invigilator)} → ${id}`);
    }
  }
  return conflicts;
}

function blank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** PRI-3 (CdC annexe 4, Conv art. 13): does a free-of-charge reason fit this candidate in this session? */
function freeOfChargeJustified(session: Session, staffOfCentre: boolean, reason: string | null): boolean {
  if (!session.centrePublicEstablishment) return false;
  switch (reason) {
    case 'higher-education-initial-training':
      // Not apprentices nor continuing education; and a university may not extend it to others' students.
      // Higher education whatever its network (a type B member stays one).
      return session.centreHigherEducation && session.public === 'internal-initial';
    case 'cnam-free-auditor':
      return session.centreHigherEducation && session.public === 'internal-continuing';
    case 'public-establishment-staff':
      // Staff certified by their own MENJ/MESRI public establishment, EPLE excepted.
      return staffOfCentre && session.centreEducationMinistriesPublic && session.centreKind !== 'secondary-school';
    default:
      return false;
  }
}

/** The facts of `session` under the rule set whose parameters are `parameters`. */
export function sessionFacts(session: Session, context: SessionContext, parameters: VersionedParameters): SessionFacts {
  const p = parameters.sessions;
  const candidates = session.candidates;
  const n = candidates.length;

  let staff = 0;
  let maxExtra = 0;
  let minCompetences: number | null = null;
  let minGap: number | null = null;
  const sessionDay = dayNumber(session.date);
  const fundedWithoutAgreedPrice: string[] = [];
  const agreedPriceBelowPixShare: string[] = [];
  let fundedPixShare: number | null | undefined;
  const unjustifiedFreeCandidates: string[] = [];
  const chargedCandidates: string[] = [];
  for (const c of candidates) {
    if (c.staffOfCentre) staff++;
    if (c.extraTimePercent > maxExtra) maxExtra = c.extraTimePercent;
    const competences = c.certifiableCompetences;
    if (competences !== null && (minCompetences === null || competences < minCompetences)) minCompetences = competences;
    if (c.previousSessionDate !== null) {
      const gap = sessionDay - dayNumber(c.previousSessionDate);
      if (minGap === null || gap < minGap) minGap = gap;
    }
    const billing = c.billing;
    if (billing.mode === 'free-of-charge') {
      if (!freeOfChargeJustified(session, c.staffOfCentre, billing.reason)) unjustifiedFreeCandidates.push(c.localId);
    } else {
      chargedCandidates.push(c.localId);
      if (billing.mode === 'funded-cohort' && !(typeof billing.agreedPriceEur === 'number' && billing.agreedPriceEur >= 0)) {
        fundedWithoutAgreedPrice.push(c.localId);
      } else if (billing.mode === 'funded-cohort') {
        fundedPixShare ??= pixShareOf('funded-cohort', session.centreKind, session.date, PRICE_TABLES);
        if (fundedPixShare !== null && (billing.agreedPriceEur as number) < fundedPixShare) agreedPriceBelowPixShare.push(c.localId);
      }
    }
  }

  let invigilatorCount = 0;
  let referentInvigilates = false;
  for (const i of session.invigilators) {
    if (!blank(i.lastName) || !blank(i.firstName)) invigilatorCount++;
    if (i.referent) referentInvigilates = true;
  }

  const missingPlaceDetails: string[] = [];
  if (blank(session.address)) missingPlaceDetails.push('adresse');
  if (blank(session.room)) missingPlaceDetails.push('salle');
  if (session.thirdPartyVenue && blank(session.thirdPartyVenueDetails)) missingPlaceDetails.push("conditions d'accueil du lieu tiers");

  const info = session.publicInformation;
  const missingPublicInformation: string[] = [];
  if (blank(info?.equipment)) missingPublicInformation.push('matériel informatique');
  if (blank(info?.registrationTerms)) missingPublicInformation.push("modalités d'inscription");
  if (blank(info?.contact)) missingPublicInformation.push('contact');

  // SES-1: welcome and exit keep their time; the test part is lengthened by the extra time (integer maths, no float drift).
  const requiredSlotMinutes = p.slotMinutes - p.testMinutes + Math.ceil((p.testMinutes * (100 + maxExtra)) / 100);

  return {
    parameters,
    centreKind: session.centreKind,
    public: session.public,
    centrePublicEstablishment: session.centrePublicEstablishment,
    higherEducationInitialTraining:
      session.centreHigherEducation && session.centreKind !== 'secondary-school' && session.public === 'internal-initial',
    candidateCount: n,
    hasCandidates: n > 0,
    invigilatorCount,
    missingPlaceDetails,
    slotMinutes: sessionSlotMinutes(session.date, session.startTime, session.endTime, session.timeZone),
    requiredSlotMinutes,
    // Without invigilator SES-1 fails; the ratio is then taken over one, so SES-2 still judges the head count.
    candidatesPerInvigilator: n / Math.max(1, invigilatorCount),
    spareComputers: session.spareComputers,
    spareComputersNeeded: Math.ceil(n / p.candidatesPerSpareComputer),
    staffCandidates: staff,
    staffSharePercent: n === 0 ? 0 : (staff * 100) / n,
    staffOnlySession: n > 0 && staff === n,
    referentInvigilates,
    invigilatorConflicts: conflictsOf(session),
    plannedOn: session.plannedOn,
    noticeDays: sessionDay - dayNumber(session.plannedOn),
    latestPlanningDate: monthsBefore(session.date, p.openSessionNoticeMonths),
    missingPublicInformation,
    hasMinimumCandidates: session.minimumCandidates !== null,
    minimumCandidates: session.minimumCandidates,
    confirmationSent: session.confirmation !== null,
    confirmationNotifiedOn: session.confirmation?.notifiedOn ?? null,
    confirmationDeadline: isoOfDay(sessionDay - p.confirmationDaysBefore),
    today: context.today,
    minCertifiableCompetences: minCompetences,
    hasDeclaredCompetences: minCompetences !== null,
    hasPreviousSessions: minGap !== null,
    minDaysSincePreviousSession: minGap,
    sessionBlocker: context.sessionBlocker,
    fundedWithoutAgreedPrice,
    agreedPriceBelowPixShare,
    unjustifiedFreeCandidates,
    chargedCandidates,
  };
}
