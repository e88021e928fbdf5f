/** The event log's stream of one monthly statement (BIL-1..4). */
export const STATEMENT_STREAM = 'statement';
