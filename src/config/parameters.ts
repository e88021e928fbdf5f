/**
 * Every number the GIP Pix may change (Conv art. 8) lives here, once.
 * Rule files read them through the `parameters` fact; domain code imports them.
 * Keys name the rule they come from, so a reader can go from a clause to its value.
 */
export const PARAMETERS = {
  application: {
    /** APP-7: the whole procedure takes 2 months, net of the applicant's waits. */
    procedureMonths: 2,
    /** APP-3: conformity visit at the applicant's cost, capped. */
    conformityVisitCapEur: 250,
    /** APP-5: agrément granted for 1 to 3 years, 3 by default (Conv art. 6.1). */
    grantYears: { min: 1, max: 3, default: 3 },
    /** APP-8: centres outside France, experimentally, at most 1 year. */
    foreignMaxYears: 1,
    /**
     * APP-7: an application received earlier (a paper file arriving by post, registered late) may be entered with the
     * day Pix received it, at most this many days ago: its clock runs from then.
     */
    receivedOnMaxDaysAgo: 365,
  },
  dossier: {
    /** DOC-1, DOC-2: proof of legal existence less than 3 months old. */
    proofOfExistenceMaxAgeMonths: 3,
  },
  eligibility: {
    /** ELIG-3, QUO-1: individual centre commitment over 3 years. */
    centreCandidates: 600,
    /** ELIG-5, QUO-1: network commitment over 3 years. */
    networkCandidates: 2500,
    /** ELIG-4: type B networks cover more than 50 % of the 101 departments. */
    totalDepartments: 101,
    networkBMinDepartments: 51,
  },
  /** BIL-1, BIL-2: the monthly statement and Pix's invoice (Conv annexe 1). */
  billing: {
    /** VAT on the prices of PRI-1..5 (incl. VAT): the statement shows both. */
    vatRatePercent: 20,
    /** BIL-1: the statement of the previous month's paying sessions is sent by this day of the month… */
    statementDueDay: 5,
    /** …prepared on the 1st at this hour, Europe/Paris (the schedule's time). */
    statementPreparedHour: 6,
    /** Reminders to the centre, in days before the due day (0: the due day itself, 09:00). */
    reminderDaysBefore: [3, 0],
    /** Once overdue, the centre is reminded every this many days until it sends the statement. */
    overdueReminderEveryDays: 7,
    /** BIL-2: unpaid this many days after the invoice's issue, interest runs… */
    paymentTermDays: 30,
    /** …at the ECB main refinancing rate plus this many points… */
    interestPointsAboveEcb: 10,
    /** …and a fixed recovery indemnity is owed, once per invoice. */
    recoveryIndemnityEur: 40,
  },
  api: {
    /** DATA-3: a revoked token is refused at most this many seconds later (principals are cached that long). */
    principalCacheSeconds: 5,
    /** Dashboards are served from a read-through cache this fresh (0 disables it); `Cache-Control: no-cache` bypasses it. */
    dashboardCacheSeconds: 2,
    /** Largest JSON or form body accepted (413 above it); bulk imports have their own limits. */
    maxBodyBytes: 2 * 1024 * 1024,
    /** Most fields a form body may carry (413 above it). */
    maxFormFields: 1000,
    /**
     * Issue 12: failed authentications per client address. Past `limit` failures within `windowSeconds`
     * the address is answered 429 (Retry-After) on every authenticated route for `blockSeconds`.
     * Counted in the API process's memory (see README, Security).
     */
    failedAuthThrottle: { limit: 20, windowSeconds: 60, blockSeconds: 60 },
    /**
     * Issue 12: expensive endpoints (simulations, what-if, session imports, dashboards): at most `limit`
     * calls per route and per user within `windowSeconds`, then 429 (Retry-After) for `windowSeconds`.
     */
    expensiveThrottle: { limit: 30, windowSeconds: 60 },
    /** Issue 15: an API replica reads the addresses blocked by the others (failedAuthThrottle, counted in PostgreSQL) at most this often. */
    failedAuthBlocksReadMs: 1000,
  },
  /** DATA-3: accesses (API tokens) and their annual review. Pix's policy, not the documents'. */
  access: {
    /**
     * A token issued to a person lives this many days unless a shorter lifetime is asked: a quarter, the
     * usual rotation period of a personal credential (a leaked token is useful for weeks, not years), and
     * short enough that a forgotten token dies before the next annual review.
     */
    tokenDefaultLifetimeDays: 90,
    /** No token lives longer than a year: none outlives the annual access review that must see it (DATA-3). */
    tokenMaxLifetimeDays: 365,
    /** The demo tokens (src/seed/users.ts, public in the README) live this long after each start that seeds them. */
    demoTokenLifetimeDays: 30,
    /** last_used_at is written at most this often per token: a busy client does not write on every request. */
    lastUsedResolutionSeconds: 60,
    /** DATA-3: the access review is annual: due this many months after the last one (the first: after the first user). */
    reviewIntervalMonths: 12,
    /** The review flags an access unused for this many days (a token never used counts from its issue) as obsolete. */
    unusedAfterDays: 90,
  },
  /** Issue 14: the iCalendar feed of deadlines (GET /dashboard/deadlines.ics). */
  calendar: {
    /** Days ahead the feed covers unless ?days= says otherwise (the list's default is 30; a calendar looks further). */
    defaultDays: 365,
    /** Most events in one feed (soonest first). */
    maxEvents: 5000,
    /** The zone of the exact times shown in descriptions (the legal dates are the deadlines' own). */
    timeZone: 'Europe/Paris',
    /** The right-hand side of every event's UID (RFC 5545 §3.8.4.7: globally unique). */
    uidDomain: 'agrements.pix.fr',
    name: 'Échéances des agréments Pix',
  },
  /** Issue 12: the tamper-evident audit log (see README, Security). */
  audit: {
    /** HMAC keys of the log chain and its checkpoints: at least this many random bytes. */
    keyMinBytes: 32,
    /** A signed checkpoint of the log's head is exported to the sink this often (and at start and stop), when the log grew. */
    checkpointIntervalMinutes: 60,
    /** The legal team receives at most one checkpoint e-mail per this many hours (the first checkpoint of the period). */
    checkpointEmailEveryHours: 24,
  },
  /** Issue 11: how the engine behaves when PostgreSQL, Temporal or an embedded service fails. */
  resilience: {
    /** A PostgreSQL connection not obtained within this time fails the call (503), instead of hanging. */
    databaseConnectTimeoutMs: 5_000,
    /** A query not answered within this time fails (503): a stopped server never holds a request. */
    databaseQueryTimeoutMs: 60_000,
    /** Attempts of a Temporal client call while the server is unreachable (a few seconds in all), then 503. */
    temporalCallAttempts: 4,
    /**
     * A Temporal call that waits on a worker (an update, a query) fails after this long (503; an outbox keeps its step):
     * a workflow that never answers must not hold a request forever. An update runs a few writes and e-mails: seconds.
     */
    workflowCallTimeoutMs: 30_000,
    /** Readiness checks give each dependency this long. */
    healthCheckTimeoutMs: 2_000,
    /** Retry-After (seconds) of a 503 answered while a dependency is down. */
    retryAfterSeconds: 5,
    /** Each step of a stop (API, worker, services) gets this long; the whole stop at most `stopTimeoutMs`. */
    stopStepTimeoutMs: 10_000,
    stopTimeoutMs: 30_000,
    /**
     * Issue 15: on SIGTERM/SIGINT, in-flight HTTP requests and running activities get this long to finish
     * (SHUTDOWN_GRACE_MS); the steps that wait for them get it on top of `stopStepTimeoutMs`, the whole stop too.
     */
    shutdownGraceMs: 10_000,
    /** An embedded service (PostgreSQL, Temporal dev server) that exits is restarted after this delay, doubled up to 30 s. */
    restartDelayMs: 1_000,
  },
  /** Dates the engine accepts in any field (birth dates included): outside, a year such as 0001 or 9999 is a typo (400). */
  dates: { earliest: '1900-01-01', latest: '2199-12-31' },
  /** What-if on a real agrément: `until` at most this many years ahead (two full terms of APP-5's 3 years). */
  simulation: { whatIfHorizonYears: 6 },
  agrement: {
    /** AGR-2: the renewal request is due 3 months before the term. */
    renewalNoticeMonths: 3,
    /** AGR-2: reminders, in days before the renewal deadline. */
    renewalReminderDaysBefore: [60, 30, 7],
    /** AGR-5: a substantial change of the cahier is applied within 1 month of its notification. */
    cahierChangeMonths: 1,
    /** AGR-5 (Conv art. 8.2): a non-substantial change applies after 1 month's notice. */
    nonSubstantialChangeNoticeMonths: 1,
    /** TER-5: confidentiality runs 5 more years after the end. */
    confidentialityYears: 5,
    /** The zone of a centre whose seat gives none (metropolitan France); each agrément keeps its centre's own. */
    timeZone: 'Europe/Paris',
    /** BRE-4: the engine proposes, a person decides; true confirms proposals automatically. */
    autoConfirmTerminations: false,
    /** Continue-as-new after this many history events, well below Temporal's limits. */
    historyEventsBeforeContinueAsNew: 2000,
  },
  referent: {
    /** REF-3: the badge is due 6 months after the grant. */
    badgeMonths: 6,
    /** REF-3: reminders, in days before the badge deadline. */
    badgeReminderDaysBefore: [30, 7],
    /** REF-4: yearly contribution to Pix activities. */
    yearlyContributionDays: 4,
    /** REF-4: the centre and operations are warned this many days before an agrément year ends if its contribution falls short. */
    contributionWarningDaysBefore: 60,
  },
  quota: {
    /** QUO-1: the count runs over 3 years after the first grant. */
    months: 36,
    /** QUO-3: pace checkpoints, in months after the first grant. */
    checkpointMonths: [12, 24, 30],
    /** QUO-2: withdrawal for convenience with 15 days' notice. */
    withdrawalNoticeDays: 15,
  },
  suspension: {
    /** SUS-5: an answer to a control-visit demand is due within 1 month. */
    visitAnswerMonths: 1,
  },
  breach: {
    /** BRE-1: 30 days from the sending of the registered letter to cure. */
    cureDays: 30,
  },
  termination: {
    /** TER-1: the centre's termination for convenience takes effect 30 days after notice. */
    convenienceNoticeDays: 30,
    /** TER-3: force majeure beyond 2 months terminates the convention. */
    forceMajeureMonths: 2,
    /** TER-4: labour-law documents are owed within 15 days of a request. */
    labourDocumentsDays: 15,
  },
  visits: {
    /** VIS-3: a control visit costs the centre at most 120 €. */
    controlVisitCapEur: 120,
    /** VIS-2: outside a session, the registered letter goes at least 5 working days before the visit (Conv art. 21). */
    announcementWorkingDays: 5,
    /** VIS-1, VIS-2: default share of announced visits in a plan (the rest unannounced, during a session). Pix's choice. */
    announcedShare: 0.5,
    /**
     * VIS-3, APP-3: Pix's estimate of what a visit costs, by inspector kind (not in the documents). The centre is
     * charged this, within the cap; Pix bears the rest. Findings may record the actual cost.
     */
    estimatedCostEur: { 'pix-staff': 120, 'centre-manager': 100, contractor: 180 },
    /** VIS-4: this many failed checklist items make the findings serious: a breach notice (BRE-1) is proposed. */
    findingsKoForBreachProposal: 2,
    /** VIS-1: risk factors of the control-visit planning (src/visits/rules/risk.rules.json); Pix's policy, not the documents'. */
    risk: {
      /** Quality events (late finalisations, incidents, fraud reports, complaints) count over this many months. */
      lookbackMonths: 24,
      /** SES-10: late finalisations from which the factor counts. */
      lateFinalisationsFrom: 1,
      /** SES-12: incidents attributable to the centre. */
      incidentsFrom: 1,
      /** SES-12: remedies not offered within 5 days. */
      remediesLateFrom: 1,
      /** SUS-1: fraud reports by candidates or third parties. */
      fraudReportsFrom: 1,
      /** SES-13: complaints. */
      complaintsFrom: 1,
      /** A centre in its first months of agrément. */
      firstYearMonths: 12,
      /** SUS-5: past suspensions. */
      pastSuspensionsFrom: 1,
      /** BRE-1: past breach notices. */
      pastBreachesFrom: 1,
      /** Months since the last visit (or since the first grant, never visited) from which a visit is due. */
      monthsWithoutVisit: 24,
      /** Candidates counted for the agrément (QUO-3) from which the stakes are high. */
      candidateVolume: 300,
    },
  },
  sessions: {
    /** SES-10: a session is finalised within 48 elapsed hours of its end. */
    finalisationHours: 48,
    /** SES-10: reminders to the centre, in hours before the finalisation deadline. */
    reminderHoursBefore: [24, 4],
    /** QUO-3 outbox: finalised sessions per agrément signal (Temporal caps a workflow's signals, so they go in batches). */
    quotaSignalBatch: 1000,
    /** QUO-3 outbox: agréments signalled at once (each waits on a round trip to the Temporal server). */
    quotaSignalConcurrency: 8,
    /**
     * QUO-3 outbox: rows locked and delivered in one transaction. By rounds of 10,000, a bulk import of 100,000 sessions
     * spent 13.6 s of 66 s delivering its counts: each round sorted the rows left again while the agrément workflows
     * applied the previous rounds' signals (1.5 s in one round; issue 15, bench:import). A round holds its rows in memory:
     * about 240 bytes each (measured on 100,000 rows of the shape PostgreSQL returns: 24 MB).
     */
    quotaDeliveryRound: 100_000,
    /** SES-12: an incident attributable to the centre entitles the candidates to a free new session or a full refund within this many days of the session (CdC §2.2.5, Conv art. 16). */
    remedyDays: 5,
    /** SES-12: after the remedy deadline, how long the engine keeps waiting for the centre to record it before closing the follow-up, in days. */
    remedyFollowUpDays: 60,
    /** SES-11: session minutes and attendance sheets are kept this many years; then the engine's copy forgets the people (DATA-1). */
    minutesRetentionYears: 2,
    /** SES-11: how often the sessions housekeeping looks for sessions past their retention, in minutes. */
    retentionCheckMinutes: 60,
    /** SES-13: a complaint reaches the jury within this many months of the results' publication. */
    complaintMonths: 2,
    /** Bulk import: a running import proves its process alive this often (its heartbeat), in seconds. */
    importHeartbeatSeconds: 5,
    /**
     * Bulk import: a job whose heartbeat is older than this (its process died: kill, crash, lost host) is
     * resumed by the housekeeping of any process, from the first session not committed, in seconds.
     */
    importResumeAfterSeconds: 60,
    /** Bulk import: a job resumed this many times in a row without committing a chunk is marked failed (a file that brings its process down). */
    importMaxResumesWithoutProgress: 3,
    /** Bulk import: the upload is spooled in PostgreSQL (every replica can resume it) in parts of this many bytes. */
    importSpoolPartBytes: 1024 * 1024,
    /** Bulk import: the largest file accepted, in bytes (413 above it); IMPORT_MAX_BYTES overrides it. */
    importMaxBytes: 1024 * 1024 * 1024,
    /**
     * Bulk import: the longest line accepted, in bytes (413 naming the line above it, nothing stored); a JSON
     * array's element counts as its line. A session line is a few hundred bytes; 64 KiB leaves room for long
     * names and comments while a 50 MB "line" is refused. IMPORT_MAX_LINE_BYTES overrides it.
     */
    importMaxLineBytes: 64 * 1024,
    /** Bulk import: the spooled parts of an upload never completed (its request died) are removed after this many minutes. */
    importAbandonedUploadMinutes: 60,
    /** Sessions housekeeping: how often the system retries what a failed call or a stop left undelivered (SES-10, QUO-3) and resumes imports whose process died, in seconds. */
    housekeepingIntervalSeconds: 60,
    // SES-1..8: the values of the cahier of January 2020 (CdC §1.4, §2; Conv art. 9). A later cahier's
    // rule file (src/rules/sessions/ses-*.rules.json) overrides the ones it changes, AGR-6.
    /** SES-1: the official slot, 2 h (CdC §2.1.1)… */
    slotMinutes: 120,
    /** SES-1: …of which the test itself, 1 h 45: extra time (handicap) lengthens this part. */
    testMinutes: 105,
    /** SES-1: named invigilators, at least. */
    minInvigilators: 1,
    /** SES-2: candidates per invigilator, at most (CdC §1.4.2 c). */
    maxCandidatesPerInvigilator: 20,
    /** SES-3: one spare computer per this many candidates (CdC §1.4.1). */
    candidatesPerSpareComputer: 20,
    /** SES-4: the centre's own staff are at most this share of a normal session, in % (CdC §1.4.2 c). */
    maxStaffSharePercent: 30,
    /** SES-5: an invigilator does not invigilate people they trained within this many months. */
    invigilatorTrainingMonths: 6,
    /** SES-6: sessions open to all are planned this many months ahead (Conv art. 9). */
    openSessionNoticeMonths: 1,
    /** SES-7: a centre's minimum number of candidates is at most this (Conv art. 9). */
    maxMinimumCandidates: 7,
    /** SES-7: confirmation or cancellation reaches candidates this many days before the session. */
    confirmationDaysBefore: 5,
    /** SES-8: level ≥ 1 in at least this many competences… */
    minCertifiableCompetences: 5,
    /** SES-8: …of the framework's 16. */
    totalCompetences: 16,
    /** SES-8: days between two sessions of the same candidate, at least. */
    minDaysBetweenSessions: 15,
  },
  /** PRI-1..5: the tariff of CdC annexe 4 (January 2020), in € incl. VAT. Later tariffs override it (src/rules/sessions/prices-*.json). */
  prices: {
    /** PRI-1: recommended price for a free candidate (35 € to the centre, the Pix share to Pix). */
    freeCandidatePriceEur: 45,
    /** PRI-2: recommended maximum of a price agreed with a funding organisation. */
    fundedCohortRecommendedMaxEur: 45,
    /** PRI-1, PRI-2: Pix's share per candidate. */
    pixShareEur: 10,
    /** PRI-4: Pix's share for members of a type B network. */
    networkBPixShareEur: 9,
    /** PRI-3: free of charge, and no Pix share. */
    freeOfChargePriceEur: 0,
    freeOfChargePixShareEur: 0,
  },
  dataProtection: {
    /** DATA-2: a personal-data breach is notified to the controller (the GIP Pix) within this many hours of its discovery. */
    breachNotificationHours: 72,
  },
  /** The e-mail outbox (src/infra/mail/outbox.ts): what the engine decided to send is sent by the worker, outside the workflows. */
  mail: {
    /** How often the sender looks for pending e-mails, in ms (an e-mail queued in the process wakes it at once). */
    pollIntervalMs: 1000,
    /** E-mails sent per round, and how many at a time (each is its own transaction, row-locked while the SMTP server answers). */
    batchSize: 50,
    parallel: 2,
    /** After a failed delivery the e-mail waits this long before its next attempt, doubled each time, up to the maximum (ms). */
    retryInitialMs: 5_000,
    retryMaxMs: 10 * 60_000,
    /** An e-mail still undelivered after this many attempts is shown to operations (GET /attention); the sender keeps trying. */
    attentionAfterAttempts: 5,
    /** SMTP timeouts (ms): a silent server must not hold an outbox row's lock for nodemailer's default 10 minutes. */
    smtpConnectionTimeoutMs: 10_000,
    smtpGreetingTimeoutMs: 10_000,
    smtpSocketTimeoutMs: 60_000,
  },
  /** The "needs attention" list (GET /attention): what the engine cannot finish alone. */
  attention: {
    /** An activity that keeps failing with a transient error is shown to operations from this attempt on (it is still retried). */
    retryingActivityAttempts: 10,
  },
  /** Issue 15: periodic work across replicas (src/shared/usecases/periodic-job.ts, docs/adr/0005). */
  jobs: {
    /** The record of which process ran which period of a job (periodic_job_runs) is kept this many days. */
    historyDays: 7,
  },
} as const;

export type Parameters = typeof PARAMETERS;
