/**
 * The session checks of ses-*.rules.json written by hand in TypeScript, straight from the session
 * (not from session-facts.ts). Used ONLY by `npm run bench:rules` (and a unit test), to cross-check the
 * rules engine's verdicts and to measure what the declarative path costs. Production code evaluates the
 * rule files (src/sessions/rules/index.ts).
 *
 * It gives the same answer as evaluateSession, byte for byte: every verdict with its clause, description,
 * fact, operator, values and French message, in rule-file order, and the evaluation's rule set and session.
 * A baseline that explained less (shorter messages, raw values) would measure the explanations, not the
 * rules. The texts are the rule file's (data: clause, description, message, and the fact and operator each
 * verdict names) and messages read through the evaluator's French rendering (messageOf); the judging is
 * written here.
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
import type { SessionEvaluation, SessionRuleSet } from '../../src/sessions/rules';
import { sessionSlotMinutes } from '../../src/sessions/rules/session-facts';
import { messageOf, type LeafCondition, type Verdict } from '../../src/shared/rules/rule-engine';

/** What a verdict says besides its values: the rule file's text, once per rule set. */
interface CheckText {
  ruleId: string;
  check: string;
  clause: string;
  description: string;
  fact: string;
  path: string | undefined;
  operator: string;
  message: (actual: unknown, expected: unknown) => string;
}

/** The checks judged here, by the names used below (each a check of the rule files). */
const CHECKS = {
  invigilators: 'SES-1.invigilators',
  place: 'SES-1.place',
  slot: 'SES-1.slot',
  perInvigilator: 'SES-2.candidates-per-invigilator',
  spareComputers: 'SES-3.spare-computers',
  staffShare: 'SES-4.staff-share',
  dedicatedReferent: 'SES-4.dedicated-session-referent',
  trained: 'SES-5.trained',
  relatives: 'SES-5.relatives',
  subordinates: 'SES-5.subordinates',
  notice: 'SES-6.notice',
  publicInformation: 'SES-6.public-information',
  minimumThreshold: 'SES-7.minimum-threshold',
  confirmationNotice: 'SES-7.confirmation-notice',
  confirmationDue: 'SES-7.confirmation-due',
  certifiable: 'SES-8.certifiable',
  daysBetween: 'SES-8.days-between-sessions',
  referentTrained: 'REF-2.referent-trained',
  notSuspended: 'SUS-2.not-suspended',
  inForce: 'AGR-4.agrement-in-force',
  notTerminated: 'TER-5.not-terminated',
  otherBlocker: 'SES-9.other-blocker',
  ownPupils: 'SCO-1.own-pupils',
  agreedPrice: 'PRI-2.agreed-price',
  coversPixShare: 'PRI-2.agreed-price-covers-pix-share',
  freeReason: 'PRI-3.free-of-charge-reason',
  ownStudentsFree: 'PRI-3.own-students-free',
} as const;
type Texts = { readonly [K in keyof typeof CHECKS]: CheckText };

const textsBySet = new WeakMap<SessionRuleSet, Texts>();

function textsOf(set: SessionRuleSet): Texts {
  let texts = textsBySet.get(set);
  if (!texts) {
    const byName = new Map(set.rules.rules.map((r) => [r.check, r]));
    const entries = Object.entries(CHECKS).map(([key, name]) => {
      const rule = byName.get(name);
      if (!rule) throw new Error(`${set.id} has no check ${name}`);
      const leaf = rule.requires as LeafCondition;
      const text: CheckText = {
        ruleId: rule.id,
        check: rule.check,
        clause: rule.clause,
        description: rule.description,
        fact: leaf.fact,
        path: leaf.path,
        operator: leaf.operator,
        message: messageOf(rule),
      };
      return [key, text];
    });
    textsBySet.set(set, (texts = Object.fromEntries(entries) as unknown as Texts));
  }
  return texts;
}

/** SES-9: blockers with a check of their own; any other fails SES-9.other-blocker. */
const ALLOWED_BLOCKER_IDS: ReadonlyArray<string | null> = [null, 'REF-2', 'SUS-2', 'AGR-4', 'TER-5'];

const empty = (s: string | null | undefined) => s == null || s.trim().length === 0;

/** Where verdicts go: failures always, passes only when asked for. */
class Verdicts {
  readonly failures: Verdict[] = [];
  readonly passes: Verdict[] | undefined;
  readonly notApplicable: string[] = [];

  constructor(includePassing: boolean) {
    this.passes = includePassing ? [] : undefined;
  }

  /** SES-9: a blocker's failure ends with the caller's reason (`detail`). */
  judge(text: CheckText, ok: boolean, actual: unknown, expected: unknown, detail?: string): void {
    if (!ok) this.failures.push(verdictOf(text, actual, expected, detail));
    else if (this.passes) this.passes.push(verdictOf(text, actual, expected, undefined));
  }
}

/** A verdict with the fields of the engine's, in the same order. */
function verdictOf(text: CheckText, actual: unknown, expected: unknown, detail: string | undefined): Verdict {
  const message = text.message(actual, expected);
  const verdict: Verdict = {
    ruleId: text.ruleId,
    check: text.check,
    clause: text.clause,
    description: text.description,
    message: detail === undefined ? message : `${message} Motif : ${detail}`,
    fact: text.fact,
    operator: text.operator,
    actual,
    expected,
  };
  if (text.path !== undefined) verdict.path = text.path;
  return verdict;
}

function conflicts(invigilator: Invigilator, declared: readonly string[], present: ReadonlySet<string>, into: string[]): void {
  for (const id of declared) if (present.has(id)) into.push(`${`${invigilator.firstName} ${invigilator.lastName}`.trim()} → ${id}`);
}

export function handWrittenChecks(
  session: Session,
  context: SessionContext,
  set: SessionRuleSet,
  options: { includePassing?: boolean } = {},
): SessionEvaluation {
  const p = set.parameters.sessions;
  const t = textsOf(set);
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
  v.judge(t.invigilators, invigilators >= p.minInvigilators, invigilators, p.minInvigilators);
  const place: string[] = [];
  if (empty(session.address)) place.push('adresse');
  if (empty(session.room)) place.push('salle');
  if (session.thirdPartyVenue && empty(session.thirdPartyVenueDetails)) place.push("conditions d'accueil du lieu tiers");
  v.judge(t.place, place.length === 0, place, true);
  const slot = sessionSlotMinutes(session.date, session.startTime, session.endTime, session.timeZone);
  const required = p.slotMinutes - p.testMinutes + Math.ceil((p.testMinutes * (100 + extra)) / 100);
  v.judge(t.slot, slot >= required, slot, required);

  // SES-2
  const perInvigilator = invigilators === 0 ? count : count / invigilators;
  v.judge(t.perInvigilator, perInvigilator <= p.maxCandidatesPerInvigilator, perInvigilator, p.maxCandidatesPerInvigilator);

  // SES-3
  const sparesNeeded = Math.ceil(count / p.candidatesPerSpareComputer);
  v.judge(t.spareComputers, session.spareComputers >= sparesNeeded, session.spareComputers, sparesNeeded);

  // SES-4
  const staffOnly = count > 0 && staff === count;
  if (school || staffOnly) v.notApplicable.push(CHECKS.staffShare);
  else {
    const staffShare = count === 0 ? 0 : (staff * 100) / count;
    v.judge(t.staffShare, staffShare <= p.maxStaffSharePercent, staffShare, p.maxStaffSharePercent);
  }
  if (school || !staffOnly) v.notApplicable.push(CHECKS.dedicatedReferent);
  else {
    v.judge(t.dedicatedReferent, referent, referent, true);
  }

  // SES-5: the exception of higher-education sessions for their own initial-training students.
  if (school || ownInitialTraining) v.notApplicable.push(CHECKS.trained, CHECKS.relatives, CHECKS.subordinates);
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
    v.judge(t.trained, trained.length === 0, trained, true);
    v.judge(t.relatives, relatives.length === 0, relatives, true);
    v.judge(t.subordinates, subordinates.length === 0, subordinates, true);
  }

  // SES-6
  if (school || session.public !== 'external-open') v.notApplicable.push(CHECKS.notice, CHECKS.publicInformation);
  else {
    const latest = monthsBefore(session.date, p.openSessionNoticeMonths);
    v.judge(t.notice, session.plannedOn <= latest, session.plannedOn, latest);
    const info = session.publicInformation;
    const missing: string[] = [];
    if (empty(info?.equipment)) missing.push('matériel informatique');
    if (empty(info?.registrationTerms)) missing.push("modalités d'inscription");
    if (empty(info?.contact)) missing.push('contact');
    v.judge(t.publicInformation, missing.length === 0, missing, true);
  }

  // SES-7
  if (school || session.minimumCandidates === null) {
    v.notApplicable.push(CHECKS.minimumThreshold, CHECKS.confirmationNotice, CHECKS.confirmationDue);
  } else {
    const min = session.minimumCandidates;
    v.judge(t.minimumThreshold, min <= p.maxMinimumCandidates, min, p.maxMinimumCandidates);
    const deadline = isoOfDay(day - p.confirmationDaysBefore);
    if (session.confirmation !== null) {
      const on = session.confirmation.notifiedOn;
      v.judge(t.confirmationNotice, on <= deadline, on, deadline);
      v.notApplicable.push(CHECKS.confirmationDue);
    } else {
      v.notApplicable.push(CHECKS.confirmationNotice);
      v.judge(t.confirmationDue, context.today <= deadline, context.today, deadline);
    }
  }

  // SES-8: judged on the candidates whose count is declared (DATA-1: optional in a report).
  if (leastCompetences === Number.POSITIVE_INFINITY) v.notApplicable.push(CHECKS.certifiable);
  else {
    v.judge(t.certifiable, leastCompetences >= p.minCertifiableCompetences, leastCompetences, p.minCertifiableCompetences);
  }
  if (shortestGap === Number.POSITIVE_INFINITY) v.notApplicable.push(CHECKS.daysBetween);
  else {
    v.judge(t.daysBetween, shortestGap >= p.minDaysBetweenSessions, shortestGap, p.minDaysBetweenSessions);
  }

  // SES-9: the blocker fed by the caller fails the check of the rule it names.
  const blocker = context.sessionBlocker;
  const blockerRule = blocker === null ? null : blocker.ruleId;
  const reason = blocker?.reason;
  v.judge(t.referentTrained, blockerRule !== 'REF-2', blockerRule, 'REF-2', reason);
  v.judge(t.notSuspended, blockerRule !== 'SUS-2', blockerRule, 'SUS-2', reason);
  v.judge(t.inForce, blockerRule !== 'AGR-4', blockerRule, 'AGR-4', reason);
  v.judge(t.notTerminated, blockerRule !== 'TER-5', blockerRule, 'TER-5', reason);
  v.judge(t.otherBlocker, ALLOWED_BLOCKER_IDS.includes(blockerRule), blockerRule, ALLOWED_BLOCKER_IDS, reason);

  // SCO-1
  if (!school) v.notApplicable.push(CHECKS.ownPupils);
  else {
    v.judge(t.ownPupils, session.public === 'internal-initial', session.public, 'internal-initial');
  }

  // PRI-2, PRI-3
  if (school) v.notApplicable.push(CHECKS.agreedPrice, CHECKS.coversPixShare, CHECKS.freeReason);
  else {
    v.judge(t.agreedPrice, noPrice.length === 0, noPrice, true);
    v.judge(t.coversPixShare, below.length === 0, below, true);
    v.judge(t.freeReason, unjustified.length === 0, unjustified, true);
  }
  if (!(ownInitialTraining && session.centrePublicEstablishment)) v.notApplicable.push(CHECKS.ownStudentsFree);
  else v.judge(t.ownStudentsFree, charged.length === 0, charged, true);

  const { ruleSet, version } = set.rules;
  const passed = v.failures.length === 0;
  const { failures, notApplicable, passes } = v;
  const sessionId = session.id;
  const { id: ruleSetId, effectiveFrom } = set;
  return passes === undefined
    ? { ruleSet, version, passed, failures, notApplicable, sessionId, ruleSetId, effectiveFrom }
    : { ruleSet, version, passed, failures, notApplicable, passes, sessionId, ruleSetId, effectiveFrom };
}
