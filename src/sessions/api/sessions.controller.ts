import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import { listRuleSets } from '../rules';
import { loadRuleCatalogue } from '../usecases/rule-sets/catalogue';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { REMEDY_KINDS, type RemedyKind } from '../domain/remedy';
import { getSession, listSessions, storedReport } from '../usecases/read-sessions';
import { recordSessionRemedy } from '../usecases/remedy';
import { dryRunSession, errorOf, type ReportOutcome, reportSessions } from '../usecases/report-sessions';
import { SESSION_REPORT_SCHEMA, type SessionReport } from '../usecases/session-report';
import { Actor } from '../../http/actor';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam as int, validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const SESSION_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATUSES = ['planned', 'finalised', 'cancelled'];

const cancelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;
const finaliseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['candidatesWhoSat'],
  properties: {
    finalisedAt: { type: 'string', format: 'date-time' },
    candidatesWhoSat: { type: 'integer', minimum: 0 },
    incidents: SESSION_REPORT_SCHEMA.properties.finalisation.properties.incidents,
    fraudReports: SESSION_REPORT_SCHEMA.properties.finalisation.properties.fraudReports,
    endOfTestChecks: SESSION_REPORT_SCHEMA.properties.finalisation.properties.endOfTestChecks,
  },
} as const;

const remedySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'candidateLocalIds'],
  properties: {
    kind: { type: 'string', enum: REMEDY_KINDS },
    candidateLocalIds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 64 } },
    note: { type: ['string', 'null'], maxLength: 2000 },
  },
} as const;

/** SES-1: sessions as Pix Certif reports them, judged by the rules in force on their date (AGR-6), each with its SES-10 workflow. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller()
export class SessionsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  private async scope(principal: Principal): Promise<string[] | undefined> {
    return (await visibleOrganisationIds(this.deps.db, principal)) ?? undefined;
  }

  /** One report through the same path as an import; a refusal becomes its HTTP error (400, 404, 409, 422). */
  private async report(principal: Principal, actor: string, body: unknown, mode: 'create' | 'update', res: Response) {
    const [outcome] = (await reportSessions(this.deps, [body], {
      actor,
      source: 'api',
      mode,
      organisationIds: await this.scope(principal),
    })) as [ReportOutcome];
    if (outcome.outcome === 'refused') throw errorOf(outcome.error);
    res.status(outcome.outcome === 'created' ? 201 : 200);
    return { outcome: outcome.outcome, session: await getSession(this.deps, outcome.sessionId) };
  }

  @Post('sessions')
  @Can('session.report')
  @ApiOperation({
    summary:
      'Report a new session (SES-1): 201; the same report again: 200 unchanged. 409 names the rule (SES-9: SUS-2, REF-2, AGR-4, TER-5), 422 lists every failing rule with actual and expected values',
  })
  @ApiSuccess(v.sessionReported, { status: [201, 200], description: '201 created; 200 the same report again (unchanged)' })
  @ApiErrors(404, 409, 422)
  @ApiBody({ schema: SESSION_REPORT_SCHEMA as object })
  create(@CurrentPrincipal() p: Principal, @Actor() actor: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.report(p, actor, body, 'create', res);
  }

  @ApiSuccess(v.sessionDryRun)
  @ApiErrors(404)
  @Post('sessions/dry-run')
  @Can('session.report')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Judge a session without recording it: blocker (SES-9), every failing rule, the passing ones with ?includePassing=true, price and deadline',
  })
  @ApiQuery({ name: 'includePassing', required: false, type: Boolean })
  @ApiBody({ schema: SESSION_REPORT_SCHEMA as object })
  async dryRun(@CurrentPrincipal() p: Principal, @Body() body: unknown, @Query('includePassing') includePassing?: string) {
    return dryRunSession(this.deps, body, { organisationIds: await this.scope(p), includePassing: includePassing === 'true' });
  }

  @ApiSuccess(v.sessionReported, { status: [200, 201] })
  @ApiErrors(404, 409, 422)
  @Put('sessions/:id')
  @Can('session.report')
  @ApiOperation({
    summary:
      'Update a session as Pix Certif reports it again (moving it moves its SES-10 deadline); finalised or cancelled sessions no longer change (409)',
  })
  @ApiBody({ schema: SESSION_REPORT_SCHEMA as object })
  update(
    @CurrentPrincipal() p: Principal,
    @Actor() actor: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    checkId(id);
    if (body && typeof body === 'object' && (body as { id?: unknown }).id !== undefined && (body as { id?: unknown }).id !== id) {
      throw new InvalidCommand('id', `id in the body (${String((body as { id: unknown }).id)}) differs from the path (${id})`);
    }
    return this.report(p, actor, { ...(body as object), id }, 'update', res);
  }

  @ApiSuccess(v.sessionReported, { status: [200, 201] })
  @ApiErrors(404, 409, 422)
  @Post('sessions/:id/cancel')
  @Can('session.report')
  @ApiOperation({ summary: 'Cancel a session (SES-7): its SES-10 workflow ends' })
  @ApiBody({ schema: cancelSchema as object })
  async cancel(
    @CurrentPrincipal() p: Principal,
    @Actor() actor: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    checkId(id);
    const { reason } = validateBody<{ reason: string }>(cancelSchema, body ?? {});
    const report = await storedReport(this.deps, id, await this.scope(p));
    return this.report(p, actor, { ...report, status: 'cancelled', cancellation: { reason } } satisfies SessionReport, 'update', res);
  }

  @ApiSuccess(v.sessionReported, { status: [200, 201] })
  @ApiErrors(404, 409, 422)
  @Post('sessions/:id/finalise')
  @Can('session.report')
  @ApiOperation({
    summary:
      'Finalise a session (SES-10): incidents, fraud reports, end-of-test checks; the candidates who sat count once in the quota (QUO-3)',
  })
  @ApiBody({ schema: finaliseSchema as object })
  async finalise(
    @CurrentPrincipal() p: Principal,
    @Actor() actor: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    checkId(id);
    const b = validateBody<{
      finalisedAt?: string;
      candidatesWhoSat: number;
      incidents?: never[];
      fraudReports?: never[];
      endOfTestChecks?: never[];
    }>(finaliseSchema, body ?? {});
    const report = await storedReport(this.deps, id, await this.scope(p));
    const finalisation = {
      finalisedAt: b.finalisedAt ?? this.deps.now().toISOString(),
      candidatesWhoSat: b.candidatesWhoSat,
      incidents: b.incidents ?? [],
      fraudReports: b.fraudReports ?? [],
      endOfTestChecks: b.endOfTestChecks ?? [],
    };
    return this.report(p, actor, { ...report, status: 'finalised', finalisation } satisfies SessionReport, 'update', res);
  }

  @Post('sessions/:id/remedy')
  @Can('session.report')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'SES-12: record the free new session or full refund offered, within 5 days, to the candidates an incident attributable to the centre concerned; 409 SES-12 when there is nothing to remedy or it is already recorded',
  })
  @ApiSuccess(v.sessionRemedy)
  @ApiErrors(404, 409)
  @ApiBody({ schema: remedySchema as object })
  async remedy(@CurrentPrincipal() p: Principal, @Actor() actor: string, @Param('id') id: string, @Body() body: unknown) {
    checkId(id);
    const b = validateBody<{ kind: RemedyKind; candidateLocalIds: string[]; note?: string | null }>(remedySchema, body ?? {});
    return recordSessionRemedy(this.deps, id, b, actor, await this.scope(p));
  }

  @ApiSuccess(v.sessionView)
  @ApiErrors(404)
  @Get('sessions/:id')
  @Can('session.read')
  @ApiOperation({
    summary:
      'One session: the report, its price, its SES-10 deadline as its workflow holds it, the SES-12 remedy, and the verdicts of every rule in force on its date (AGR-6)',
  })
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    checkId(id);
    return getSession(this.deps, id, await this.scope(p));
  }

  @ApiSuccess(v.sessionList)
  @Get('sessions')
  @Can('session.read')
  @ApiOperation({
    summary:
      'Sessions, latest first; filters organisationId, centre (part of its name), status, from, to (dates), overdue (SES-10: still planned past the 48-hour finalisation deadline)',
  })
  @ApiQuery({ name: 'organisationId', required: false, description: 'uuid' })
  @ApiQuery({ name: 'centre', required: false, type: String, description: 'part of the centre’s name, whatever its case and accents' })
  @ApiQuery({ name: 'overdue', required: false, type: Boolean, description: 'SES-10: finalisation overdue' })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date' })
  @ApiPage()
  async list(@CurrentPrincipal() p: Principal, @Query() q: Record<string, string | undefined>) {
    if (q.status !== undefined && !STATUSES.includes(q.status))
      throw new InvalidCommand('status', `status must be one of: ${STATUSES.join(', ')}`);
    for (const f of ['from', 'to'] as const)
      if (q[f] !== undefined && !DATE.test(q[f]!)) throw new InvalidCommand(f, `${f} must be a date (YYYY-MM-DD)`);
    if (q.organisationId !== undefined && !/^[0-9a-f-]{36}$/i.test(q.organisationId))
      throw new InvalidCommand('organisationId', 'organisationId must be a uuid');
    if (q.overdue !== undefined && q.overdue !== 'true' && q.overdue !== 'false')
      throw new InvalidCommand('overdue', 'overdue must be true or false');
    if (q.centre !== undefined && (q.centre.trim() === '' || q.centre.length > 200))
      throw new InvalidCommand('centre', 'centre must be 1–200 characters');
    return listSessions(this.deps, {
      organisationIds: await this.scope(p),
      organisationId: q.organisationId,
      centre: q.centre?.trim(),
      overdueAt: q.overdue === 'true' ? this.deps.now() : undefined,
      status: q.status,
      from: q.from,
      to: q.to,
      limit: int('limit', q.limit, 50, 1, 1000),
      offset: int('offset', q.offset, 0, 0, 10_000_000),
    });
  }

  @ApiSuccess(v.ruleSetList)
  @Get('rule-sets')
  @Can('session.read')
  @ApiOperation({
    summary:
      'The session rule sets (AGR-6): the cahier shipped with the engine, then the versions published by operations (AGR-5); each version, its effective dates, source, rules with their IDs and clauses, and changed parameters',
  })
  async ruleSets() {
    return listRuleSets(await loadRuleCatalogue(this.deps.db.manager));
  }

  @ApiSuccess(v.ruleSet)
  @ApiErrors(404)
  @Get('rule-sets/:id')
  @Can('session.read')
  @ApiOperation({ summary: 'One rule-set version, e.g. sessions@2020-01' })
  async ruleSet(@Param('id') id: string) {
    const set = listRuleSets(await loadRuleCatalogue(this.deps.db.manager)).find((s) => s.id === id);
    if (!set) throw new NotFound(`rule set ${id} not found`);
    return set;
  }
}

function checkId(id: string): void {
  if (!SESSION_ID.test(id)) throw new InvalidCommand('id', 'id must be 1–64 characters of [A-Za-z0-9_.-]');
}
