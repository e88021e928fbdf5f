/** The event log's stream of one monthly statement (BIL-1..4). */
export const STATEMENT_STREAM = 'statement';

/** The event log's stream of an organisation's billing facts (BIL-2: insolvency proceedings). */
export const ORGANISATION_STREAM = 'organisation';
