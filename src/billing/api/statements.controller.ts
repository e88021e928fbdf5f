import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import { STATEMENT_STATES } from '../domain/statement';
import { isUuid } from '../../access/usecases/credentials';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { toCsv } from '../../dashboard/usecases/dashboard';
import { setInsolvencyProceedings } from '../usecases/payability';
import { getStatement, listStatements, markSent, recordInvoiceEvent } from '../usecases/statements';
import { Actor } from '../../http/actor';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam, validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' } as const;
const invoiceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuedOn', 'amountEur'],
  properties: { issuedOn: date, amountEur: { type: 'number', exclusiveMinimum: 0, maximum: 10_000_000 } },
} as const;
const paymentSchema = { type: 'object', additionalProperties: false, required: ['paidOn'], properties: { paidOn: date } } as const;
const insolvencySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['insolvencyProceedings'],
  properties: { insolvencyProceedings: { type: 'boolean' }, openedOn: { anyOf: [date, { type: 'null' }] } },
} as const;

/** BIL-1, BIL-2: the centres' monthly statements, Pix's invoices and their payment. */
@ApiTags('statements')
@ApiBearerAuth()
@Controller('statements')
export class StatementsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  private async scope(p: Principal) {
    return (await visibleOrganisationIds(this.deps.db, p)) ?? undefined;
  }

  @ApiSuccess(v.statementList, { csv: true })
  @Get()
  @Can('statement.read')
  @ApiOperation({
    summary:
      'Monthly statements (BIL-1), latest month first; filters month (YYYY-MM), state, overdue (not sent by the 5th), organisationId; ?format=csv',
  })
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM' })
  @ApiQuery({ name: 'state', required: false, enum: [...STATEMENT_STATES] })
  @ApiQuery({ name: 'overdue', required: false, type: Boolean, description: 'BIL-1: not sent by its due date' })
  @ApiQuery({ name: 'organisationId', required: false, description: 'Only this centre’s statements (issue 14: the centre’s page)' })
  @ApiPage({ format: true })
  async list(@CurrentPrincipal() p: Principal, @Query() q: Record<string, string | undefined>, @Res({ passthrough: true }) res: Response) {
    if (q.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) throw new InvalidCommand('month', 'month must be YYYY-MM');
    if (q.state !== undefined && !(STATEMENT_STATES as readonly string[]).includes(q.state))
      throw new InvalidCommand('state', `state must be one of: ${STATEMENT_STATES.join(', ')}`);
    if (q.overdue !== undefined && q.overdue !== 'true' && q.overdue !== 'false')
      throw new InvalidCommand('overdue', 'overdue must be true or false');
    const limit = intParam('limit', q.limit, 50, 1, 1000);
    const offset = intParam('offset', q.offset, 0, 0, 10_000_000);
    if (q.organisationId !== undefined && !isUuid(q.organisationId))
      throw new InvalidCommand('organisationId', 'organisationId must be a UUID');
    // DATA-3: one centre within what the principal may see (outside it, an empty page, as for any filter).
    const scope = await this.scope(p);
    const organisationIds = q.organisationId === undefined ? scope : (scope ?? [q.organisationId]).filter((id) => id === q.organisationId);
    const page = await listStatements(this.deps, {
      organisationIds,
      month: q.month,
      state: q.state,
      overdue: q.overdue === 'true',
      limit,
      offset,
    });
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return toCsv(
        page.items.map(({ totals, invoice, lateInterest, agrementId: _a, ...s }) => ({
          ...s,
          ...totals,
          invoiceIssuedOn: invoice?.issuedOn ?? '',
          paidOn: invoice?.paidOn ?? '',
          lateTotalEur: lateInterest?.totalEur ?? 0,
        })),
      );
    }
    return page;
  }

  @ApiSuccess(v.statementView)
  @ApiErrors(404)
  @Get(':id')
  @Can('statement.read')
  @ApiOperation({
    summary:
      'One statement: lines (session, candidates, price and Pix share excl./incl. VAT), due date, reminders, invoice, BIL-2 interest as of today',
  })
  async get(@CurrentPrincipal() p: Principal, @Param('id', idParam) id: string) {
    return getStatement(this.deps, id, await this.scope(p));
  }

  @Put('organisations/:organisationId/insolvency-proceedings')
  @Can('statement.invoice')
  @ApiOperation({
    summary:
      'BIL-2: operations record that insolvency proceedings (sauvegarde, redressement, liquidation judiciaire) were opened for the organisation, on openedOn (or closed: false): invoices due from then carry no 40 € recovery indemnity; interest still runs',
  })
  @ApiSuccess(v.insolvency)
  @ApiErrors(404)
  @ApiBody({ schema: insolvencySchema as object })
  async insolvency(
    @Actor() actor: string,
    @Param(
      'organisationId',
      new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('organisationId', 'organisationId must be a UUID') }),
    )
    organisationId: string,
    @Body() body: unknown,
  ) {
    const b = validateBody<{ insolvencyProceedings: boolean; openedOn?: string | null }>(insolvencySchema, body ?? {});
    return setInsolvencyProceedings(this.deps, organisationId, b, actor);
  }

  @ApiSuccess(v.statementView)
  @ApiErrors(404, 409)
  @Post(':id/sent')
  @Can('statement.send')
  @HttpCode(200)
  @ApiOperation({ summary: 'The centre has sent the statement (BIL-1): reminders stop; late when after the 5th' })
  async sent(@CurrentPrincipal() p: Principal, @Actor() actor: string, @Param('id', idParam) id: string) {
    return markSent(this.deps, id, actor, await this.scope(p));
  }

  @ApiSuccess(v.statementView)
  @ApiErrors(404, 409)
  @Post(':id/invoice')
  @Can('statement.invoice')
  @HttpCode(200)
  @ApiOperation({ summary: "Pix's invoice from the statement (BIL-2): payable within 30 days" })
  @ApiBody({ schema: invoiceSchema as object })
  async invoice(@Actor() actor: string, @Param('id', idParam) id: string, @Body() body: unknown) {
    const b = validateBody<{ issuedOn: string; amountEur: number }>(invoiceSchema, body ?? {});
    return recordInvoiceEvent(this.deps, id, { kind: 'invoiced', ...b }, actor);
  }

  @ApiSuccess(v.statementView)
  @ApiErrors(404, 409)
  @Post(':id/payment')
  @Can('statement.invoice')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The payment of the invoice (BIL-2): interest at the ECB rate + 10 points beyond 30 days, and the 40 € indemnity',
  })
  @ApiBody({ schema: paymentSchema as object })
  async payment(@Actor() actor: string, @Param('id', idParam) id: string, @Body() body: unknown) {
    const b = validateBody<{ paidOn: string }>(paymentSchema, body ?? {});
    return recordInvoiceEvent(this.deps, id, { kind: 'paid', ...b }, actor);
  }
}
