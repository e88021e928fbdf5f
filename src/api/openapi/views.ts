import { ROLES } from '../../domain/access/roles';
import type { ReviewDue } from '../../domain/access/review';
import type { TokenFlag, TokenStatus, UserFlag } from '../../domain/access/tokens';
import { component, s } from './responses';

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
    organisation: s.obj({ id: s.uuid, name: s.string, category: s.string, uai: s.nullableString, department: s.nullableString, foreign: s.boolean, email: s.string }),
    members: s.arrayOf(s.obj({ id: s.uuid, name: s.string, category: s.string, uai: s.nullableString, department: s.nullableString, email: s.string })),
    data: s.object('The application as submitted (POST /applications body)'),
    pieces: s.arrayOf(s.object('A piece of the dossier (DOC-1..4)')),
    procedure: s.nullableObject('APP-2..7: the APP-7 clock, deadlines and decisions'),
    evaluation: {},
    timeline,
  }),
);

/** usecases/applications/read-applications.ts listApplicationsView */
export const applicationList = s.page(
  s.obj({ id: s.uuid, kind: s.string, state: s.string, organisationName: s.string, receivedAt: s.dateTime, procedureDeadline: s.nullableDateTime, overdueFlaggedAt: s.nullableDateTime }),
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

/** usecases/agrements/agrements.ts getAgrement */
export const agrementView = component(
  'Agrement',
  s.obj({
    id: s.uuid,
    workflowId: s.string,
    organisation: s.obj({ id: s.uuid, name: s.string, email: s.string, department: s.nullableString }),
    kind: s.string,
    state: s.string,
    startOn: s.nullableString,
    termOn: s.nullableString,
    firstGrantOn: s.nullableString,
    candidates: s.integer,
    agrement: s.object('The agrément as its workflow holds it (src/domain/agrement/model.ts)'),
    sessionBlocker: s.nullableObject('SES-9: the rule blocking sessions now, if any'),
    deadlines: s.arrayOf(s.object(), 'Pending deadlines, soonest first'),
    ledger: s.arrayOf(ledgerEntry, 'Every deadline once, with its outcome (issue 10 §3)'),
    timeline,
  }),
);

/** usecases/agrements/agrements.ts listAgrementsView */
export const agrementList = s.page(
  s.obj({ id: s.uuid, organisationId: s.uuid, organisationName: s.string, kind: s.string, state: s.string, termOn: s.nullableString, candidates: s.integer, nextDeadline: s.nullableObject() }),
);

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
export const affectedSessions = s.object('The planned sessions blocked or at risk, each with its rule and the day from which it applies');

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
  { valid: s.boolean, checked: s.integer, brokenAt: s.obj({ id: s.string, reason: { type: 'string', enum: ['prev-hash', 'hash'] } }) },
  ['brokenAt'],
);

/** api/me.controller.ts */
export const me = s.obj({ name: s.string, role: s.string, organisationId: s.nullableString, actions: s.strings });

/** api/health.controller.ts */
const check = s.obj({ status: { type: 'string', enum: ['up', 'down'] }, error: s.string }, ['error']);
export const live = s.obj({ status: { type: 'string', const: 'ok' } });
export const ready = s.obj({ status: { type: 'string', enum: ['ok', 'unavailable'] }, down: s.strings, checks: s.obj({ database: check, temporal: check }) }, ['down']);

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
export const centreRisk = { ...s.obj({ organisationId: s.uuid, organisationName: s.string, agrementId: s.uuid, asOf: s.date, facts: s.object('VIS-1: what the score reads') }), description: 'VIS-1 risk score with every contributing factor' };
/** PlanResult */
export const visitPlan = s.obj({ visits: s.arrayOf(s.object()), alreadyPlanned: s.arrayOf(s.object()), emails: s.obj({ queued: s.integer, alreadyQueued: s.integer, failed: s.arrayOf(s.object()) }) });
/** listVisits */
export const visitList = s.obj({ from: s.date, to: s.date, visits: s.arrayOf(s.obj({ id: s.uuid, organisationId: s.uuid, organisationName: s.string, kind: s.string, plannedOn: s.date, status: s.string, costEur: s.number })) });
/** FindingsResult */
export const findingsResult = s.obj({
  visitId: s.uuid,
  status: { type: 'string', const: 'done' },
  findings: s.object(),
  emails: s.object(),
  agrementProposals: s.obj({ recorded: s.arrayOf(s.object()), failed: s.arrayOf(s.object()) }),
});

/** usecases/visits/quality-events.ts view */
export const qualityEvent = s.obj({ id: s.uuid, kind: s.string, occurredOn: s.date });
export const qualityEventList = s.page(qualityEvent);

/** usecases/sessions/read-sessions.ts view (list) and getSession */
const sessionSummary = s.obj({ id: s.string, organisationId: s.uuid, date: s.date, status: s.string, deadlineAt: s.dateTime, candidates: s.integer });
export const sessionList = s.page(sessionSummary);
export const sessionView = component('Session', { ...sessionSummary, required: [...sessionSummary.required, 'report', 'deadline', 'remedy'], properties: { ...sessionSummary.properties, report: s.object('SES-1: the report as received'), deadline: s.nullableObject('SES-10 as the workflow holds it'), remedy: s.nullableObject('SES-12') } });
/** SessionsController.report */
export const sessionReported = s.obj({ outcome: { type: 'string', enum: ['created', 'updated', 'unchanged'] }, session: sessionView });
export const sessionDryRun = s.object('The judgement of the session: blocker (SES-9), failing (and passing) rules, price, deadline');
export const sessionRemedy = s.object('SES-12: the remedy as recorded');

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
export const ruleSetVersion = component('RuleSetVersion', s.obj({ id: s.uuid, status: { type: 'string', enum: ['draft', 'published'] } }));
export const ruleSetVersionList = s.arrayOf(ruleSetVersion);
export const impactReport = s.object('AGR-6: the planned sessions this version would refuse, with the failing rule IDs');
export const noticeReport = s.obj({ delivered: s.integer, alreadyDelivered: s.integer, failed: s.arrayOf(s.obj({ agrementId: s.string, organisationId: s.string, error: s.string })) });

/** usecases/sessions/campaigns.ts */
export const campaignWindow = s.obj({ schoolYear: s.string, schoolType: s.string, from: s.date, to: s.date });
export const campaignWindowList = s.arrayOf(campaignWindow);
const derogation = s.obj({ organisationId: s.uuid, organisationName: s.string, schoolYear: s.string, schoolType: s.string, until: s.date, reason: s.string, grantedBy: s.string });
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
export const importErrorList = s.page(s.object('A refused session: its line, field or rule IDs, and message'));

/** usecases/billing/statements.ts */
export const statementView = component('Statement', s.obj({ id: s.uuid, organisationId: s.uuid, month: s.string, state: s.string }));
export const statementList = s.page(statementView);
export const insolvency = s.object('BIL-2: the organisation’s insolvency proceedings as recorded');

/** usecases/dashboard/dashboard.ts */
export const regions = s.arrayOf(s.object('An INSEE region and its departments'));
export const overview = s.object('Counts by state (centres, networks, applications) and overdue applications');
export const deadlineList = s.page(
  s.obj({
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
  }),
);
export const overdueList = s.page(
  s.obj({ subject: { type: 'string', enum: ['agrement', 'application', 'session', 'statement'] }, id: s.string, agrementId: s.nullableString, organisationName: s.string, what: s.string, ruleId: s.string, since: s.string }),
);
export const quotaList = s.page(
  s.obj({ agrementId: s.string, organisationName: s.string, kind: s.string, candidates: s.integer, target: s.integer, projected: s.integer, shortfall: s.integer, deadlineOn: s.string }),
);
export const watchList = s.page(s.object('A centre suspended, under notice or terminating'));
export const dashboardAttention = s.page({ ...attentionItem, description: 'An attention item (details as JSON text in this view)' });
export const centreTimeline = s.obj({ past: s.page(s.object('An event of the log concerning the centre')) });
export const ruleSetPublished = s.obj({ version: ruleSetVersion, notices: noticeReport });

/** Every value of a string union, checked by the compiler both ways (none missing, none unknown). */
const valuesOf = <T extends string>(all: Record<T, true>) => Object.keys(all) as T[];

/** usecases/access/accesses.ts TokenView (DATA-3): never the secret. */
const tokenFields = {
  id: s.uuid,
  label: s.string,
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
      s.obj({ kind: { type: 'string', enum: ['user', 'token'] }, id: s.uuid, reason: s.string, revokedTokenIds: s.arrayOf(s.uuid, 'The tokens revoked with a user deactivated') }, ['revokedTokenIds']),
    ),
  }),
);
/** listAccessReviews: a page, and when the next is due. */
export const accessReviewList = { ...s.page(accessReview), required: [...s.page(accessReview).required, 'due'], properties: { ...s.page(accessReview).properties, due: reviewDue } };
/** currentAccessReview: every user and token, each obsolete access flagged. */
export const currentAccessReview = s.obj({
  generatedAt: s.dateTime,
  due: reviewDue,
  summary: s.obj({ users: s.integer, activeUsers: s.integer, tokens: s.integer, activeTokens: s.integer, flaggedUsers: s.integer }),
  users: s.arrayOf(
    s.obj({
      ...userFields,
      flags: s.arrayOf({ type: 'string', enum: valuesOf<UserFlag>({ 'no-active-token': true, unused: true, 'no-organisation': true, 'organisation-agrement-ended': true }) }),
      tokens: s.arrayOf(s.obj({ ...tokenFields, flags: s.arrayOf({ type: 'string', enum: valuesOf<TokenFlag>({ expired: true, unused: true }) }) })),
    }),
  ),
});
