/**
 * The session checks of ses-*.rules.json written by hand in TypeScript, straight from the session
 * (not from session-facts.ts). Used ONLY by `npm run bench:rules`, to cross-check the rules engine's
 * verdicts (same check names, same actual and expected values) and to measure what the declarative
 * path costs. Production code evaluates the rule files (src/sessions/rules/index.ts).
 *
 * Written as efficient TypeScript would be, so that the comparison measures the rules, not a slow
 * baseline: one pass over the candidates, no closure per call, messages formatted only for the
 * verdicts returned. Shared with the engine path: the time-zone plumbing of the slot
 * (sessionSlotMinutes), the ISO-day arithmetic of src/shared/domain/calendar-days.ts and the price
 * tables. Everything else is re-derived here.
 */
import { dayNumber, isoOfDay, monthsBefore } from '../../src/shared/domain/calendar-days';
import { pixShareOf } from '../../src/sessions/domain/pricing';
import { PRICE_TABLES } from '../../src/sessions/rules/price-tables';
import type { Invigilator, Session, SessionContext } from '../../src/sessions/domain/session';
import { sessionSlotMinutes } from '../../src/sessions/rules/session-facts';
import type { VersionedParameters } from '../../src/shared/domain/versioning';

export interface HandVerdict {
  ruleId: string;
  check: string;
  actual: unknown;
  expected: unknown;
  message: string;
}

export interface HandEvaluation {
  passed: boolean;
  failures: HandVerdict[];
  passes?: HandVerdict[];
  notApplicable: string[];
}

type Message = (actual: unknown, expected: unknown, detail: string | undefined) => string;
const list = (value: unknown) => (value as string[]).join(', ');

/** Each check's message, formatted only for the verdicts returned (module constants: no closure per evaluation). */
const MESSAGES: Readonly<Record<string, Message>> = {
  'SES-1.invigilators': (a) => `Aucun surveillant nommé (${a}).`,
  'SES-1.place': (a) => `Lieu de la session incomplet : ${list(a)}.`,
  'SES-1.slot': (a, e) => `Créneau de ${a} minutes : il en faut au moins ${e}.`,
  'SES-2.candidates-per-invigilator': (a, e) => `${a} candidats par surveillant : au plus ${e}.`,
  'SES-3.spare-computers': (a, e) => `${a} poste(s) de secours : il en faut ${e}.`,
  'SES-4.staff-share': (a) => `Personnels du centre : ${a} % des candidats.`,
  'SES-4.dedicated-session-referent': () => 'Session dédiée aux personnels : le référent Pix doit la surveiller.',
  'SES-6.notice': (a, e) => `Planifiée le ${a}, au plus tard le ${e}.`,
  'SES-6.public-information': (a) => `Informations manquantes : ${list(a)}.`,
  'SES-7.minimum-threshold': (a, e) => `Seuil minimal de ${a} : au plus ${e}.`,
  'SES-7.confirmation-notice': (a, e) => `Confirmation envoyée le ${a}, au plus tard le ${e}.`,
  'SES-7.confirmation-due': (_, e) => `Confirmation non envoyée, due au plus tard le ${e}.`,
  'SES-8.certifiable': (a) => `Niveau 1 dans ${a} compétence(s) seulement.`,
  'SES-8.days-between-sessions': (a) => `Session précédente ${a} jour(s) avant.`,
  'SES-9.other-blocker': (a) => `Aucune session (${a}).`,
  'SCO-1.own-pupils': (a) => `Public « ${a} » non admis.`,
  'PRI-2.agreed-price': (a) => `Sans prix convenu : ${list(a)}.`,
  'PRI-2.agreed-price-covers-pix-share': (a) => `Prix convenu inférieur à la part Pix : ${list(a)}.`,
  'PRI-3.free-of-charge-reason': (a) => `Gratuité sans motif : ${list(a)}.`,
  'PRI-3.own-students-free': (a) => `Étudiants facturés : ${list(a)}.`,
  'SES-5.trained': (a) => `Conflit surveillant/candidat : ${list(a)}.`,
  'SES-5.relatives': (a) => `Conflit surveillant/candidat : ${list(a)}.`,
  'SES-5.subordinates': (a) => `Conflit surveillant/candidat : ${list(a)}.`,
  'REF-2.referent-trained': (_a, _e, reason) => `Aucune session tant que le référent Pix n'a pas suivi la formation. Motif : ${reason}`,
  'SUS-2.not-suspended': (_a, _e, reason) => `Aucune session pendant la suspension de l'agrément. Motif : ${reason}`,
  'AGR-4.agrement-in-force': (_a, _e, reason) => `Aucune session après l'expiration de l'agrément. Motif : ${reason}`,
  'TER-5.not-terminated': (_a, _e, reason) => `Aucune session après la fin de la convention d'agrément. Motif : ${reason}`,
};

/** SES-9: blockers with a check of their own; any other fails SES-9.other-blocker. */
const KNOWN_BLOCKERS: ReadonlyArray<[ruleId: string, check: string]> = [
  ['REF-2', 'REF-2.referent-trained'],
  ['SUS-2', 'SUS-2.not-suspended'],
  ['AGR-4', 'AGR-4.agrement-in-force'],
  ['TER-5', 'TER-5.not-terminated'],
];
const ALLOWED_BLOCKER_IDS: ReadonlyArray<string | null> = [null, 'REF-2', 'SUS-2', 'AGR-4', 'TER-5'];
const SES5_CHECKS = ['SES-5.trained', 'SES-5.relatives', 'SES-5.subordinates'] as const;

const empty = (s: string | null | undefined) => s == null || s.trim().length === 0;

/** Where verdicts go: failures always, passes only when asked for. */
class Verdicts {
  readonly failures: HandVerdict[] = [];
  readonly passes: HandVerdict[] | undefined;
  readonly notApplicable: string[] = [];

  constructor(includePassing: boolean) {
    this.passes = includePassing ? [] : undefined;
  }

  judge(ruleId: string, check: string, ok: boolean, actual: unknown, expected: unknown, detail?: string): void {
    if (!ok) this.failures.push({ ruleId, check, actual, expected, message: MESSAGES[check](actual, expected, detail) });
    else if (this.passes) this.passes.push({ ruleId, check, actual, expected, message: MESSAGES[check](actual, expected, detail) });
  }
}

function conflicts(invigilator: Invigilator, declared: readonly string[], present: ReadonlySet<string>, into: string[]): void {
  for (const id of declared) if (present.has(id)) into.push(`${`${invigilator.firstName} ${invigilator.lastName}`.trim()} → ${id}`);
}

export function handWrittenChecks(
  session: Session,
  context: SessionContext,
  parameters: VersionedParameters,
  options: { includePassing?: boolean } = {},
): HandEvaluation {
  const p = parameters.sessions;
  const v = new Verdicts(options.includePassing === true);
  const school = session.centreKind === 'secondary-school';
  const candidates = session.candidates;
  const count = candidates.length;
  const day = dayNumber(session.date);
  // SES-5, PRI-3: a higher-education establishment for its own initial-training students (whatever its network).
  const ownInitialTraining = !school && session.centreHigherEducation && session.public === 'internal-initial';

  // One pass over the candidates for SES-1, SES-4, SES-8, PRI-2 and PRI-3.
  let extra = 0;
  let staff = 0;
  let leastCompetences = Number.POSITIVE_INFINITY;
  let shortestGap = Number.POSITIVE_INFINITY;
  let share: number | null | undefined;
  const noPrice: string[] = [];
  const below: string[] = [];
  const unjustified: string[] = [];
  const charged: string[] = [];
  for (const c of candidates) {
    if (c.extraTimePercent > extra) extra = c.extraTimePercent;
    if (c.staffOfCentre) staff++;
    if (c.certifiableCompetences !== null && c.certifiableCompetences < leastCompetences) leastCompetences = c.certifiableCompetences;
    if (c.previousSessionDate !== null) {
      const gap = day - dayNumber(c.previousSessionDate);
      if (gap < shortestGap) shortestGap = gap;
    }
    const billing = c.billing;
    if (billing.mode === 'free-of-charge') {
      const reason = billing.reason;
      const justified =
        session.centrePublicEstablishment &&
        (reason === 'higher-education-initial-training'
          ? ownInitialTraining
          : reason === 'cnam-free-auditor'
            ? session.centreHigherEducation && session.public === 'internal-continuing'
            : reason === 'public-establishment-staff' && c.staffOfCentre && session.centreEducationMinistriesPublic);
      if (!justified) unjustified.push(c.localId);
      continue;
    }
    charged.push(c.localId);
    if (billing.mode !== 'funded-cohort') continue;
    const agreed = billing.agreedPriceEur;
    if (!(typeof agreed === 'number' && agreed >= 0)) noPrice.push(c.localId);
    else {
      if (share === undefined) share = pixShareOf('funded-cohort', session.centreKind, session.date, PRICE_TABLES);
      if (share !== null && agreed < share) below.push(c.localId);
    }
  }

  // SES-1
  let invigilators = 0;
  let referent = false;
  let declaresConflicts = false;
  for (const i of session.invigilators) {
    if (!empty(i.firstName) || !empty(i.lastName)) invigilators++;
    if (i.referent) referent = true;
    if (i.trainedCandidateIds.length > 0 || i.relativeCandidateIds.length > 0 || i.subordinateCandidateIds.length > 0)
      declaresConflicts = true;
  }
  v.judge('SES-1', 'SES-1.invigilators', invigilators >= p.minInvigilators, invigilators, p.minInvigilators);
  const place: string[] = [];
  if (empty(session.address)) place.push('adresse');
  if (empty(session.room)) place.push('salle');
  if (session.thirdPartyVenue && empty(session.thirdPartyVenueDetails)) place.push("conditions d'accueil du lieu tiers");
  v.judge('SES-1', 'SES-1.place', place.length === 0, place, true);
  const slot = sessionSlotMinutes(session.date, session.startTime, session.endTime, session.timeZone);
  const required = p.slotMinutes - p.testMinutes + Math.ceil((p.testMinutes * (100 + extra)) / 100);
  v.judge('SES-1', 'SES-1.slot', slot >= required, slot, required);

  // SES-2
  const perInvigilator = invigilators === 0 ? count : count / invigilators;
  v.judge(
    'SES-2',
    'SES-2.candidates-per-invigilator',
    perInvigilator <= p.maxCandidatesPerInvigilator,
    perInvigilator,
    p.maxCandidatesPerInvigilator,
  );

  // SES-3
  const sparesNeeded = Math.ceil(count / p.candidatesPerSpareComputer);
  v.judge('SES-3', 'SES-3.spare-computers', session.spareComputers >= sparesNeeded, session.spareComputers, sparesNeeded);

  // SES-4
  const staffOnly = count > 0 && staff === count;
  if (school || staffOnly) v.notApplicable.push('SES-4.staff-share');
  else {
    const staffShare = count === 0 ? 0 : (staff * 100) / count;
    v.judge('SES-4', 'SES-4.staff-share', staffShare <= p.maxStaffSharePercent, staffShare, p.maxStaffSharePercent);
  }
  if (school || !staffOnly) v.notApplicable.push('SES-4.dedicated-session-referent');
  else {
    v.judge('SES-4', 'SES-4.dedicated-session-referent', referent, referent, true);
  }

  // SES-5: the exception of higher-education sessions for their own initial-training students.
  if (school || ownInitialTraining) v.notApplicable.push(...SES5_CHECKS);
  else {
    const trained: string[] = [];
    const relatives: string[] = [];
    const subordinates: string[] = [];
    if (declaresConflicts) {
      const present = new Set<string>();
      for (const c of candidates) present.add(c.localId);
      for (const i of session.invigilators) {
        conflicts(i, i.trainedCandidateIds, present, trained);
        conflicts(i, i.relativeCandidateIds, present, relatives);
        conflicts(i, i.subordinateCandidateIds, present, subordinates);
      }
    }
    v.judge('SES-5', SES5_CHECKS[0], trained.length === 0, trained, true);
    v.judge('SES-5', SES5_CHECKS[1], relatives.length === 0, relatives, true);
    v.judge('SES-5', SES5_CHECKS[2], subordinates.length === 0, subordinates, true);
  }

  // SES-6
  if (school || session.public !== 'external-open') v.notApplicable.push('SES-6.notice', 'SES-6.public-information');
  else {
    const latest = monthsBefore(session.date, p.openSessionNoticeMonths);
    v.judge('SES-6', 'SES-6.notice', session.plannedOn <= latest, session.plannedOn, latest);
    const info = session.publicInformation;
    const missing: string[] = [];
    if (empty(info?.equipment)) missing.push('matériel informatique');
    if (empty(info?.registrationTerms)) missing.push("modalités d'inscription");
    if (empty(info?.contact)) missing.push('contact');
    v.judge('SES-6', 'SES-6.public-information', missing.length === 0, missing, true);
  }

  // SES-7
  if (school || session.minimumCandidates === null) {
    v.notApplicable.push('SES-7.minimum-threshold', 'SES-7.confirmation-notice', 'SES-7.confirmation-due');
  } else {
    const min = session.minimumCandidates;
    v.judge('SES-7', 'SES-7.minimum-threshold', min <= p.maxMinimumCandidates, min, p.maxMinimumCandidates);
    const deadline = isoOfDay(day - p.confirmationDaysBefore);
    if (session.confirmation !== null) {
      const on = session.confirmation.notifiedOn;
      v.judge('SES-7', 'SES-7.confirmation-notice', on <= deadline, on, deadline);
      v.notApplicable.push('SES-7.confirmation-due');
    } else {
      v.notApplicable.push('SES-7.confirmation-notice');
      v.judge('SES-7', 'SES-7.confirmation-due', context.today <= deadline, context.today, deadline);
    }
  }

  // SES-8: judged on the candidates whose count is declared (DATA-1: optional in a report).
  if (leastCompetences === Number.POSITIVE_INFINITY) v.notApplicable.push('SES-8.certifiable');
  else {
    v.judge('SES-8', 'SES-8.certifiable', leastCompetences >= p.minCertifiableCompetences, leastCompetences, p.minCertifiableCompetences);
  }
  if (shortestGap === Number.POSITIVE_INFINITY) v.notApplicable.push('SES-8.days-between-sessions');
  else {
    v.judge('SES-8', 'SES-8.days-between-sessions', shortestGap >= p.minDaysBetweenSessions, shortestGap, p.minDaysBetweenSessions);
  }

  // SES-9: the blocker fed by the caller fails the check of the rule it names.
  const blocker = context.sessionBlocker;
  const blockerRule = blocker === null ? null : blocker.ruleId;
  for (const [ruleId, check] of KNOWN_BLOCKERS) v.judge(ruleId, check, blockerRule !== ruleId, blockerRule, ruleId, blocker?.reason);
  v.judge('SES-9', 'SES-9.other-blocker', ALLOWED_BLOCKER_IDS.includes(blockerRule), blockerRule, ALLOWED_BLOCKER_IDS);

  // SCO-1
  if (!school) v.notApplicable.push('SCO-1.own-pupils');
  else {
    v.judge('SCO-1', 'SCO-1.own-pupils', session.public === 'internal-initial', session.public, 'internal-initial');
  }

  // PRI-2, PRI-3
  if (school) v.notApplicable.push('PRI-2.agreed-price', 'PRI-2.agreed-price-covers-pix-share', 'PRI-3.free-of-charge-reason');
  else {
    v.judge('PRI-2', 'PRI-2.agreed-price', noPrice.length === 0, noPrice, true);
    v.judge('PRI-2', 'PRI-2.agreed-price-covers-pix-share', below.length === 0, below, true);
    v.judge('PRI-3', 'PRI-3.free-of-charge-reason', unjustified.length === 0, unjustified, true);
  }
  if (!(ownInitialTraining && session.centrePublicEstablishment)) v.notApplicable.push('PRI-3.own-students-free');
  else v.judge('PRI-3', 'PRI-3.own-students-free', charged.length === 0, charged, true);

  const evaluation: HandEvaluation = { passed: v.failures.length === 0, failures: v.failures, notApplicable: v.notApplicable };
  if (v.passes) evaluation.passes = v.passes;
  return evaluation;
}
