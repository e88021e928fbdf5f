import { ROLES } from '../../access/domain/roles';
import type { ReviewDue } from '../../access/domain/review';
import { TOKEN_SCOPES, type TokenFlag, type TokenStatus, type UserFlag } from '../../access/domain/tokens';
import { REMEDY_KINDS, type RemedyState } from '../../sessions/domain/remedy';
import { AGREMENT_STATES } from '../../agrement/domain/model';
import { STATEMENT_STATES } from '../../billing/domain/statement';
import { component, type Schema, s } from './responses';

/** Every value of a string union, checked by the compiler both ways (none missing, none unknown). */
const valuesOf = <T extends string>(all: Record<T, true>) => Object.keys(all) as T[];
/** An object or null: its properties as s.obj (all required unless listed in `optional`). */
const nullableObj = (properties: Record<string, Schema>, optional: string[] = []) => ({
  ...s.obj(properties, optional),
  type: ['object', 'null'],
});
/** A map of counts by name (e.g. by state). */
const counts = (description: string) => ({ type: 'object', additionalProperties: s.integer, description });
/** rules/rule-engine.ts Verdict: one check judged, with the value seen and the value required. */
// `actual` is absent when the fact is (JSON drops undefined).
const verdict = s.obj({ ruleId: s.string, check: s.string, clause: s.string, message: s.string, actual: {}, expected: {} }, [
  'actual',
  'expected',
]);
/** rules/rule-engine.ts Evaluation: a rule set's judgement of some facts. */
const evaluation = s.obj(
  {
    ruleSet: s.string,
    version: s.string,
    passed: s.boolean,
    failures: s.arrayOf(verdict),
    passes: s.arrayOf(verdict),
    notApplicable: s.strings,
  },
  ['passes', 'notApplicable'],
);
const agrementState = { type: 'string', enum: [...AGREMENT_STATES] };

/**
 * Issue 12: the success schemas of the API's answers, one per view a use case returns (read the use case named
 * beside each). Required fields are those the use case always sets; nested structures kept as the domain stores
 * them (an agrément's snapshot, an application's evaluation) are documented as objects. The contract test
 * (test/acceptance/openapi-contract.test.ts) checks real answers of every operation against them.
 */

/** usecases/timeline.ts timelineView: one entry of the event log. */
const timelineEntry = s.obj({
  at: s.dateTime,
  type: s.string,
  from: s.nullableString,
  to: s.nullableString,
  ruleIds: s.strings,
  actor: s.nullableString,
  reason: s.nullableString,
  data: {},
});
const timeline = s.arrayOf(timelineEntry, 'The event log, oldest first: what happened, when, by whom, why, under which rules');

/** usecases/applications/read-applications.ts getApplication */
export const applicationView = component(
  'Application',
  s.obj({
    id: s.uuid,
    workflowId: s.string,
    kind: s.string,
    state: s.string,
    receivedAt: s.dateTime,
    organisation: s.obj({
      id: s.uuid,
      name: s.string,
      category: s.string,
      uai: s.nullableString,
      department: s.nullableString,
      foreign: s.boolean,
      email: s.string,
    }),
    members: s.arrayOf(
      s.obj({ id: s.uuid, name: s.string, category: s.string, uai: s.nullableString, department: s.nullableString, email: s.string }),
    ),
    data: s.object('The application as submitted (POST /applications body)'),
    pieces: s.arrayOf(s.object('A piece of the dossier (DOC-1..4)')),
    procedure: s.nullableObject('APP-2..7: the APP-7 clock, deadlines and decisions'),
    evaluation: {
      ...nullableObj({ evaluatedOn: s.date, eligibility: evaluation, dossier: evaluation }),
      description:
        'ELIG-1..5 and DOC-1..4 as last judged on the whole dossier (activities/application.activities.ts); null before the first evaluation',
    },
    timeline,
  }),
);

/** usecases/applications/read-applications.ts listApplicationsView */
export const applicationList = s.page(
  s.obj({
    id: s.uuid,
    kind: s.string,
    state: s.string,
    organisationName: s.string,
    receivedAt: s.dateTime,
    procedureDeadline: s.nullableDateTime,
    overdueFlaggedAt: s.nullableDateTime,
    netElapsedMs: { ...s.nullableInteger, description: "APP-7: time Pix has held the file, net of the applicant's waits (ms)" },
  }),
);

/** usecases/agrements/ledger-view.ts LedgerView */
const ledgerEntry = s.obj({
  key: s.string,
  name: s.string,
  ruleId: s.string,
  on: s.date,
  boundary: { type: 'string', enum: ['by', 'on'] },
  outcome: s.string,
  outcomeOn: s.nullableString,
  outcomeBy: s.nullableString,
  supersededByOn: s.nullableString,
  setOn: s.string,
  setBy: s.string,
});

/** domain/agrement/model.ts Referent (REF-1..4) */
const referent = s.obj(
  {
    name: s.string,
    email: s.string,
    trained: s.boolean,
    recognisedQualifications: s.boolean,
    appointedOn: s.date,
    badgeObtainedOn: s.nullableDate,
    contributions: counts('REF-4: days contributed, by agrément year'),
    badgeTag: s.string,
  },
  ['badgeTag'],
);
const networkMember = s.obj({
  organisationId: s.uuid,
  name: s.string,
  category: s.string,
  department: s.nullableString,
  joinedOn: s.nullableDate,
});
const tag = { tag: s.string };
/**
 * domain/agrement/model.ts Agrement: the agrément as its workflow holds it. The fields marked optional are
 * absent from agréments whose workflow still runs the v1 model (domain/agrement/legacy/agrement-v1.ts).
 */
const agrementSnapshot = {
  ...s.obj(
    {
      model: { type: 'integer', const: 2 },
      agrementId: s.uuid,
      organisationId: s.uuid,
      organisationName: s.string,
      email: s.string,
      kind: { type: 'string', enum: ['centre', 'network'] },
      foreign: s.boolean,
      timeZone: s.text('IANA zone of the centre’s seat: every date of the agrément is a date there'),
      state: agrementState,
      startOn: s.date,
      termOn: s.date,
      initialYears: s.integer,
      firstGrantOn: s.date,
      renewal: s.obj({ requestedOn: s.nullableDate, acceptedOn: s.nullableDate, years: s.nullableInteger }),
      referent,
      otherReferents: s.arrayOf(referent, 'REF-1: a network’s other référents'),
      referentCount: s.integer,
      referentChange: nullableObj(
        {
          notifiedOn: s.date,
          effectiveOn: s.date,
          name: s.string,
          email: s.string,
          cv: s.string,
          recognisedQualifications: s.boolean,
          replacesEmail: s.string,
        },
        ['replacesEmail'],
      ),
      network: nullableObj({
        type: { type: ['string', 'null'], enum: ['A', 'B', null] },
        departmentsCommitted: s.strings,
        members: s.arrayOf(networkMember),
        departmentsCovered: s.strings,
        formerMembers: s.arrayOf({
          ...networkMember,
          required: [...networkMember.required, 'leftOn'],
          properties: { ...networkMember.properties, leftOn: s.date },
        }),
      }),
      quota: s.obj({ candidates: s.integer, sessionIds: s.strings }),
      suspension: nullableObj({ since: s.date, reason: s.string }),
      breach: nullableObj({ letterSentOn: s.date, cureDueOn: s.date, suspendedDaysDeducted: s.integer, reason: s.string, ...tag }, ['tag']),
      visit: nullableObj({ demandedOn: s.date, answerDueOn: s.date, ...tag }, ['tag']),
      labourDocuments: nullableObj({ requestedOn: s.date, dueOn: s.date, ...tag }, ['tag']),
      cahierChange: nullableObj({ notifiedOn: s.date, applyBy: s.date, effectiveOn: s.date, summary: s.string, ...tag }, ['tag']),
      forceMajeure: nullableObj({ since: s.date }),
      forceMajeurePeriods: s.arrayOf(s.obj({ since: s.date, endedOn: s.nullableDate })),
      termination: nullableObj({ cause: s.string, ruleId: s.string, noticeOn: s.date, effectiveOn: s.date }),
      proposals: s.arrayOf(
        s.obj(
          {
            id: s.string,
            kind: { type: 'string', enum: ['termination', 'breach-notice', 'suspension'] },
            cause: s.string,
            ruleId: s.string,
            proposedOn: s.date,
            reasonFr: s.string,
            ruleIds: s.strings,
            visitId: s.uuid,
          },
          ['ruleIds', 'visitId'],
        ),
      ),
      end: nullableObj({ on: s.date, ruleId: s.string, cause: s.string, confidentialityUntil: s.date }),
      handled: s.strings,
      ledger: s.arrayOf(
        { ...ledgerEntry, required: ledgerEntry.required.filter((k) => k !== 'supersededByOn') },
        'Every deadline the engine set, with its outcome',
      ),
      version: s.integer,
    },
    ['model', 'timeZone', 'otherReferents', 'referentCount', 'referentChange', 'network', 'forceMajeurePeriods', 'ledger'],
  ),
  description: 'The agrément as its workflow holds it (src/agrement/domain/model.ts)',
};
/** workflows/agrement/definitions.ts DatedDeadline: a deadline the workflow's timers hold. */
const datedDeadline = s.obj(
  {
    key: s.string,
    name: s.string,
    ruleId: s.string,
    on: s.date,
    boundary: { type: 'string', enum: ['by', 'on'] },
    at: s.dateTime,
    referentEmail: s.string,
  },
  ['referentEmail'],
);

/** usecases/agrements/agrements.ts getAgrement */
export const agrementView = component(
  'Agrement',
  s.obj({
    id: s.uuid,
    workflowId: s.string,
    organisation: s.obj({ id: s.uuid, name: s.string, email: s.string, department: s.nullableString }),
    kind: s.string,
    state: agrementState,
    startOn: s.nullableString,
    termOn: s.nullableString,
    firstGrantOn: s.nullableString,
    candidates: s.integer,
    agrement: agrementSnapshot,
    sessionBlocker: {
      ...nullableObj({ ruleId: s.string, reason: s.string }),
      description: 'SES-9: the rule blocking sessions now, if any',
    },
    deadlines: s.arrayOf(datedDeadline, 'Pending deadlines, soonest first'),
    ledger: s.arrayOf(ledgerEntry, 'Every deadline once, with its outcome (issue 10 §3)'),
    timeline,
  }),
);

/** usecases/agrements/agrements.ts listAgrementsView */
export const agrementList = s.page(
  s.obj({
    id: s.uuid,
    organisationId: s.uuid,
    organisationName: s.string,
    kind: s.string,
    state: s.string,
    termOn: s.nullableString,
    candidates: s.integer,
    nextDeadline: { ...datedDeadline, type: ['object', 'null'] },
  }),
);

/** agrement/usecases/portfolio.ts searchCentres (GET /centres, issue 14): flat, one CSV column per field. */
export const centreSearch = s.page({
  ...s.obj({
    organisationId: s.uuid,
    name: s.string,
    uai: { type: ['string', 'null'], description: 'DOC-1' },
    department: s.nullableString,
    region: { type: ['string', 'null'], description: 'INSEE region code of the department (GET /dashboard/regions)' },
    regionName: s.nullableString,
    kind: { type: 'string', enum: ['centre', 'network'] },
    networkId: { type: ['string', 'null'], description: "A member centre's network (its coordinating organisation)" },
    networkName: s.nullableString,
    agrementId: s.uuid,
    agrementHeldBy: {
      type: 'string',
      enum: ['self', 'network'],
      description: "The organisation's own agrément, or its network's (a member centre holds none: ELIG-4, QUO-1)",
    },
    state: agrementState,
    termOn: s.date,
    nextDeadline: { type: ['string', 'null'], description: "The agrément's next pending deadline, e.g. renewal-request-due" },
    nextDeadlineRuleId: s.nullableString,
    nextDeadlineOn: s.nullableDate,
    candidates: { type: ['integer', 'null'], description: 'QUO-3: candidates counted under its own agrément (null for a member centre)' },
    quotaTarget: { type: ['integer', 'null'], description: 'QUO-1: the 3-year target of its own agrément (null for a member centre)' },
  }),
  description: 'A centre or network and the agrément that covers it',
});

/** agrement/usecases/portfolio.ts pendingProposals (GET /proposals, issue 14): BRE-4's queue. */
export const proposalQueue = s.page({
  ...s.obj({
    proposalId: { type: 'string', description: 'What confirm-proposal / decline-proposal name' },
    agrementId: s.uuid,
    agrementState: agrementState,
    agrementKind: { type: 'string', enum: ['centre', 'network'] },
    organisationId: s.uuid,
    organisationName: s.string,
    department: s.nullableString,
    region: { type: ['string', 'null'], description: 'INSEE region code of the department' },
    kind: { type: 'string', enum: ['termination', 'breach-notice', 'suspension'] },
    cause: s.string,
    ruleId: s.string,
    ruleIds: {
      type: 'array',
      items: { type: 'string' },
      description: "Every rule it rests on (a control visit's: VIS-4 and BRE-1 or SUS-1); space-separated in CSV",
    },
    reason: s.text("The grounds the legal team reads (French): the engine's, or the inspector's findings (VIS-4)"),
    proposedOn: s.date,
    visitId: { type: ['string', 'null'], description: 'VIS-4: the control visit whose findings led to it' },
  }),
  description: 'A proposal waiting for the legal team (BRE-4)',
});

/** checkSessionAllowed */
export const sessionAllowed = s.obj({ allowed: { type: 'boolean', const: true } });

/** simulation/simulate.ts TimelineEntry: a what-if's dated timeline. */
export const simulatedTimeline = s.arrayOf(
  s.obj(
    {
      on: s.date,
      at: s.dateTime,
      kind: { type: 'string', enum: ['state', 'deadline', 'proposal', 'email'] },
      name: s.string,
      rule: s.string,
      to: { type: 'string', enum: ['centre', 'operations', 'legal'] },
      outcome: s.string,
      outcomeOn: s.nullableString,
      outcomeBy: s.nullableString,
      supersededByOn: s.string,
    },
    ['to', 'outcome', 'outcomeOn', 'outcomeBy', 'supersededByOn'],
  ),
);

/** usecases/agrements/affected-sessions.ts listAffectedSessions */
export const affectedSessions = {
  ...s.obj({
    agrementId: s.uuid,
    organisationId: s.uuid,
    kind: s.string,
    state: agrementState,
    asOf: s.dateTime,
    today: s.date,
    plannedSessions: s.integer,
    blocked: s.integer,
    atRisk: s.integer,
    sessions: s.arrayOf(
      s.obj({
        sessionId: s.string,
        organisationId: s.uuid,
        organisationName: s.string,
        date: s.date,
        startTime: s.string,
        endTime: s.string,
        timeZone: s.string,
        address: s.string,
        room: s.string,
        status: { type: 'string', enum: ['blocked', 'at-risk'] },
        ruleId: s.string,
        ruleIds: s.strings,
        from: s.date,
        reason: s.string,
      }),
    ),
  }),
  description: 'The planned sessions blocked or at risk, each with its rule and the day from which it applies',
};

/** usecases/attention/attention.ts AttentionItem */
export const attentionItem = component(
  'AttentionItem',
  s.obj({
    id: s.uuid,
    kind: s.string,
    workflowId: s.nullableString,
    workflowType: s.nullableString,
    runId: s.nullableString,
    activityType: s.nullableString,
    errorType: s.string,
    errorMessage: s.string,
    action: s.string,
    details: {},
    attempts: s.nullableInteger,
    occurrences: s.integer,
    firstSeenAt: s.dateTime,
    lastSeenAt: s.dateTime,
    resolvedAt: s.nullableDateTime,
    resolvedBy: s.nullableString,
    resolution: s.nullableString,
  }),
);
export const attentionList = s.page(attentionItem);

/** infra/database/event-log.ts ChainVerification */
export const chainVerification = s.obj(
  {
    valid: s.boolean,
    checked: { ...s.integer, description: 'Entries whose link was checked' },
    checkpoints: s.obj({ checked: s.integer, latestAt: s.nullableDateTime, sink: s.nullableString }),
    brokenAt: s.obj(
      {
        reason: {
          type: 'string',
          enum: [
            'prev-hash',
            'hash',
            'unknown-key',
            'unkeyed-entry',
            'checkpoint-unreadable',
            'checkpoint-signature',
            'checkpoint-unknown-key',
            'checkpoint-head-missing',
            'checkpoint-head-hash',
            'checkpoint-count',
          ],
        },
        id: s.text('The entry where the chain breaks (its sequence; for a checkpoint: its head)'),
        checkpoint: s.text('The checkpoint file concerned'),
        detail: s.text('In French, for the person who reads the verification'),
      },
      ['id', 'checkpoint'],
    ),
  },
  ['brokenAt'],
);

/** audit/usecases/journal.ts JournalPage (issue 14): the audit log filtered and paged, newest first. */
export const journalPage = s.page(
  s.obj({
    sequence: s.text('The entry’s position in the chain (its id; entries chain in this order)'),
    occurredAt: s.dateTime,
    recordedAt: s.dateTime,
    actor: s.obj({
      label: s.text('As the log stores it: "<name> (<role>)" for a person, else a system’s name'),
      userId: { type: ['string', 'null'], format: 'uuid', description: 'The user with this name and role, when exactly one has them' },
      name: s.string,
      role: { type: ['string', 'null'], enum: [...ROLES, null], description: 'null: a system (the engine, Pix Certif…)' },
    }),
    type: s.string,
    subject: s.obj({ type: s.text('The stream: agrement, application, session, statement, access…'), id: s.uuid }),
    ruleIds: s.strings,
    from: s.nullableString,
    to: s.nullableString,
    reason: s.nullableString,
    data: s.object('What the entry records, as the log stores it'),
    chain: s.obj({
      prevHash: s.string,
      hash: s.string,
      keyId: { type: ['string', 'null'], description: 'The key of the HMAC link; null: a legacy SHA-256 link (issue 12)' },
    }),
  }),
);

/** api/me.controller.ts */
export const me = s.obj({ name: s.string, role: s.string, organisationId: s.nullableString, actions: s.strings });

/** api/health.controller.ts */
const check = s.obj({ status: { type: 'string', enum: ['up', 'down'] }, error: s.string }, ['error']);
export const live = s.obj({ status: { type: 'string', const: 'ok' } });
export const ready = s.obj(
  { status: { type: 'string', enum: ['ok', 'unavailable'] }, down: s.strings, checks: s.obj({ database: check, temporal: check }) },
  ['down'],
);

/** usecases/visits/inspectors.ts InspectorView */
export const inspectorView = component(
  'Inspector',
  s.obj({
    id: s.uuid,
    kind: s.string,
    name: s.string,
    email: s.string,
    organisation: { type: ['object', 'null'], required: ['id', 'name'], properties: { id: s.uuid, name: s.string } },
    networkId: s.nullableString,
    departments: s.strings,
    capacity: s.integer,
    availableFrom: s.date,
    availableTo: s.nullableDate,
    unavailable: s.arrayOf(s.object()),
    active: s.boolean,
    deactivatedAt: s.nullableDateTime,
    deactivationReason: s.nullableString,
    createdAt: s.dateTime,
    plannedVisits: s.arrayOf(s.object()),
    visitsDone: s.integer,
  }),
);
export const inspectorList = s.obj({ items: s.arrayOf(inspectorView) });

/** usecases/visits/visits.ts CentreRisk */
const riskFacts = s.obj({
  lateFinalisations: s.integer,
  incidents: s.integer,
  remediesLate: s.integer,
  fraudReports: s.integer,
  complaints: s.integer,
  monthsSinceFirstGrant: s.integer,
  pastSuspensions: s.integer,
  pastBreaches: s.integer,
  everVisited: s.boolean,
  monthsWithoutVisit: s.integer,
  candidates: s.integer,
});
/** VIS-1: one contributing factor of a risk score */
const riskFactor = s.obj(
  { check: s.string, ruleId: s.string, clause: s.string, points: s.number, actual: {}, expected: {}, message: s.string },
  ['actual', 'expected'],
);
export const centreRisk = {
  ...s.obj({
    organisationId: s.uuid,
    organisationName: s.string,
    agrementId: s.uuid,
    asOf: s.date,
    facts: { ...riskFacts, description: 'VIS-1: what the score reads (rules/visits RiskFacts)' },
    ruleSet: s.string,
    version: s.string,
    score: s.number,
    factors: s.arrayOf(riskFactor, 'Every contributing factor, highest points first'),
    notContributing: s.arrayOf(s.obj({ check: s.string, ruleId: s.string, actual: {}, expected: {} }, ['actual', 'expected'])),
  }),
  description: 'VIS-1 risk score with every contributing factor',
};
/** PlanResult */
export const visitPlan = s.obj({
  visits: s.arrayOf(s.object()),
  alreadyPlanned: s.arrayOf(s.object()),
  emails: s.obj({ queued: s.integer, alreadyQueued: s.integer, failed: s.arrayOf(s.object()) }),
});
/** list-visits.ts VisitView */
export const visitView = s.obj(
  {
    id: s.uuid,
    organisationId: s.uuid,
    organisationName: s.string,
    department: s.nullableString,
    agrementId: s.nullableString,
    applicationId: s.nullableString,
    inspector: s.obj({ id: s.uuid, name: s.string, kind: s.string }),
    kind: s.string,
    plannedOn: s.date,
    letterSentBy: s.nullableDate,
    sessionId: s.nullableString,
    costEur: s.number,
    status: s.string,
    findings: s.nullableObject('VIS-4: the findings recorded (checklist, assessment, proposals)'),
  },
  [],
);
/** listVisits */
export const visitList = s.obj({ from: s.date, to: s.date, visits: s.arrayOf(visitView) });
/** risk-ranking.ts: VIS-1, riskiest first */
export const riskRanking = s.obj({
  asOf: s.date,
  total: s.integer,
  limit: s.integer,
  offset: s.integer,
  items: s.arrayOf(
    s.obj({
      rank: s.integer,
      organisationId: s.uuid,
      organisationName: s.string,
      department: s.nullableString,
      agrementId: s.uuid,
      score: s.number,
      factors: s.arrayOf(riskFactor, 'Every contributing factor, highest points first'),
    }),
  ),
});
/** plan-period.ts PlanProposal */
export const visitPlanProposal = s.obj({
  from: s.date,
  to: s.date,
  today: s.date,
  announcedShare: s.number,
  capacity: s.integer,
  visits: s.arrayOf(
    s.obj(
      {
        organisationId: s.uuid,
        centreName: s.string,
        agrementId: s.nullableString,
        applicationId: s.nullableString,
        inspectorId: s.uuid,
        inspectorName: s.string,
        inspectorKind: s.string,
        kind: s.string,
        plannedOn: s.date,
        letterSentBy: s.nullableDate,
        sessionId: s.nullableString,
        riskScore: s.number,
        costEur: s.number,
        ruleIds: s.strings,
        note: s.string,
      },
      ['note'],
    ),
  ),
  unassigned: s.arrayOf(
    s.obj({ organisationId: s.uuid, centreName: s.string, riskScore: s.number, reason: s.string, ruleId: s.string, message: s.string }),
  ),
  alreadyPlanned: s.arrayOf(s.obj({ visitId: s.uuid, organisationId: s.uuid, plannedOn: s.date, kind: s.string })),
});
/** FindingsResult */
export const findingsResult = s.obj({
  visitId: s.uuid,
  status: { type: 'string', const: 'done' },
  findings: s.object(),
  emails: s.object(),
  agrementProposals: s.obj({ recorded: s.arrayOf(s.object()), failed: s.arrayOf(s.object()) }),
});

/** usecases/visits/quality-events.ts view */
export const qualityEvent = s.obj(
  { id: s.uuid, kind: s.string, occurredOn: s.date, summary: s.string, sessionId: s.nullableString, ruleId: s.string },
  ['summary', 'sessionId', 'ruleId'],
);
export const qualityEventList = s.page(qualityEvent);

/** domain/sessions/remedy.ts SessionRemedy (SES-12): the follow-up of a session's remedy. */
const remedyFields = {
  sessionId: s.string,
  centreName: s.string,
  date: s.date,
  timeZone: s.string,
  dueOn: s.date,
  dueAt: s.dateTime,
  affected: { oneOf: [s.strings, { type: 'string', const: 'all' }], description: 'The candidates concerned (local ids), or all' },
  incidents: s.strings,
  state: {
    type: 'string',
    enum: valuesOf<RemedyState>({ awaiting: true, overdue: true, remedied: true, 'remedied-late': true, unremedied: true }),
  },
  remedy: nullableObj({
    kind: { type: 'string', enum: [...REMEDY_KINDS] },
    candidateLocalIds: s.strings,
    note: s.nullableString,
    recordedAt: s.dateTime,
  }),
  version: s.integer,
};
const remedyFollowUp = s.obj(remedyFields);
const sessionPrice = s.obj({ totalEur: s.number, pixShareEur: s.number, payingCandidates: s.integer });
/** usecases/sessions/read-sessions.ts view (list) and getSession */
const sessionSummary = s.obj({
  id: s.string,
  organisationId: s.uuid,
  organisationName: s.string,
  agrementId: { type: ['string', 'null'], format: 'uuid' },
  finalisedAt: s.nullableDateTime,
  date: s.date,
  status: s.string,
  deadlineAt: s.dateTime,
  candidates: s.integer,
  /** PRI-1..5, BIL-1: € incl. VAT; what Pix is owed goes on the month's statement. */
  price: sessionPrice,
});
export const sessionList = s.page(sessionSummary);
export const sessionView = component('Session', {
  ...sessionSummary,
  required: [...sessionSummary.required, 'report', 'deadline', 'remedy', 'verdicts'],
  properties: {
    ...sessionSummary.properties,
    report: s.object('SES-1: the report as received'),
    deadline: s.nullableObject('SES-10 as the workflow holds it'),
    remedy: {
      ...remedyFollowUp,
      type: ['object', 'null'],
      description: 'SES-12: the remedy follow-up, null when no incident was attributable to the centre',
    },
    verdicts: {
      ...s.obj({
        ruleSetId: s.string,
        effectiveFrom: s.date,
        failures: s.arrayOf(verdict),
        passes: s.arrayOf(verdict),
        notApplicable: s.strings,
      }),
      type: ['object', 'null'],
      description: 'AGR-6: every rule of the set in force on its date, as last judged; null once SES-11 erased its data',
    },
  },
});
/** SessionsController.report */
export const sessionReported = s.obj({ outcome: { type: 'string', enum: ['created', 'updated', 'unchanged'] }, session: sessionView });
/** report-sessions.ts dryRunSession: allowed (price, deadline), or refused by the rules or by the agrément (SES-9). */
export const sessionDryRun = {
  description: 'The judgement of the session: blocker (SES-9), failing (and passing) rules, price, deadline',
  oneOf: [
    s.obj(
      {
        allowed: { type: 'boolean', const: true },
        ruleSetId: s.string,
        effectiveFrom: s.date,
        failures: { type: 'array', maxItems: 0 },
        passes: s.arrayOf(verdict),
        notApplicable: s.strings,
        deadlineAt: s.dateTime,
        price: sessionPrice,
      },
      ['passes', 'notApplicable'],
    ),
    s.obj(
      {
        allowed: { type: 'boolean', const: false },
        blockedBy: {
          ...nullableObj({ ruleId: s.string, message: s.string }),
          description: 'SES-9: the agrément forbids the session (null: rules failed)',
        },
        ruleSetId: s.string,
        failures: s.arrayOf(verdict),
      },
      ['ruleSetId'],
    ),
  ],
};
export const sessionRemedy = {
  ...s.obj({ ...remedyFields, centreId: s.uuid, asOf: s.dateTime }),
  description: 'SES-12: the remedy as recorded',
};

/** rules/sessions/index.ts RuleSetSummary */
export const ruleSet = component(
  'RuleSet',
  s.obj({
    id: s.string,
    ruleSet: s.string,
    version: s.string,
    effectiveFrom: s.date,
    effectiveUntil: s.nullableDate,
    source: s.string,
    ruleIds: s.strings,
    checks: s.arrayOf(s.obj({ ruleId: s.string, check: s.string, clause: s.string })),
    parameterOverrides: s.object(),
  }),
);
export const ruleSetList = s.arrayOf(ruleSet);

/** usecases/rule-sets/rule-set-versions.ts */
export const ruleSetVersion = component(
  'RuleSetVersion',
  s.obj(
    {
      id: s.uuid,
      ruleSetId: s.text('"sessions@<version>"'),
      ruleSet: s.string,
      version: s.string,
      effectiveFrom: s.date,
      substantial: { ...s.boolean, description: 'AGR-5: a substantial change (Conv art. 8.1)' },
      summary: s.text('The change, in French, as the centres read it in the notice'),
      status: { type: 'string', enum: ['draft', 'published'] },
      createdBy: s.string,
      createdAt: s.dateTime,
      updatedBy: s.string,
      updatedAt: s.dateTime,
      publishedOn: s.nullableDate,
      publishedBy: s.nullableString,
      publishedAt: s.nullableDateTime,
      rules: s.object('The rule file (absent from the list)'),
      notices: s.arrayOf(
        s.obj({ kind: s.string, status: s.string, count: s.integer }),
        'One version only: its notices to the centres, by kind and status',
      ),
    },
    ['rules', 'notices'],
  ),
);
export const ruleSetVersionList = s.arrayOf(ruleSetVersion);
export const impactReport = {
  ...s.obj({
    versionId: s.uuid,
    ruleSetId: s.string,
    status: { type: 'string', enum: ['draft', 'published'] },
    effectiveFrom: s.date,
    effectiveUntil: s.nullableDate,
    judgedOn: s.date,
    plannedSessions: s.integer,
    refusedSessions: s.integer,
    refused: s.arrayOf(
      s.obj({
        sessionId: s.string,
        organisationId: s.uuid,
        organisationName: s.string,
        date: s.date,
        ruleIds: s.strings,
        failures: s.arrayOf(
          s.obj({ ruleId: s.string, check: s.string, message: s.string, actual: {}, expected: {} }, ['actual', 'expected']),
        ),
      }),
    ),
  }),
  description: 'AGR-6: the planned sessions this version would refuse, with the failing rule IDs',
};
export const noticeReport = s.obj({
  delivered: s.integer,
  alreadyDelivered: s.integer,
  failed: s.arrayOf(s.obj({ agrementId: s.string, organisationId: s.string, error: s.string })),
});

/** usecases/sessions/campaigns.ts */
export const campaignWindow = s.obj({ schoolYear: s.string, schoolType: s.string, from: s.date, to: s.date });
export const campaignWindowList = s.arrayOf(campaignWindow);
const derogation = s.obj({
  organisationId: s.uuid,
  organisationName: s.string,
  schoolYear: s.string,
  schoolType: s.string,
  until: s.date,
  reason: s.string,
  grantedBy: s.string,
});
export const derogationView = derogation;
export const derogationList = s.arrayOf({ ...derogation, properties: { ...derogation.properties, grantedAt: s.dateTime } });

/** usecases/sessions/import/run-import.ts importView */
export const sessionImport = component(
  'SessionImport',
  s.obj({
    id: s.uuid,
    format: s.string,
    fileName: s.nullableString,
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    sessionsRead: s.integer,
    processed: s.integer,
    total: s.nullableInteger,
    percent: s.nullableInteger,
    created: s.integer,
    updated: s.integer,
    unchanged: s.integer,
    refused: s.integer,
    linesDone: s.integer,
    failure: {},
    attempts: s.integer,
    resumedAt: s.nullableDateTime,
    startedAt: s.dateTime,
    finishedAt: s.nullableDateTime,
    actor: s.string,
  }),
);
export const sessionImportList = s.page(sessionImport);
export const importErrorList = s.page({
  ...s.obj({
    line: { ...s.integer, description: 'The first line of the refused session (JSON: its item, from 1)' },
    lineTo: { ...s.integer, description: 'Its last line' },
    sessionId: s.nullableString,
    field: { type: ['string', 'null'], description: 'The field at fault (a line that cannot be read)' },
    ruleIds: { type: ['array', 'null'], items: s.string, description: 'The rules that refuse the session' },
    message: s.string,
  }),
  description: 'A refused session: its lines, field or rule IDs, and message',
});

/** usecases/billing/statements.ts */
export const statementView = component(
  'Statement',
  s.obj(
    {
      id: s.uuid,
      organisationId: s.uuid,
      organisationName: s.string,
      agrementId: { type: ['string', 'null'], format: 'uuid' },
      month: s.string,
      state: { type: 'string', enum: [...STATEMENT_STATES] },
      dueAt: s.dateTime,
      sentAt: s.nullableDateTime,
      sentLate: s.boolean,
      remindersSent: s.integer,
      totals: s.obj({
        candidates: s.integer,
        priceExclVatEur: s.number,
        priceInclVatEur: s.number,
        pixShareExclVatEur: s.number,
        pixShareInclVatEur: s.number,
      }),
      invoice: { ...s.obj({ issuedOn: s.date, amountEur: s.number, dueOn: s.date, paidOn: s.nullableDate }), type: ['object', 'null'] },
      lateInterest: {
        ...s.obj({ asOf: s.date, dueOn: s.date, daysLate: s.integer, interestEur: s.number, indemnityEur: s.number, totalEur: s.number }),
        type: ['object', 'null'],
        description: 'BIL-2: interest at the ECB rate + 10 points and the 40 € indemnity, as of payment or today',
      },
    },
    ['organisationName', 'agrementId', 'dueAt', 'sentAt', 'sentLate', 'remindersSent', 'totals', 'invoice', 'lateInterest'],
  ),
);
export const statementList = s.page(statementView);
export const insolvency = {
  ...s.obj({ organisationId: s.uuid, insolvencyProceedings: s.boolean, openedOn: s.nullableDate }),
  description: 'BIL-2: the organisation’s insolvency proceedings as recorded',
};

/** usecases/dashboard/dashboard.ts */
export const regions = s.arrayOf({
  ...s.obj({ code: s.string, name: s.string, departments: s.strings }),
  description: 'An INSEE region and its departments',
});
export const overview = {
  ...s.obj({
    agrements: s.obj({ centre: counts('Centres’ agréments by state'), network: counts('Networks’ agréments by state') }),
    applications: counts('Applications by state'),
    applicationsOverdue: s.integer,
  }),
  description: 'Counts by state (centres, networks, applications) and overdue applications',
};
/** usecases/dashboard.ts DeadlineRow: one deadline a workflow holds. */
const deadlineRow = s.obj({
  subject: { type: 'string', enum: ['agrement', 'session', 'statement'] },
  subjectId: s.string,
  agrementId: s.nullableString,
  organisationId: s.string,
  organisationName: s.string,
  department: s.nullableString,
  kind: s.nullableString,
  deadline: s.string,
  ruleId: s.string,
  on: s.string,
  at: s.string,
});
export const deadlineList = s.page(deadlineRow);
export const overdueList = s.page(
  s.obj({
    subject: { type: 'string', enum: ['agrement', 'application', 'session', 'statement'] },
    id: s.string,
    agrementId: s.nullableString,
    organisationName: s.string,
    what: s.string,
    ruleId: s.string,
    since: s.string,
  }),
);
export const quotaList = s.page(
  s.obj({
    agrementId: s.string,
    organisationName: s.string,
    kind: s.string,
    candidates: s.integer,
    target: s.integer,
    projected: s.integer,
    shortfall: s.integer,
    deadlineOn: s.string,
  }),
);
export const watchList = s.page({
  ...s.obj({
    agrementId: s.uuid,
    organisationName: s.string,
    department: s.nullableString,
    kind: s.string,
    state: { type: 'string', enum: ['suspended', 'under-notice', 'terminating'] },
    suspension: { ...nullableObj({ since: s.date, reason: s.string }), description: 'SUS-1' },
    breach: { ...nullableObj({ letterSentOn: s.date, cureDueOn: s.date, reason: s.string }), description: 'BRE-1' },
    termination: {
      ...nullableObj({ cause: s.string, ruleId: s.string, noticeOn: s.date, effectiveOn: s.date }),
      description: 'TER-1, QUO-2, AGR-5',
    },
  }),
  description: 'A centre suspended, under notice or terminating',
});
export const dashboardAttention = s.page({ ...attentionItem, description: 'An attention item (details as JSON text in this view)' });
/** usecases/centre-timeline.ts: the centre, its past events (every stream that concerns it) and every deadline ahead. */
export const centreTimeline = s.obj({
  organisation: s.obj({ id: s.uuid, name: s.string, department: s.nullableString }),
  past: s.page({
    ...timelineEntry,
    required: [...timelineEntry.required, 'stream'],
    properties: { stream: s.text('agrement, session, statement, control-visit or centre-quality'), ...timelineEntry.properties },
    description: 'An event of the log concerning the centre',
  }),
  upcoming: s.arrayOf(deadlineRow, 'Every deadline its workflows hold, soonest first'),
});
export const ruleSetPublished = s.obj({ version: ruleSetVersion, notices: noticeReport });

/** usecases/access/accesses.ts TokenView (DATA-3): never the secret. */
const tokenFields = {
  id: s.uuid,
  label: s.string,
  scope: { type: 'string', enum: [...TOKEN_SCOPES], description: 'api: bearer header; calendar: the iCalendar feed only (issue 14)' },
  createdAt: s.dateTime,
  expiresAt: s.dateTime,
  lastUsedAt: s.nullableDateTime,
  revokedAt: s.nullableDateTime,
  status: { type: 'string', enum: valuesOf<TokenStatus>({ active: true, expired: true, revoked: true }) },
};
export const tokenView = component('Token', s.obj(tokenFields));
/** ownTokens: mine, newest first, the one of this request marked. */
export const ownTokenList = s.arrayOf(s.obj({ ...tokenFields, current: s.boolean }), 'My tokens, newest first');
/** issueTokenAudited: the secret, answered once. */
export const issuedToken = s.obj({
  token: { type: 'string', pattern: '^pix_', description: 'The secret, shown once: only its hash is stored (DATA-3)' },
  id: s.uuid,
  label: s.string,
  scope: { type: 'string', enum: [...TOKEN_SCOPES] },
  createdAt: s.dateTime,
  expiresAt: s.dateTime,
});

/** usecases/access/accesses.ts UserView (DATA-3) */
const userFields = {
  id: s.uuid,
  name: s.string,
  email: s.string,
  role: { type: 'string', enum: [...ROLES] },
  organisationId: { type: ['string', 'null'], format: 'uuid' },
  organisationName: s.nullableString,
  active: s.boolean,
  createdAt: s.dateTime,
  deactivatedAt: s.nullableDateTime,
};
export const userView = component('User', s.obj({ ...userFields, tokens: s.arrayOf(tokenView) }));
export const userList = s.arrayOf(userView, 'Active users first, then by name');

/** usecases/access/access-review.ts (DATA-3): when the annual review is due. */
const reviewDue = s.obj({
  dueAt: s.nullableDateTime,
  overdue: s.boolean,
  basis: { type: 'string', enum: valuesOf<ReviewDue['basis']>({ 'last-review': true, 'first-user': true, none: true }) },
  lastReviewedAt: s.nullableDateTime,
});
/** ReviewRecord */
export const accessReview = component(
  'AccessReview',
  s.obj({
    id: s.uuid,
    reviewedAt: s.dateTime,
    reviewer: s.string,
    notes: s.nullableString,
    usersReviewed: s.integer,
    tokensReviewed: s.integer,
    flagged: s.integer,
    removed: s.arrayOf(
      s.obj(
        {
          kind: { type: 'string', enum: ['user', 'token'] },
          id: s.uuid,
          reason: s.string,
          revokedTokenIds: s.arrayOf(s.uuid, 'The tokens revoked with a user deactivated'),
        },
        ['revokedTokenIds'],
      ),
    ),
  }),
);
/** listAccessReviews: a page, and when the next is due. */
export const accessReviewList = {
  ...s.page(accessReview),
  required: [...s.page(accessReview).required, 'due'],
  properties: { ...s.page(accessReview).properties, due: reviewDue },
};
/** currentAccessReview: every user and token, each obsolete access flagged. */
export const currentAccessReview = s.obj({
  generatedAt: s.dateTime,
  due: reviewDue,
  summary: s.obj({ users: s.integer, activeUsers: s.integer, tokens: s.integer, activeTokens: s.integer, flaggedUsers: s.integer }),
  users: s.arrayOf(
    s.obj({
      ...userFields,
      flags: s.arrayOf({
        type: 'string',
        enum: valuesOf<UserFlag>({ 'no-active-token': true, unused: true, 'no-organisation': true, 'organisation-agrement-ended': true }),
      }),
      tokens: s.arrayOf(
        s.obj({ ...tokenFields, flags: s.arrayOf({ type: 'string', enum: valuesOf<TokenFlag>({ expired: true, unused: true }) }) }),
      ),
    }),
  ),
});

/** mail/usecases/own-mail.ts ownMail: the e-mails sent to my organisations (issue 14, the Espace centre). */
export const ownEmailList = s.page(
  component(
    'OwnEmail',
    s.obj({
      id: s.text('Its Message-ID'),
      organisationId: s.uuid,
      organisationName: s.string,
      template: s.string,
      subject: s.nullableString,
      text: { type: ['string', 'null'], description: 'The plain-text body, as sent' },
      recipient: s.string,
      status: { type: 'string', enum: ['pending', 'sent', 'failed'] },
      createdAt: s.dateTime,
      sentAt: s.nullableDateTime,
    }),
  ),
);
