import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateSession,
  evaluateSessionWithEngine,
  lazySessionFacts,
  ruleSetFor,
  sessionFacts,
  type SessionEvaluation,
} from '../../../../src/sessions/rules';
import {
  CENTRE_KINDS,
  SESSION_PUBLICS,
  type CandidateBilling,
  type Session,
  type SessionCandidate,
  type SessionContext,
} from '../../../../src/sessions/domain/session';
import { isoOfDay } from '../../../../src/shared/domain/calendar-days';
import { evaluateStepwise, type Evaluation, type Facts } from '../../../../src/shared/rules/rule-engine';

/**
 * Issue 15: the session rules run as compiled checks (one generated function per rule file); json-rules-
 * engine's Engine.run on the same rule file stays the reference. On generated sessions around every
 * threshold (SES-1..9, SCO-1, PRI-2..3, AGR-6 dates), both give the same verdicts: the same failing,
 * passing and non-applicable checks, with the same actual and expected values and French messages.
 * Seeded: a failure names its counterexample and reproduces.
 */
const SEED = 20200101;
const DAY_2020 = 18_262; // 2020-01-01
const dayArb = fc.integer({ min: DAY_2020, max: DAY_2020 + 9 * 365 });
const blankOr = (value: string) => fc.constantFrom(value, value, value, '', ' ');
const idsArb = (ids: string[]) => (ids.length === 0 ? fc.constant([]) : fc.subarray([...ids, 'elsewhere'], { maxLength: 2 }));

const billingArb: fc.Arbitrary<CandidateBilling> = fc.oneof(
  fc.constant({ mode: 'free-candidate' as const }),
  fc.record({ mode: fc.constant('funded-cohort' as const), agreedPriceEur: fc.constantFrom(null, -1, 0, 8.5, 9, 10, 35) }),
  fc.record({
    mode: fc.constant('free-of-charge' as const),
    reason: fc.constantFrom(null, 'higher-education-initial-training', 'cnam-free-auditor', 'public-establishment-staff' as const),
  }),
);

const candidateArb = (day: number, index: number): fc.Arbitrary<SessionCandidate> =>
  fc.record({
    localId: fc.constant(`c${index}`),
    lastName: fc.constantFrom('Martin', 'Durand'),
    firstName: fc.constantFrom('Léa', 'Hugo'),
    birthDate: fc.constant('2001-05-04'),
    extraTimePercent: fc.constantFrom(0, 0, 0, 25, 33, 50),
    staffOfCentre: fc.boolean(),
    billing: billingArb,
    certifiableCompetences: fc.constantFrom(null, 3, 4, 5, 16),
    previousSessionDate: fc.option(
      fc.integer({ min: 1, max: 30 }).map((back) => isoOfDay(day - back)),
      { freq: 3 },
    ),
  });

const sessionArb: fc.Arbitrary<{ session: Session; context: SessionContext }> = fc
  .record({ day: dayArb, count: fc.integer({ min: 0, max: 45 }) })
  .chain(({ day, count }) => {
    const date = isoOfDay(day);
    const ids = Array.from({ length: count }, (_, i) => `c${i}`);
    const invigilatorArb = fc.record({
      lastName: blankOr('Petit'),
      firstName: blankOr('Nina'),
      referent: fc.boolean(),
      trainedCandidateIds: idsArb(ids),
      relativeCandidateIds: idsArb(ids),
      subordinateCandidateIds: idsArb(ids),
    });
    return fc.record({
      session: fc.record({
        id: fc.constant(`session-${day}-${count}`),
        centreId: fc.constant('centre-1'),
        centreKind: fc.constantFrom(...CENTRE_KINDS),
        centrePublicEstablishment: fc.boolean(),
        centreHigherEducation: fc.boolean(),
        centreEducationMinistriesPublic: fc.boolean(),
        date: fc.constant(date),
        startTime: fc.constantFrom('08:30', '09:00', '14:00', '02:30'),
        endTime: fc.constantFrom('10:15', '10:30', '11:00', '16:00', '16:45', '04:30'),
        timeZone: fc.constantFrom('Europe/Paris', 'Indian/Reunion', 'America/Miquelon', 'Pacific/Noumea'),
        address: blankOr('1 rue de la République'),
        room: blankOr('Salle 4'),
        thirdPartyVenue: fc.boolean(),
        thirdPartyVenueDetails: fc.constantFrom(null, '', 'Médiathèque'),
        invigilators: fc.array(invigilatorArb, { maxLength: 3 }),
        public: fc.constantFrom(...SESSION_PUBLICS),
        plannedOn: fc.integer({ min: 0, max: 60 }).map((back) => isoOfDay(day - back)),
        publicInformation: fc.option(
          fc.record({
            equipment: fc.constantFrom(null, '', 'Windows 11'),
            registrationTerms: fc.constantFrom(null, 'En ligne'),
            contact: fc.constantFrom(null, ' ', 'certif@centre.fr'),
          }),
        ),
        minimumCandidates: fc.option(fc.integer({ min: 1, max: 9 })),
        confirmation: fc.option(
          fc.record({
            decision: fc.constantFrom('confirmed' as const, 'cancelled' as const),
            notifiedOn: fc.integer({ min: 0, max: 10 }).map((back) => isoOfDay(day - back)),
          }),
        ),
        spareComputers: fc.integer({ min: 0, max: 3 }),
        candidates: fc.tuple(...ids.map((_, i) => candidateArb(day, i))),
        finalisation: fc.constant(null),
      }),
      context: fc.record({
        sessionBlocker: fc.option(
          fc.record({
            ruleId: fc.constantFrom('REF-2', 'SUS-2', 'AGR-4', 'TER-5', 'SUS-6'),
            reason: fc.constant('Motif communiqué par Pix'),
          }),
          { freq: 4 },
        ),
        today: fc.integer({ min: -10, max: 10 }).map((back) => isoOfDay(day - back)),
      }),
    });
  });

/** The evaluation as its JSON (passing verdicts format their message when serialised). */
const json = (evaluation: SessionEvaluation | Evaluation): unknown => JSON.parse(JSON.stringify(evaluation));

describe('session rules: compiled checks and json-rules-engine agree (issue 15)', () => {
  it('SES-1..9, SCO-1, PRI-2..3: the same verdicts, values and messages as Engine.run, passing checks included', async () => {
    const checks = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(sessionArb, fc.boolean(), async ({ session, context }, includePassing) => {
        const compiled = evaluateSession(session, context, { includePassing });
        const reference = await evaluateSessionWithEngine(session, context, { includePassing });
        expect(json(compiled)).toEqual(json(reference));
        for (const failure of compiled.failures) checks.set(failure.check, (checks.get(failure.check) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 400 },
    );
    // The sessions do reach the checks: most of them fail at least once.
    expect(checks.size).toBeGreaterThanOrEqual(20);
  });

  it('where code generation is refused, the checks run one by one with the same verdicts', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ({ session, context }) => {
        const set = ruleSetFor(session.date);
        const facts = sessionFacts(session, context, set.parameters) as unknown as Facts;
        const stepwise = evaluateStepwise(set.rules, facts, { includePassing: true });
        const compiled = evaluateSession(session, context, { includePassing: true });
        const { sessionId: _id, ruleSetId: _set, effectiveFrom: _from, ...withoutSession } = compiled;
        // SES-9's reason is added to the message by evaluateSession: compare the verdicts' values.
        const values = (e: { failures: Array<{ check: string; actual: unknown; expected: unknown }>; passes?: typeof e.failures }) => ({
          failures: e.failures.map(({ check, actual, expected }) => ({ check, actual, expected })),
          passes: e.passes?.map(({ check, actual, expected }) => ({ check, actual, expected })),
        });
        expect(values(stepwise)).toEqual(values(withoutSession));
        expect(stepwise.notApplicable).toEqual(compiled.notApplicable);
        // The facts evaluateSession computes on first read are those sessionFacts computes up front, read in any order.
        const lazy = lazySessionFacts(session, context, set.parameters) as unknown as Facts;
        expect(json(evaluateStepwise(set.rules, lazy, { includePassing: true }))).toEqual(json(stepwise));
        const lazyToo = lazySessionFacts(session, context, set.parameters) as unknown as Facts;
        for (const name of Object.keys(facts).reverse()) expect(lazyToo[name]).toEqual(facts[name]);
      }),
      { seed: SEED + 1, numRuns: 150 },
    );
  });
});
