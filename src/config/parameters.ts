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
  agrement: {
    /** AGR-2: the renewal request is due 3 months before the term. */
    renewalNoticeMonths: 3,
    /** AGR-2: reminders, in days before the renewal deadline. */
    renewalReminderDaysBefore: [60, 30, 7],
    /** AGR-5: a substantial change of the cahier is applied within 1 month of its notification. */
    cahierChangeMonths: 1,
    /** TER-5: confidentiality runs 5 more years after the end. */
    confidentialityYears: 5,
    /** Dates are judged in the time zone of Pix's head office. */
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
  },
  sessions: {
    /** SES-10: a session is finalised within 48 elapsed hours of its end. */
    finalisationHours: 48,
    /** SES-10: reminders to the centre, in hours before the finalisation deadline. */
    reminderHoursBefore: [24, 4],
  },
} as const;

export type Parameters = typeof PARAMETERS;
