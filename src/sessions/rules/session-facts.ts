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
import type { CentreKind, Invigilator, Session, SessionBlocker, SessionContext, SessionPublic } from '../domain/session';
import { dayNumber, isoOfDay, monthsBefore, yearOf } from '../../shared/domain/calendar-days';
import { zonedInstant, zoneOffsetMs } from '../../shared/domain/zoned-time';
import type { VersionedParameters } from '../../shared/domain/versioning';
import { memoPerOwner } from '../../shared/domain/memo';

export interface InvigilatorConflicts {
  /** "Prénom Nom → localId": SES-5, trained in the last 6 months. */
  trained: readonly string[];
  relatives: readonly string[];
  subordinates: readonly string[];
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
  missingPlaceDetails: readonly string[];
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
  missingPublicInformation: readonly string[];
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
  fundedWithoutAgreedPrice: readonly string[];
  /** PRI-2, PRI-4: local ids of funded candidates whose agreed price is below Pix's share (10 €, 9 € in a type B network). */
  agreedPriceBelowPixShare: readonly string[];
  /** PRI-3: local ids of free-of-charge candidates whose reason does not fit this session. */
  unjustifiedFreeCandidates: readonly string[];
  /** PRI-3: local ids of candidates not free of charge. */
  chargedCandidates: readonly string[];
}

const DAY_MS = 86_400_000;

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

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
// Per zone, per year (index year − FIRST_YEAR): a flag per day of the year (and the days around it).
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;
const transitionFlags = new Map<string, Array<Uint8Array | undefined>>();

/** Flags, from 3 days before 1 January of `year`: 1 when the offset changed between noon UTC of the day before and of the day. */
function transitionsOf(timeZone: string, year: number): Uint8Array {
  let byYear = transitionFlags.get(timeZone);
  if (!byYear) transitionFlags.set(timeZone, (byYear = []));
  let flags = byYear[year - FIRST_YEAR];
  if (!flags) {
    const first = Date.UTC(year, 0, 1) / DAY_MS - 3;
    const last = Date.UTC(year, 11, 31) / DAY_MS + 3;
    flags = new Uint8Array(last - first + 1);
    let previous = zoneOffsetMs(new Date(first * DAY_MS + DAY_MS / 2), timeZone);
    for (let day = first + 1; day <= last; day++) {
      const offset = zoneOffsetMs(new Date(day * DAY_MS + DAY_MS / 2), timeZone);
      // The change happened between noon UTC of day − 1 and noon UTC of day.
      if (offset !== previous) flags[day - first] = 1;
      previous = offset;
    }
    byYear[year - FIRST_YEAR] = flags;
  }
  return flags;
}

function zoneOffsetMayChangeOn(date: string, timeZone: string): boolean {
  // The local day lies within [00:00 UTC − 14 h, 24:00 UTC + 14 h]: a change in it is marked on one of these days.
  const year = yearOf(date);
  if (year < FIRST_YEAR || year > LAST_YEAR) return true;
  const flags = transitionsOf(timeZone, year);
  const at = dayNumber(date) - (Date.UTC(year, 0, 1) / DAY_MS - 3);
  return flags[at - 1] === 1 || flags[at] === 1 || flags[at + 1] === 1 || flags[at + 2] === 1;
}

const exactSlots = new Map<string, number>();

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

/** SES-5: "Prénom Nom → localId" for each declared id of `declared` that sits the session. */
function conflictingPairs(invigilator: Invigilator, declared: readonly string[], ids: ReadonlySet<string>, into: string[]): void {
  for (const id of declared) if (ids.has(id)) into.push(`${named(invigilator)} → ${id}`);
}

// Most lists of a session's facts are empty: one frozen empty list (facts are constants) instead of one each.
const NONE: readonly string[] = Object.freeze([]);
const NO_CONFLICTS: InvigilatorConflicts = Object.freeze({ trained: NONE, relatives: NONE, subordinates: NONE });
const NO_PUBLIC_INFORMATION: readonly string[] = Object.freeze(['matériel informatique', "modalités d'inscription", 'contact']);

function conflictsOf(session: Session): InvigilatorConflicts {
  let trainedPairs: string[] | undefined;
  let relativePairs: string[] | undefined;
  let subordinatePairs: string[] | undefined;
  let ids: Set<string> | undefined;
  for (const invigilator of session.invigilators) {
    const { trainedCandidateIds: trained, relativeCandidateIds: relatives, subordinateCandidateIds: subordinates } = invigilator;
    if (trained.length === 0 && relatives.length === 0 && subordinates.length === 0) continue;
    ids ??= new Set(session.candidates.map((c) => c.localId));
    conflictingPairs(invigilator, trained, ids, (trainedPairs ??= []));
    conflictingPairs(invigilator, relatives, ids, (relativePairs ??= []));
    conflictingPairs(invigilator, subordinates, ids, (subordinatePairs ??= []));
  }
  return ids === undefined ? NO_CONFLICTS : { trained: trainedPairs!, relatives: relativePairs!, subordinates: subordinatePairs! };
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

/** What a session's date alone decides under a version's parameters (SES-6, SES-7 deadlines). */
interface DatedFacts {
  day: number;
  latestPlanningDate: string;
  confirmationDeadline: string;
}

// Many sessions share a date: its deadlines are computed once per version's parameters and date.
const datedFacts = memoPerOwner((p: VersionedParameters['sessions'], date: string): DatedFacts => ({
  day: dayNumber(date),
  latestPlanningDate: monthsBefore(date, p.openSessionNoticeMonths),
  confirmationDeadline: isoOfDay(dayNumber(date) - p.confirmationDaysBefore),
}));

/** The facts of `session` under the rule set whose parameters are `parameters`. */
export function sessionFacts(session: Session, context: SessionContext, parameters: VersionedParameters): SessionFacts {
  const p = parameters.sessions;
  const candidates = session.candidates;
  const n = candidates.length;

  let staff = 0;
  let maxExtra = 0;
  let minCompetences: number | null = null;
  let minGap: number | null = null;
  const dated = datedFacts(p, session.date);
  const sessionDay = dated.day;
  let fundedWithoutAgreedPrice: string[] | undefined;
  let agreedPriceBelowPixShare: string[] | undefined;
  let fundedPixShare: number | null | undefined;
  let unjustifiedFreeCandidates: string[] | undefined;
  let chargedCandidates: string[] | undefined;
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
      if (!freeOfChargeJustified(session, c.staffOfCentre, billing.reason)) (unjustifiedFreeCandidates ??= []).push(c.localId);
    } else {
      (chargedCandidates ??= []).push(c.localId);
      if (billing.mode === 'funded-cohort' && !(typeof billing.agreedPriceEur === 'number' && billing.agreedPriceEur >= 0)) {
        (fundedWithoutAgreedPrice ??= []).push(c.localId);
      } else if (billing.mode === 'funded-cohort') {
        fundedPixShare ??= pixShareOf('funded-cohort', session.centreKind, session.date, PRICE_TABLES);
        if (fundedPixShare !== null && (billing.agreedPriceEur as number) < fundedPixShare)
          (agreedPriceBelowPixShare ??= []).push(c.localId);
      }
    }
  }

  let invigilatorCount = 0;
  let referentInvigilates = false;
  // SES-5: most sessions declare no conflict; conflictsOf walks the invigilators again only when one does.
  let declaresConflicts = false;
  for (const i of session.invigilators) {
    if (!blank(i.lastName) || !blank(i.firstName)) invigilatorCount++;
    if (i.referent) referentInvigilates = true;
    if (i.trainedCandidateIds.length > 0 || i.relativeCandidateIds.length > 0 || i.subordinateCandidateIds.length > 0) {
      declaresConflicts = true;
    }
  }

  let missingPlaceDetails: string[] | undefined;
  if (blank(session.address)) (missingPlaceDetails ??= []).push('adresse');
  if (blank(session.room)) (missingPlaceDetails ??= []).push('salle');
  if (session.thirdPartyVenue && blank(session.thirdPartyVenueDetails))
    (missingPlaceDetails ??= []).push("conditions d'accueil du lieu tiers");

  const info = session.publicInformation;
  let missingPublicInformation: readonly string[] = NO_PUBLIC_INFORMATION;
  if (info) {
    const missing: string[] = [];
    if (blank(info.equipment)) missing.push('matériel informatique');
    if (blank(info.registrationTerms)) missing.push("modalités d'inscription");
    if (blank(info.contact)) missing.push('contact');
    missingPublicInformation = missing.length === 0 ? NONE : missing;
  }

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
    missingPlaceDetails: missingPlaceDetails ?? NONE,
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
    invigilatorConflicts: declaresConflicts ? conflictsOf(session) : NO_CONFLICTS,
    plannedOn: session.plannedOn,
    noticeDays: sessionDay - dayNumber(session.plannedOn),
    latestPlanningDate: dated.latestPlanningDate,
    missingPublicInformation,
    hasMinimumCandidates: session.minimumCandidates !== null,
    minimumCandidates: session.minimumCandidates,
    confirmationSent: session.confirmation !== null,
    confirmationNotifiedOn: session.confirmation?.notifiedOn ?? null,
    confirmationDeadline: dated.confirmationDeadline,
    today: context.today,
    minCertifiableCompetences: minCompetences,
    hasDeclaredCompetences: minCompetences !== null,
    hasPreviousSessions: minGap !== null,
    minDaysSincePreviousSession: minGap,
    sessionBlocker: context.sessionBlocker,
    fundedWithoutAgreedPrice: fundedWithoutAgreedPrice ?? NONE,
    agreedPriceBelowPixShare: agreedPriceBelowPixShare ?? NONE,
    unjustifiedFreeCandidates: unjustifiedFreeCandidates ?? NONE,
    chargedCandidates: chargedCandidates ?? NONE,
  };
}
