import { describe, expect, it } from 'vitest';
import { type PayingSession, statementDueAt, type StatementState } from '../../../../src/billing/domain/statement';
import { amountsPayableNow } from '../../../../src/billing/usecases/payability';
import type { PayabilityRepository, StatementContent, StatementRecord, StatementsRepository } from '../../../../src/billing/usecases/ports';
import { markStatementSent, prepareStatement } from '../../../../src/billing/usecases/statement-lifecycle';
import { refreshOpenStatements } from '../../../../src/billing/usecases/statement-lines';
import { applyInvoiceEvent } from '../../../../src/billing/usecases/statements';
import { NotFound, TransitionRefused } from '../../../../src/shared/domain/errors';

/** BIL-1, BIL-2 use cases over an in-memory statements repository: no PostgreSQL. */

interface Stored {
  id: string;
  organisationId: string;
  month: string;
  state: StatementState;
  dueAt: Date;
  content: StatementContent;
  late: boolean;
  sentAt: string | null;
  invoiceIssuedOn: string | null;
}

interface Session extends PayingSession {
  organisationId: string;
  statementId: string | null;
}

const ORG = '00000000-0000-4000-8000-000000000001';
const month = (date: string) => date.slice(0, 7);

/** Declares what BIL-1 declares: the sessions held in the month, and those carried over from a month whose statement was sent. */
class InMemoryStatements implements StatementsRepository {
  statements: Stored[] = [];
  sessions: Session[] = [];
  organisations = new Map([[ORG, { name: 'Centre Pix de Lyon', email: 'centre@lyon.test' }]]);
  log: Array<{ type: string; statementId: string; data: unknown }> = [];
  private next = 0;

  session(id: string, date: string, pixShareCents = 2000): void {
    this.sessions.push({ sessionId: id, date, candidates: 2, priceCents: 9000, pixShareCents, organisationId: ORG, statementId: null });
  }

  private of(organisationId: string, m: string) {
    return this.statements.find((s) => s.organisationId === organisationId && s.month === m);
  }

  async findStatement(): Promise<StatementRecord | undefined> {
    throw new Error('not used');
  }
  async lockStatement(id: string): Promise<StatementRecord | undefined> {
    const s = this.statements.find((x) => x.id === id);
    if (!s) return undefined;
    return {
      id: s.id,
      organisationId: s.organisationId,
      organisationName: this.organisations.get(s.organisationId)!.name,
      agrementId: null,
      month: s.month,
      state: s.state,
      dueAt: s.dueAt,
      lines: s.content.lines,
      totals: s.content.totals,
      remindersSent: 0,
      sentAt: s.sentAt ? new Date(s.sentAt) : null,
      late: s.late,
      invoiceIssuedOn: s.invoiceIssuedOn,
      invoiceAmountCents: null,
      paidOn: null,
      payableOn: null,
      payableRuleId: null,
      insolvencyProceedings: false,
      insolvencyProceedingsOn: null,
    };
  }
  async countStatements(): Promise<number> {
    return this.statements.length;
  }
  async listStatements(): Promise<StatementRecord[]> {
    throw new Error('not used');
  }
  async recordInvoiceEvent(
    statement: { id: string },
    event: { kind: 'invoiced'; issuedOn: string } | { kind: 'paid'; paidOn: string },
  ): Promise<void> {
    const s = this.statements.find((x) => x.id === statement.id)!;
    s.state = event.kind;
    if (event.kind === 'invoiced') s.invoiceIssuedOn = event.issuedOn;
    this.log.push({ type: `statement-${event.kind}`, statementId: s.id, data: event });
  }
  async centresToState(): Promise<string[]> {
    return [];
  }
  async declarableSessions(organisationId: string, m: string): Promise<PayingSession[]> {
    return this.sessions
      .filter((s) => s.organisationId === organisationId && s.statementId === null)
      .filter((s) => {
        const own = month(s.date);
        if (own === m) return true;
        const sentOwn = this.of(organisationId, own) && this.of(organisationId, own)!.state !== 'prepared';
        const openBetween = this.statements.some(
          (x) => x.organisationId === organisationId && x.state === 'prepared' && x.month > own && x.month < m,
        );
        return own < m && sentOwn && !openBetween;
      })
      .map(({ sessionId, date, candidates, priceCents, pixShareCents }) => ({ sessionId, date, candidates, priceCents, pixShareCents }));
  }
  async lockCentreStatements(): Promise<void> {}
  async lockOpenStatements(organisationIds: readonly string[]) {
    return this.statements
      .filter((s) => organisationIds.includes(s.organisationId) && s.state === 'prepared')
      .sort((a, b) => a.organisationId.localeCompare(b.organisationId) || a.month.localeCompare(b.month))
      .map((s) => ({ id: s.id, organisationId: s.organisationId, month: s.month }));
  }
  async writeLines(statementId: string, content: StatementContent): Promise<void> {
    const s = this.statements.find((x) => x.id === statementId);
    if (s?.state === 'prepared') s.content = content;
  }
  async existingStatements() {
    return [];
  }
  async statementRecipient(organisationId: string) {
    return this.organisations.get(organisationId);
  }
  async insertPreparedStatement(
    statement: { id: string; organisationId: string; month: string; dueAt: Date },
    content: StatementContent,
  ): Promise<void> {
    if (this.of(statement.organisationId, statement.month)) return;
    this.statements.push({
      id: `st-${++this.next}`,
      organisationId: statement.organisationId,
      month: statement.month,
      state: 'prepared',
      dueAt: statement.dueAt,
      content,
      late: false,
      sentAt: null,
      invoiceIssuedOn: null,
    });
  }
  async applyAmountsPayableNow(): Promise<void> {}
  async findMonthStatement(organisationId: string, m: string) {
    const s = this.of(organisationId, m);
    return s && { id: s.id, state: s.state, dueAt: s.dueAt, ...s.content };
  }
  async logStatementPrepared(statementId: string, data: unknown): Promise<void> {
    if (!this.log.some((e) => e.type === 'statement-prepared' && e.statementId === statementId))
      this.log.push({ type: 'statement-prepared', statementId, data });
  }
  async lockForSending(statementId: string) {
    const s = this.statements.find((x) => x.id === statementId);
    return s && { dueAt: s.dueAt, state: s.state, sentAt: s.sentAt ? new Date(s.sentAt) : null, late: s.late };
  }
  async statementMonth(statementId: string) {
    const s = this.statements.find((x) => x.id === statementId);
    return s && { organisationId: s.organisationId, month: s.month };
  }
  async markSent(statementId: string, sentAt: string, late: boolean, sessionIds: string[]): Promise<void> {
    Object.assign(
      this.statements.find((x) => x.id === statementId)!,
      { state: 'sent', sentAt, late },
    );
    for (const s of this.sessions) if (sessionIds.includes(s.sessionId) && s.statementId === null) s.statementId = statementId;
  }
  async logStatementSent(statementId: string, late: boolean): Promise<void> {
    this.log.push({ type: 'statement-sent', statementId, data: { late } });
  }
  async recordReminder(): Promise<void> {}
}

const sessionIds = (c: { lines: Array<{ sessionId: string }> }) => c.lines.map((l) => l.sessionId);

describe('BIL-1 preparing and sending a statement (use cases over the repository port)', () => {
  it('BIL-1 prepares the month once, with its paying sessions; a re-run keeps the statement and adds a session finalised since', async () => {
    const repo = new InMemoryStatements();
    repo.session('S-1', '2026-10-14');
    repo.session('S-SEPT', '2026-09-30');
    const first = await prepareStatement(repo, { organisationId: ORG, month: '2026-10', at: '2026-11-01T05:00:00Z' });
    expect(first).toMatchObject({
      organisationName: 'Centre Pix de Lyon',
      email: 'centre@lyon.test',
      month: '2026-10',
      state: 'prepared',
      dueAt: statementDueAt('2026-10').toISOString(),
    });
    expect(sessionIds(first)).toEqual(['S-1']);
    expect(first.totals).toMatchObject({ candidates: 2, pixShareInclVatCents: 2000 });

    repo.session('S-2', '2026-10-31'); // held on the last evening, finalised on the 2nd
    const again = await prepareStatement(repo, { organisationId: ORG, month: '2026-10', at: '2026-11-02T05:00:00Z' });
    expect(again.id).toBe(first.id);
    expect(sessionIds(again)).toEqual(['S-1', 'S-2']);
    expect(repo.statements).toHaveLength(1);
    expect(repo.log.filter((e) => e.type === 'statement-prepared')).toEqual([
      {
        type: 'statement-prepared',
        statementId: first.id,
        data: { organisationId: ORG, month: '2026-10', sessions: 1, pixShareInclVatCents: 2000 },
      },
    ]);
  });

  it('BIL-1 refuses to prepare the statement of an unknown organisation', async () => {
    const repo = new InMemoryStatements();
    await expect(
      prepareStatement(repo, { organisationId: '00000000-0000-4000-8000-00000000dead', month: '2026-10', at: '2026-11-01T05:00:00Z' }),
    ).rejects.toThrow(NotFound);
    expect(repo.statements).toEqual([]);
  });

  it('BIL-1 a statement sent after its due instant is late; what it declares as of then is frozen on it, and a later session is carried to the next open statement', async () => {
    const repo = new InMemoryStatements();
    repo.session('S-1', '2026-10-14');
    const october = await prepareStatement(repo, { organisationId: ORG, month: '2026-10', at: '2026-11-01T05:00:00Z' });
    repo.session('S-2', '2026-10-20'); // finalised after the 1st: on October's statement when it is sent
    const november = await prepareStatement(repo, { organisationId: ORG, month: '2026-11', at: '2026-12-01T05:00:00Z' });
    expect(sessionIds(november)).toEqual([]);

    expect(await markStatementSent(repo, { statementId: october.id, sentAt: '2026-12-02T10:00:00Z', actor: 'centre' })).toEqual({
      late: true,
    });
    const sent = repo.statements.find((s) => s.id === october.id)!;
    expect(sent.state).toBe('sent');
    expect(sessionIds(sent.content)).toEqual(['S-1', 'S-2']);
    expect(repo.sessions.map((s) => s.statementId)).toEqual([october.id, october.id]);
    expect(repo.log.at(-1)).toEqual({ type: 'statement-sent', statementId: october.id, data: { late: true } });

    // An October session finalised once October was sent goes on November's (the earliest open) statement.
    repo.session('S-3', '2026-10-30');
    await refreshOpenStatements(repo, [ORG]);
    expect(sessionIds(repo.statements.find((s) => s.id === november.id)!.content)).toEqual(['S-3']);
    expect(sessionIds(sent.content)).toEqual(['S-1', 'S-2']);
  });

  it('BIL-1 sending is idempotent: a second report answers the first outcome and changes nothing', async () => {
    const repo = new InMemoryStatements();
    repo.session('S-1', '2026-10-14');
    const october = await prepareStatement(repo, { organisationId: ORG, month: '2026-10', at: '2026-11-01T05:00:00Z' });
    expect(await markStatementSent(repo, { statementId: october.id, sentAt: '2026-11-03T10:00:00Z', actor: 'centre' })).toEqual({
      late: false,
    });
    const logged = repo.log.length;
    expect(await markStatementSent(repo, { statementId: october.id, sentAt: '2026-11-20T10:00:00Z', actor: 'centre' })).toEqual({
      late: false,
    });
    expect(repo.log).toHaveLength(logged);
    expect(repo.statements[0]!.sentAt).toBe('2026-11-03T10:00:00Z');
    await expect(markStatementSent(repo, { statementId: 'unknown', sentAt: '2026-11-03T10:00:00Z', actor: 'centre' })).rejects.toThrow(
      NotFound,
    );
  });
});

describe('BIL-2 invoice and payment (use case over the repository port)', () => {
  async function sentStatement() {
    const repo = new InMemoryStatements();
    repo.session('S-1', '2026-10-14');
    const { id } = await prepareStatement(repo, { organisationId: ORG, month: '2026-10', at: '2026-11-01T05:00:00Z' });
    return { repo, id };
  }
  const now = () => new Date('2026-12-01T10:00:00Z');

  it('BIL-2 no invoice before the centre sent its statement; no payment dated before the invoice', async () => {
    const { repo, id } = await sentStatement();
    await expect(
      applyInvoiceEvent(repo, id, { kind: 'invoiced', issuedOn: '2026-11-10', amountEur: 20 }, 'ops', now),
    ).rejects.toMatchObject({ ruleId: 'BIL-2' });
    await markStatementSent(repo, { statementId: id, sentAt: '2026-11-03T10:00:00Z', actor: 'centre' });
    await applyInvoiceEvent(repo, id, { kind: 'invoiced', issuedOn: '2026-11-10', amountEur: 20 }, 'ops', now);
    const early = applyInvoiceEvent(repo, id, { kind: 'paid', paidOn: '2026-11-09' }, 'ops', now);
    await expect(early).rejects.toThrow(TransitionRefused);
    await expect(early).rejects.toThrow('paid on 2026-11-09, before the invoice of 2026-11-10');
    await applyInvoiceEvent(repo, id, { kind: 'paid', paidOn: '2026-11-10' }, 'ops', now);
    expect(repo.statements[0]!.state).toBe('paid');
    expect(repo.log.map((e) => e.type)).toEqual(['statement-prepared', 'statement-sent', 'statement-invoiced', 'statement-paid']);
    await expect(applyInvoiceEvent(repo, 'unknown', { kind: 'paid', paidOn: '2026-11-10' }, 'ops', now)).rejects.toThrow(NotFound);
  });
});

describe('SUS-3 TER-5 amounts payable at once (use case over the repository port)', () => {
  function payability(organisations: Map<string, string | null>): PayabilityRepository & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async makeOrganisationsPayableFrom(id, on) {
        const current = organisations.get(id);
        if (current === undefined || (current !== null && current <= on)) return false;
        organisations.set(id, on);
        return true;
      },
      async organisationExists(id) {
        return organisations.has(id);
      },
      async makeStatementsPayableFrom(id, on) {
        calls.push(`statements ${id} ${on}`);
        return [];
      },
      async liftSuspensionPayability() {},
      async lockInsolvencyProceedings() {
        return false;
      },
      async recordInsolvencyProceedings() {},
    };
  }

  it('SUS-3 an unknown organisation is refused; a later day than the one recorded changes nothing but is no error (idempotent)', async () => {
    const repo = payability(new Map([[ORG, null]]));
    await expect(
      amountsPayableNow(repo, { organisationId: 'unknown', on: '2026-05-01', ruleId: 'SUS-3', actor: 'system' }),
    ).rejects.toThrow(NotFound);
    expect(repo.calls).toEqual([]);
    expect(await amountsPayableNow(repo, { organisationId: ORG, on: '2026-05-01', ruleId: 'SUS-3', actor: 'system' })).toEqual({
      organisationId: ORG,
      on: '2026-05-01',
      ruleId: 'SUS-3',
      statements: [],
    });
    expect(await amountsPayableNow(repo, { organisationId: ORG, on: '2026-06-01', ruleId: 'TER-5', actor: 'system' })).toMatchObject({
      statements: [],
    });
    expect(repo.calls).toEqual([`statements ${ORG} 2026-05-01`, `statements ${ORG} 2026-06-01`]);
  });
});
