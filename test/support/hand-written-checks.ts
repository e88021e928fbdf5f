/**
 * The session checks of ses-*.rules.json written by hand in TypeScript, straight from the session
 * (not from session-facts.ts). Used ONLY by `npm run bench:rules`, to cross-check the rules engine's
 * verdicts (same check names, same actual and expected values) and to measure what the declarative
 * path costs. Production code evaluates the rule files (src/sessions/rules/index.ts).
 *
 * Shared with the engine path: the time-zone plumbing of the slot (sessionSlotMinutes) and the
 * calendar helpers of src/shared/domain/dates.ts. Everything else is re-derived here.
 */
import { addDays, addMonths, daysBetween, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { pixShareOf } from '../../src/sessions/domain/pricing';
import { PRICE_TABLES } from '../../src/sessions/rules/price-tables';
import type { Session, SessionContext } from '../../src/sessions/domain/session';
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

/** SES-9: blockers with a check of their own; any other fails SES-9.other-blocker. */
const KNOWN_BLOCKERS: ReadonlyArray<[ruleId: string, check: string, message: string]> = [
  ['REF-2', 'REF-2.referent-trained', "Aucune session tant que le référent Pix n'a pas suivi la formation."],
  ['SUS-2', 'SUS-2.not-suspended', "Aucune session pendant la suspension de l'agrément."],
  ['AGR-4', 'AGR-4.agrement-in-force', "Aucune session après l'expiration de l'agrément."],
  ['TER-5', 'TER-5.not-terminated', "Aucune session après la fin de la convention d'agrément."],
];
const ALLOWED_BLOCKER_IDS: ReadonlyArray<string | null> = [null, 'REF-2', 'SUS-2', 'AGR-4', 'TER-5'];

const empty = (s: string | null | undefined) => s == null || s.trim().length === 0;

export function handWrittenChecks(
  session: Session,
  context: SessionContext,
  parameters: VersionedParameters,
  options: { includePassing?: boolean } = {},
): HandEvaluation {
  const p = parameters.sessions;
  const includePassing = options.includePassing === true;
  const failures: HandVerdict[] = [];
  const passes: HandVerdict[] = [];
  const notApplicable: string[] = [];
  const judge = (ruleId: string, check: string, ok: boolean, actual: unknown, expected: unknown, message: () => string) => {
    if (!ok) failures.push({ ruleId, check, actual, expected, message: message() });
    else if (includePassing) passes.push({ ruleId, check, actual, expected, message: message() });
  };

  const school = session.centreKind === 'secondary-school';
  const candidates = session.candidates;
  const count = candidates.length;
  const onDate = parseIsoDate(session.date);

  // SES-1
  const invigilators = session.invigilators.filter((i) => !empty(i.firstName) || !empty(i.lastName)).length;
  judge(
    'SES-1',
    'SES-1.invigilators',
    invigilators >= p.minInvigilators,
    invigilators,
    p.minInvigilators,
    () => `Aucun surveillant nommé (${invigilators}).`,
  );
  const place: string[] = [];
  if (empty(session.address)) place.push('adresse');
  if (empty(session.room)) place.push('salle');
  if (session.thirdPartyVenue && empty(session.thirdPartyVenueDetails)) place.push("conditions d'accueil du lieu tiers");
  judge('SES-1', 'SES-1.place', place.length === 0, place, true, () => `Lieu de la session incomplet : ${place.join(', ')}.`);
  const slot = sessionSlotMinutes(session.date, session.startTime, session.endTime, session.timeZone);
  const extra = candidates.reduce((m, c) => Math.max(m, c.extraTimePercent), 0);
  const welcome = p.slotMinutes - p.testMinutes;
  const required = welcome + Math.ceil((p.testMinutes * (100 + extra)) / 100);
  judge('SES-1', 'SES-1.slot', slot >= required, slot, required, () => `Créneau de ${slot} minutes : il en faut au moins ${required}.`);

  // SES-2
  const perInvigilator = invigilators === 0 ? count : count / invigilators;
  judge(
    'SES-2',
    'SES-2.candidates-per-invigilator',
    perInvigilator <= p.maxCandidatesPerInvigilator,
    perInvigilator,
    p.maxCandidatesPerInvigilator,
    () => `${perInvigilator} candidats par surveillant : au plus ${p.maxCandidatesPerInvigilator}.`,
  );

  // SES-3
  const sparesNeeded = Math.ceil(count / p.candidatesPerSpareComputer);
  judge(
    'SES-3',
    'SES-3.spare-computers',
    session.spareComputers >= sparesNeeded,
    session.spareComputers,
    sparesNeeded,
    () => `${session.spareComputers} poste(s) de secours : il en faut ${sparesNeeded}.`,
  );

  // SES-4
  const staff = candidates.filter((c) => c.staffOfCentre).length;
  const staffOnly = count > 0 && staff === count;
  if (school || staffOnly) notApplicable.push('SES-4.staff-share');
  else {
    const share = count === 0 ? 0 : (staff * 100) / count;
    judge(
      'SES-4',
      'SES-4.staff-share',
      share <= p.maxStaffSharePercent,
      share,
      p.maxStaffSharePercent,
      () => `Personnels du centre : ${share} % des candidats.`,
    );
  }
  if (school || !staffOnly) notApplicable.push('SES-4.dedicated-session-referent');
  else {
    const referent = session.invigilators.some((i) => i.referent);
    judge(
      'SES-4',
      'SES-4.dedicated-session-referent',
      referent === true,
      referent,
      true,
      () => 'Session dédiée aux personnels : le référent Pix doit la surveiller.',
    );
  }

  // SES-5: the exception of higher-education sessions for their own initial-training students.
  // A higher-education establishment stays one as a member of a type B network (centreKind network-b-member).
  const ownInitialTraining = !school && session.centreHigherEducation && session.public === 'internal-initial';
  const ses5 = ['SES-5.trained', 'SES-5.relatives', 'SES-5.subordinates'];
  if (school || ownInitialTraining) notApplicable.push(...ses5);
  else {
    const present = new Set(candidates.map((c) => c.localId));
    const pairs = (pick: (i: Session['invigilators'][number]) => readonly string[]) =>
      session.invigilators.flatMap((i) =>
        pick(i)
          .filter((id) => present.has(id))
          .map((id) => `${`${i.firstName} ${i.lastName}`.trim()} → ${id}`),
      );
    const lists = [pairs((i) => i.trainedCandidateIds), pairs((i) => i.relativeCandidateIds), pairs((i) => i.subordinateCandidateIds)];
    lists.forEach((list, k) =>
      judge('SES-5', ses5[k], list.length === 0, list, true, () => `Conflit surveillant/candidat : ${list.join(', ')}.`),
    );
  }

  // SES-6
  if (school || session.public !== 'external-open') notApplicable.push('SES-6.notice', 'SES-6.public-information');
  else {
    const latest = isoDate(addMonths(onDate, -p.openSessionNoticeMonths));
    judge(
      'SES-6',
      'SES-6.notice',
      session.plannedOn <= latest,
      session.plannedOn,
      latest,
      () => `Planifiée le ${session.plannedOn}, au plus tard le ${latest}.`,
    );
    const info = session.publicInformation;
    const missing = [
      ...(empty(info?.equipment) ? ['matériel informatique'] : []),
      ...(empty(info?.registrationTerms) ? ["modalités d'inscription"] : []),
      ...(empty(info?.contact) ? ['contact'] : []),
    ];
    judge(
      'SES-6',
      'SES-6.public-information',
      missing.length === 0,
      missing,
      true,
      () => `Informations manquantes : ${missing.join(', ')}.`,
    );
  }

  // SES-7
  if (school || session.minimumCandidates === null)
    notApplicable.push('SES-7.minimum-threshold', 'SES-7.confirmation-notice', 'SES-7.confirmation-due');
  else {
    const min = session.minimumCandidates;
    judge(
      'SES-7',
      'SES-7.minimum-threshold',
      min <= p.maxMinimumCandidates,
      min,
      p.maxMinimumCandidates,
      () => `Seuil minimal de ${min} : au plus ${p.maxMinimumCandidates}.`,
    );
    const deadline = isoDate(addDays(onDate, -p.confirmationDaysBefore));
    if (session.confirmation !== null) {
      const on = session.confirmation.notifiedOn;
      judge(
        'SES-7',
        'SES-7.confirmation-notice',
        on <= deadline,
        on,
        deadline,
        () => `Confirmation envoyée le ${on}, au plus tard le ${deadline}.`,
      );
      notApplicable.push('SES-7.confirmation-due');
    } else {
      notApplicable.push('SES-7.confirmation-notice');
      judge(
        'SES-7',
        'SES-7.confirmation-due',
        context.today <= deadline,
        context.today,
        deadline,
        () => `Confirmation non envoyée, due au plus tard le ${deadline}.`,
      );
    }
  }

  // SES-8
  // SES-8: judged on the candidates whose count is declared (DATA-1: optional in a report).
  const declared = candidates.flatMap((c) => (c.certifiableCompetences === null ? [] : [c.certifiableCompetences]));
  if (declared.length === 0) notApplicable.push('SES-8.certifiable');
  else {
    const least = Math.min(...declared);
    judge(
      'SES-8',
      'SES-8.certifiable',
      least >= p.minCertifiableCompetences,
      least,
      p.minCertifiableCompetences,
      () => `Niveau 1 dans ${least} compétence(s) seulement.`,
    );
  }
  const gaps = candidates
    .filter((c) => c.previousSessionDate !== null)
    .map((c) => daysBetween(parseIsoDate(c.previousSessionDate!), onDate));
  if (gaps.length === 0) notApplicable.push('SES-8.days-between-sessions');
  else {
    const shortest = Math.min(...gaps);
    judge(
      'SES-8',
      'SES-8.days-between-sessions',
      shortest >= p.minDaysBetweenSessions,
      shortest,
      p.minDaysBetweenSessions,
      () => `Session précédente ${shortest} jour(s) avant.`,
    );
  }

  // SES-9: the blocker fed by the caller fails the check of the rule it names.
  const blockerRule = context.sessionBlocker === null ? null : context.sessionBlocker.ruleId;
  for (const [ruleId, check, message] of KNOWN_BLOCKERS) {
    judge(ruleId, check, blockerRule !== ruleId, blockerRule, ruleId, () => `${message} Motif : ${context.sessionBlocker?.reason}`);
  }
  judge(
    'SES-9',
    'SES-9.other-blocker',
    ALLOWED_BLOCKER_IDS.includes(blockerRule),
    blockerRule,
    ALLOWED_BLOCKER_IDS,
    () => `Aucune session (${blockerRule}).`,
  );

  // SCO-1
  if (!school) notApplicable.push('SCO-1.own-pupils');
  else
    judge(
      'SCO-1',
      'SCO-1.own-pupils',
      session.public === 'internal-initial',
      session.public,
      'internal-initial',
      () => `Public « ${session.public} » non admis.`,
    );

  // PRI-2, PRI-3
  if (school) notApplicable.push('PRI-2.agreed-price', 'PRI-2.agreed-price-covers-pix-share', 'PRI-3.free-of-charge-reason');
  else {
    const noPrice = candidates
      .filter((c) => c.billing.mode === 'funded-cohort' && !(typeof c.billing.agreedPriceEur === 'number' && c.billing.agreedPriceEur >= 0))
      .map((c) => c.localId);
    judge('PRI-2', 'PRI-2.agreed-price', noPrice.length === 0, noPrice, true, () => `Sans prix convenu : ${noPrice.join(', ')}.`);
    const share = pixShareOf('funded-cohort', session.centreKind, session.date, PRICE_TABLES);
    const below = candidates
      .filter(
        (c) =>
          c.billing.mode === 'funded-cohort' &&
          typeof c.billing.agreedPriceEur === 'number' &&
          c.billing.agreedPriceEur >= 0 &&
          share !== null &&
          c.billing.agreedPriceEur < share,
      )
      .map((c) => c.localId);
    judge(
      'PRI-2',
      'PRI-2.agreed-price-covers-pix-share',
      below.length === 0,
      below,
      true,
      () => `Prix convenu inférieur à la part Pix : ${below.join(', ')}.`,
    );
    const unjustified = candidates
      .filter((c) => {
        if (c.billing.mode !== 'free-of-charge') return false;
        if (!session.centrePublicEstablishment) return true;
        const reason = c.billing.reason;
        if (reason === 'higher-education-initial-training') return !ownInitialTraining;
        if (reason === 'cnam-free-auditor') return !(session.centreHigherEducation && session.public === 'internal-continuing');
        if (reason === 'public-establishment-staff') return !(c.staffOfCentre && session.centreEducationMinistriesPublic);
        return true;
      })
      .map((c) => c.localId);
    judge(
      'PRI-3',
      'PRI-3.free-of-charge-reason',
      unjustified.length === 0,
      unjustified,
      true,
      () => `Gratuité sans motif : ${unjustified.join(', ')}.`,
    );
  }
  if (!(ownInitialTraining && session.centrePublicEstablishment)) notApplicable.push('PRI-3.own-students-free');
  else {
    const charged = candidates.filter((c) => c.billing.mode !== 'free-of-charge').map((c) => c.localId);
    judge('PRI-3', 'PRI-3.own-students-free', charged.length === 0, charged, true, () => `Étudiants facturés : ${charged.join(', ')}.`);
  }

  const evaluation: HandEvaluation = { passed: failures.length === 0, failures, notApplicable };
  if (includePassing) evaluation.passes = passes;
  return evaluation;
}
