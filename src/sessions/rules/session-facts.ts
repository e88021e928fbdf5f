/**
 * The facts the session rule files read (SES-1..9, SCO-1, PRI-2..3), computed from a session: for the
 * compiled rule file, those a check may leave unread on first read (lazySessionFacts); for the reference and
 * callers that want them all, every one (sessionFacts). Pure and deterministic (Intl only, through
 * zoned-time), so a workflow may call it.
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

/**
 * The facts of a session, those that a check may leave unread computed on first read (issue 15): the compiled
 * rule file reads a fact only for a check that applies, so a secondary school's session never tallies the
 * PRI-2/PRI-3 billing nor builds the SES-5 conflicts (SCO-1), a session not open to all never computes
 * SES-6's planning deadline, one without a minimum SES-7's confirmation deadline, and PRI-3's charged
 * candidates are listed for a public establishment's own initial-training students only. The facts that
 * checks applying to every session read (SES-1's invigilators, place and slot; the candidates' tallies that
 * SES-1, SES-4 and SES-8 read) are computed up front: a check per read would cost more than it saves. A
 * computed value is kept, and what is read from the session is not copied: facts are constants.
 */
class LazySessionFacts implements SessionFacts {
  readonly parameters: VersionedParameters;
  readonly higherEducationInitialTraining: boolean;
  readonly invigilatorCount: number;
  readonly missingPlaceDetails: readonly string[];
  readonly slotMinutes: number;
  readonly requiredSlotMinutes: number;
  readonly candidatesPerInvigilator: number;
  readonly spareComputersNeeded: number;
  readonly staffCandidates: number;
  readonly staffSharePercent: number;
  readonly staffOnlySession: boolean;
  readonly referentInvigilates: boolean;
  readonly minCertifiableCompetences: number | null;
  readonly hasDeclaredCompetences: boolean;
  readonly hasPreviousSessions: boolean;
  readonly minDaysSincePreviousSession: number | null;
  readonly #session: Session;
  readonly #context: SessionContext;
  readonly #declaresConflicts: boolean;
  #invigilatorConflicts: InvigilatorConflicts | undefined = undefined;
  #chargedCandidates: readonly string[] | undefined = undefined;
  #missingPublicInformation: readonly string[] | undefined = undefined;
  #confirmationDeadline: string | undefined = undefined;
  #fundedWithoutAgreedPrice: readonly string[] | undefined = undefined;
  #agreedPriceBelowPixShare: readonly string[] = NONE;
  #unjustifiedFreeCandidates: readonly string[] = NONE;

  constructor(session: Session, context: SessionContext, parameters: VersionedParameters) {
    const p = parameters.sessions;
    const candidates = session.candidates;
    const n = candidates.length;
    this.#session = session;
    this.#context = context;

    let staff = 0;
    let maxExtra = 0;
    let minCompetences: number | null = null;
    let minGap: number | null = null;
    let sessionDay: number | undefined;
    for (const c of candidates) {
      if (c.staffOfCentre) staff++;
      if (c.extraTimePercent > maxExtra) maxExtra = c.extraTimePercent;
      const competences = c.certifiableCompetences;
      if (competences !== null && (minCompetences === null || competences < minCompetences)) minCompetences = competences;
      if (c.previousSessionDate !== null) {
        const gap = (sessionDay ??= dayNumber(session.date)) - dayNumber(c.previousSessionDate);
        if (minGap === null || gap < minGap) minGap = gap;
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

    this.parameters = parameters;
    this.higherEducationInitialTraining =
      session.centreHigherEducation && session.centreKind !== 'secondary-school' && session.public === 'internal-initial';
    this.invigilatorCount = invigilatorCount;
    this.missingPlaceDetails = missingPlaceDetails ?? NONE;
    this.slotMinutes = sessionSlotMinutes(session.date, session.startTime, session.endTime, session.timeZone);
    // SES-1: welcome and exit keep their time; the test part is lengthened by the extra time (integer maths, no float drift).
    this.requiredSlotMinutes = p.slotMinutes - p.testMinutes + Math.ceil((p.testMinutes * (100 + maxExtra)) / 100);
    // Without invigilator SES-1 fails; the ratio is then taken over one, so SES-2 still judges the head count.
    this.candidatesPerInvigilator = n / Math.max(1, invigilatorCount);
    this.spareComputersNeeded = Math.ceil(n / p.candidatesPerSpareComputer);
    this.staffCandidates = staff;
    this.staffSharePercent = n === 0 ? 0 : (staff * 100) / n;
    this.staffOnlySession = n > 0 && staff === n;
    this.referentInvigilates = referentInvigilates;
    this.#declaresConflicts = declaresConflicts;
    this.minCertifiableCompetences = minCompetences;
    this.hasDeclaredCompetences = minCompetences !== null;
    this.hasPreviousSessions = minGap !== null;
    this.minDaysSincePreviousSession = minGap;
  }

  // Read from the session or the caller's context when read: no copy per evaluation.

  get centreKind(): CentreKind {
    return this.#session.centreKind;
  }

  get public(): SessionPublic {
    return this.#session.public;
  }

  get centrePublicEstablishment(): boolean {
    return this.#session.centrePublicEstablishment;
  }

  get candidateCount(): number {
    return this.#session.candidates.length;
  }

  get hasCandidates(): boolean {
    return this.#session.candidates.length > 0;
  }

  get spareComputers(): number {
    return this.#session.spareComputers;
  }

  get plannedOn(): string {
    return this.#session.plannedOn;
  }

  get hasMinimumCandidates(): boolean {
    return this.#session.minimumCandidates !== null;
  }

  get minimumCandidates(): number | null {
    return this.#session.minimumCandidates;
  }

  get confirmationSent(): boolean {
    return this.#session.confirmation !== null;
  }

  get confirmationNotifiedOn(): string | null {
    return this.#session.confirmation?.notifiedOn ?? null;
  }

  get today(): string {
    return this.#context.today;
  }

  get sessionBlocker(): SessionBlocker | null {
    return this.#context.sessionBlocker;
  }

  /** SES-5: read only where the conflicts rule applies (not in a secondary school, SCO-1). */
  get invigilatorConflicts(): InvigilatorConflicts {
    return (this.#invigilatorConflicts ??= this.#declaresConflicts ? conflictsOf(this.#session) : NO_CONFLICTS);
  }

  /** SES-6: days from planning to the session; a measurement no check of 2020-01 reads. */
  get noticeDays(): number {
    return dayNumber(this.#session.date) - dayNumber(this.#session.plannedOn);
  }

  /**
   * SES-6: read for a session open to all only. Computed, not looked up per date: a lookup among a decade of
   * dates missed the processor's caches and cost more than the arithmetic.
   */
  get latestPlanningDate(): string {
    return monthsBefore(this.#session.date, this.parameters.sessions.openSessionNoticeMonths);
  }

  /** SES-6: read for a session open to all only. */
  get missingPublicInformation(): readonly string[] {
    return (this.#missingPublicInformation ??= missingPublicInformationOf(this.#session));
  }

  /** SES-7: read for a session with a minimum number of candidates only. */
  get confirmationDeadline(): string {
    return (this.#confirmationDeadline ??= isoOfDay(dayNumber(this.#session.date) - this.parameters.sessions.confirmationDaysBefore));
  }

  /** PRI-2: read where the prices apply (not in a secondary school, SCO-1). */
  get fundedWithoutAgreedPrice(): readonly string[] {
    if (this.#fundedWithoutAgreedPrice === undefined) this.#tallyBilling();
    return this.#fundedWithoutAgreedPrice!;
  }

  /** PRI-2, PRI-4: read where the prices apply (not in a secondary school, SCO-1). */
  get agreedPriceBelowPixShare(): readonly string[] {
    if (this.#fundedWithoutAgreedPrice === undefined) this.#tallyBilling();
    return this.#agreedPriceBelowPixShare;
  }

  /** PRI-3: read where the prices apply (not in a secondary school, SCO-1). */
  get unjustifiedFreeCandidates(): readonly string[] {
    if (this.#fundedWithoutAgreedPrice === undefined) this.#tallyBilling();
    return this.#unjustifiedFreeCandidates;
  }

  /** PRI-2, PRI-3: the candidates' billing, in one pass, on the first read of one of its facts. */
  #tallyBilling(): void {
    const session = this.#session;
    let fundedWithoutAgreedPrice: string[] | undefined;
    let agreedPriceBelowPixShare: string[] | undefined;
    let fundedPixShare: number | null | undefined;
    let unjustifiedFreeCandidates: string[] | undefined;
    for (const c of session.candidates) {
      const billing = c.billing;
      if (billing.mode === 'free-of-charge') {
        if (!freeOfChargeJustified(session, c.staffOfCentre, billing.reason)) (unjustifiedFreeCandidates ??= []).push(c.localId);
      } else if (billing.mode === 'funded-cohort') {
        if (!(typeof billing.agreedPriceEur === 'number' && billing.agreedPriceEur >= 0)) {
          (fundedWithoutAgreedPrice ??= []).push(c.localId);
        } else {
          fundedPixShare ??= pixShareOf('funded-cohort', session.centreKind, session.date, PRICE_TABLES);
          if (fundedPixShare !== null && billing.agreedPriceEur < fundedPixShare) (agreedPriceBelowPixShare ??= []).push(c.localId);
        }
      }
    }
    this.#fundedWithoutAgreedPrice = fundedWithoutAgreedPrice ?? NONE;
    this.#agreedPriceBelowPixShare = agreedPriceBelowPixShare ?? NONE;
    this.#unjustifiedFreeCandidates = unjustifiedFreeCandidates ?? NONE;
  }

  /** PRI-3: read for a public establishment's own initial-training students only; elsewhere, listing them cost a push per candidate. */
  get chargedCandidates(): readonly string[] {
    return (this.#chargedCandidates ??= chargedCandidatesOf(this.#session));
  }
}

/** SES-6: French labels of what a session open to external candidates does not publish. */
function missingPublicInformationOf(session: Session): readonly string[] {
  const info = session.publicInformation;
  if (!info) return NO_PUBLIC_INFORMATION;
  const missing: string[] = [];
  if (blank(info.equipment)) missing.push('matériel informatique');
  if (blank(info.registrationTerms)) missing.push("modalités d'inscription");
  if (blank(info.contact)) missing.push('contact');
  return missing.length === 0 ? NONE : missing;
}

/** PRI-3: local ids of the candidates not free of charge. */
function chargedCandidatesOf(session: Session): readonly string[] {
  let charged: string[] | undefined;
  for (const c of session.candidates) if (c.billing.mode !== 'free-of-charge') (charged ??= []).push(c.localId);
  return charged ?? NONE;
}

/**
 * The facts of `session` under the rule set whose parameters are `parameters`, each computed on first read:
 * what evaluateSession hands the compiled rule file.
 */
export function lazySessionFacts(session: Session, context: SessionContext, parameters: VersionedParameters): SessionFacts {
  return (_lastLazyFacts = new LazySessionFacts(session, context, parameters));
}

/**
 * The facts built last, kept: V8 holds the shape of a class's instances only weakly once they have all died, and
 * a full collection between two evaluations then discards it; the compiled runner and the facts' constructor,
 * optimised for that shape, were thrown away and optimised again (seen in bench:rules, where every batch follows
 * a full collection: several times the allocations per session until they were).
 */
let _lastLazyFacts: LazySessionFacts | undefined;

/** The facts of `session` under the rule set whose parameters are `parameters`, every one computed: a plain object. */
export function sessionFacts(session: Session, context: SessionContext, parameters: VersionedParameters): SessionFacts {
  const f = new LazySessionFacts(session, context, parameters);
  // Its fields, then every getter read: the class implements SessionFacts, so this is every fact.
  const all: Record<string, unknown> = { ...f };
  for (const name of FACT_GETTERS) all[name] = f[name];
  return all as unknown as SessionFacts;
}

/** The facts LazySessionFacts computes on first read or reads from the session: its getters. */
const FACT_GETTERS = Object.entries(Object.getOwnPropertyDescriptors(LazySessionFacts.prototype))
  .filter(([, descriptor]) => descriptor.get !== undefined)
  .map(([name]) => name as keyof LazySessionFacts);
