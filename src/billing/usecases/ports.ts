import type { PayingSession, StatementLine, StatementState } from '../domain/statement';

/**
 * The billing context's repositories (ports): what its use cases and activities need from the database,
 * implemented in src/billing/infra/*.repository.ts. Plain types only, so a use case runs over an
 * in-memory implementation in the unit tests.
 */

export type StatementTotals = Omit<StatementLine, 'sessionId' | 'date'>;

/** BIL-1: what a statement declares, line by line (Conv annexe 1), and its totals. */
export interface StatementContent {
  lines: StatementLine[];
  totals: StatementTotals;
}

/** A statement as operations and the centre read it (GET /statements), with its organisation's BIL-2 facts. */
export interface StatementRecord {
  id: string;
  organisationId: string;
  organisationName: string;
  /** The agrément the organisation works under (its network's for a member), for a link to it. */
  agrementId: string | null;
  month: string;
  state: StatementState;
  dueAt: Date;
  lines: unknown[];
  totals: StatementTotals;
  remindersSent: number;
  sentAt: Date | null;
  late: boolean;
  invoiceIssuedOn: string | null;
  invoiceAmountCents: number | null;
  paidOn: string | null;
  /** SUS-3, TER-5: the day from which what the statement declares is payable at once, and the rule. */
  payableOn: string | null;
  payableRuleId: string | null;
  insolvencyProceedings: boolean;
  insolvencyProceedingsOn: string | null;
}

export interface StatementFilter {
  organisationIds?: string[];
  month?: string;
  state?: string;
  /** BIL-1: only the statements still not sent whose due date passed before this instant. */
  overdueAt?: Date;
}

/** BIL-2: Pix records its invoice (from the statement), then the payment. */
export type InvoiceEvent = { kind: 'invoiced'; issuedOn: string; amountEur: number } | { kind: 'paid'; paidOn: string };

/** A centre's statement of a month as its workflow knows it. */
export interface MonthStatement extends StatementContent {
  id: string;
  state: string;
  dueAt: Date;
}

export interface OrganisationMonth {
  organisationId: string;
  month: string;
}

/** The monthly statements (BIL-1, BIL-2) and the finalised paying sessions they declare. */
export interface StatementsRepository {
  findStatement(id: string): Promise<StatementRecord | undefined>;
  /** The statement, locked for a change (FOR UPDATE). */
  lockStatement(id: string): Promise<StatementRecord | undefined>;
  countStatements(filter: StatementFilter): Promise<number>;
  /** Latest month first, then by organisation name. */
  listStatements(filter: StatementFilter, page: { limit: number; offset: number }): Promise<StatementRecord[]>;
  /** BIL-2: writes the invoice or the payment, and its event-log entry. */
  recordInvoiceEvent(statement: { id: string; state: StatementState }, event: InvoiceEvent, actor: string, at: Date): Promise<void>;

  /** BIL-1: the centres that have something to declare on their statement of `month` and no statement of it yet. */
  centresToState(month: string): Promise<string[]>;
  /** BIL-1: the finalised paying sessions the centre's statement of `month` declares, as of now. */
  declarableSessions(organisationId: string, month: string): Promise<PayingSession[]>;
  /**
   * Serialises the writers of one centre's statements (prepare, send, refresh after a finalisation) for the rest of
   * the transaction. Taken before any statement row is locked: two statements of one centre sent at once each locked
   * its own row, then the other's to refresh it, and deadlocked. Several centres' locks are taken in their ids' order
   * (a batch of sessions finalised at once), so two batches never wait on each other crosswise.
   */
  lockCentreStatements(organisationIds: readonly string[]): Promise<void>;
  /** BIL-1: these centres' statements still open (prepared, not sent), by centre then oldest first, locked. */
  lockOpenStatements(organisationIds: readonly string[]): Promise<Array<{ id: string; organisationId: string; month: string }>>;
  /** Rewrites the lines and totals of a statement still open. */
  writeLines(statementId: string, content: StatementContent): Promise<void>;
  /** Which of these centre-months already have a statement. */
  existingStatements(pairs: readonly OrganisationMonth[]): Promise<OrganisationMonth[]>;

  /** Whom the statement is addressed to; undefined for an unknown organisation. */
  statementRecipient(organisationId: string): Promise<{ name: string; email: string } | undefined>;
  /** BIL-1: inserts the prepared statement, unless the centre already has one for the month. */
  insertPreparedStatement(
    statement: { id: string; organisationId: string; month: string; dueAt: Date; preparedAt: string },
    content: StatementContent,
  ): Promise<void>;
  /** SUS-3, TER-5: a statement prepared once amounts are payable at once is due at once too (`day`: the day it is prepared, Paris). */
  applyAmountsPayableNow(organisationId: string, month: string, day: string): Promise<void>;
  findMonthStatement(organisationId: string, month: string): Promise<MonthStatement | undefined>;
  /** The event-log entry of a statement prepared. */
  logStatementPrepared(
    statementId: string,
    data: { organisationId: string; month: string; sessions: number; pixShareInclVatCents: number },
    at: Date,
  ): Promise<void>;
  /** The statement's sending facts, locked (FOR UPDATE). */
  lockForSending(statementId: string): Promise<{ dueAt: Date; state: string; sentAt: Date | null; late: boolean } | undefined>;
  /** Whose statement it is and of which month; undefined for an unknown statement. */
  statementMonth(statementId: string): Promise<OrganisationMonth | undefined>;
  /** BIL-1: the statement is sent, and the sessions it declares are frozen on it. */
  markSent(statementId: string, sentAt: string, late: boolean, sessionIds: string[]): Promise<void>;
  /** The event-log entry of a statement sent. */
  logStatementSent(statementId: string, late: boolean, actor: string, sentAt: Date): Promise<void>;
  /** Counts a reminder sent; idempotent per reminder number. */
  recordReminder(statementId: string, n: number): Promise<void>;
}

/** A statement whose due date SUS-3 or TER-5 brought forward. */
export interface PayableStatement {
  id: string;
  organisationId: string;
  month: string;
  state: string;
  payableOn: string;
}

/** What an organisation owes becoming payable at once (SUS-3, TER-5, SUS-4) and its insolvency proceedings (BIL-2). */
export interface PayabilityRepository {
  /** SUS-3, TER-5: the organisation and its network's members owe at once from `on`; whether any of them changed. */
  makeOrganisationsPayableFrom(organisationId: string, on: string, ruleId: string): Promise<boolean>;
  organisationExists(organisationId: string): Promise<boolean>;
  /** SUS-3, TER-5: their unpaid statements are payable from `on`; each one changed is logged. */
  makeStatementsPayableFrom(agrementOrganisationId: string, on: string, ruleId: string, actor: string): Promise<PayableStatement[]>;
  /** SUS-4: statements prepared from now on follow the normal terms again. */
  liftSuspensionPayability(organisationId: string): Promise<void>;
  /** Whether insolvency proceedings are recorded, the organisation locked; undefined for an unknown one. */
  lockInsolvencyProceedings(organisationId: string): Promise<boolean | undefined>;
  /** BIL-2: records the proceedings (opened or closed) and its event-log entry. */
  recordInsolvencyProceedings(
    organisationId: string,
    change: { insolvencyProceedings: boolean; openedOn: string | null },
    before: boolean,
    actor: string,
    at: Date,
  ): Promise<void>;
}
