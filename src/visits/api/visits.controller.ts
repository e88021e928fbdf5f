import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { CHECKLIST_ITEMS, type FindingsInput } from '../domain/findings';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import {
  centreRisk,
  getVisit,
  inspectorAssignedTo,
  listVisits,
  planPeriod,
  proposePlan,
  recordFindings,
  riskRanking,
  type VisitDeps,
} from '../usecases/visits';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS, MAIL_RECIPIENTS } from '../../http/tokens';
import type { MailRecipients } from '../../mail/usecases/queue-email';
import { validateBody } from '../../http/validation';
import { pageParams, placeFilter, singleValues } from '../../agrement/api/list-query';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const uuid = (field: string) => new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand(field, `${field} must be a UUID`) });
const optionalUuid = (field: string) =>
  new ParseUUIDPipe({ optional: true, exceptionFactory: () => new InvalidCommand(field, `${field} must be a UUID`) });
const isoDate = { type: 'string', format: 'date', description: 'ISO date (YYYY-MM-DD)' } as const;

/** POST /visit-plans */
export const planSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: {
    from: isoDate,
    to: isoDate,
    announcedShare: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'VIS-1, VIS-2: share of announced control visits (default: parameters)',
    },
  },
} as const;

const checklistItem = {
  type: 'object',
  additionalProperties: false,
  required: ['result'],
  properties: {
    result: { type: 'string', enum: ['ok', 'ko'] },
    notes: { type: 'string', maxLength: 2000, description: 'What was found; required when ko' },
  },
} as const;

/** POST /control-visits/:id/findings (VIS-4) */
export const findingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['checklist'],
  properties: {
    checklist: {
      type: 'object',
      additionalProperties: false,
      required: [...CHECKLIST_ITEMS],
      description: 'VIS-4: premises; connection and equipment; staffing; mastery of session organisation',
      properties: Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, checklistItem])),
    },
    proposeBreach: { type: 'boolean', description: 'BRE-1: propose a breach notice to the legal team' },
    proposeSuspension: { type: 'boolean', description: 'SUS-1: propose a suspension to the legal team' },
    summary: { type: 'string', maxLength: 4000 },
    costEur: { type: 'number', minimum: 0, description: 'VIS-3, APP-3: actual cost; the centre is charged within the cap' },
  },
} as const;

/**
 * Control visits (VIS-1..5, APP-3): risk scores, plans, findings. E-mails are queued in the outbox (once per key);
 * the worker's sender delivers them (src/mail/usecases/outbox.ts).
 */
@ApiTags('visits')
@ApiBearerAuth()
@Controller()
export class VisitsController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(MAIL_RECIPIENTS) private readonly recipients: MailRecipients,
  ) {}

  private visitDeps(): VisitDeps {
    return {
      db: this.deps.db,
      now: this.deps.now,
      temporal: this.deps.temporal,
      taskQueue: this.deps.taskQueue,
      mail: { db: this.deps.db, ...this.recipients },
    };
  }

  @ApiSuccess(v.centreRisk)
  @ApiErrors(404)
  @Get('centres/:organisationId/risk')
  @Can('visits.read')
  @ApiOperation({
    summary: 'VIS-1: the centre’s risk score, every contributing factor explained (rule, clause, points, value seen, threshold)',
  })
  async risk(@CurrentPrincipal() principal: Principal, @Param('organisationId', uuid('organisationId')) organisationId: string) {
    if (!(await inspectorAssignedTo(this.deps.db, principal, organisationId))) {
      throw new NotFound(`no agreed centre ${organisationId}`, { organisationId });
    }
    return centreRisk(this.deps, organisationId);
  }

  @ApiSuccess(v.riskRanking)
  @Get('control-visits/risk-ranking')
  @Can('visits.read')
  @ApiOperation({
    summary:
      'VIS-1: the centres under a running agrément, riskiest first (the order the planner takes them in), each with its contributing factors explained; an inspector sees only the centres of their own visits',
  })
  @ApiQuery({ name: 'department', required: false, description: 'INSEE department code, e.g. 69, 2A, 974' })
  @ApiQuery({ name: 'region', required: false, description: 'INSEE region code (GET /dashboard/regions)' })
  @ApiPage({ limitDescription: '1 to 1,000 (default 50)' })
  async ranking(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, unknown>) {
    const q = singleValues(raw);
    if (q.format !== undefined) throw new InvalidCommand('format', 'format is not supported here: the ranking is JSON only');
    return riskRanking(this.deps, { ...placeFilter(q), ...pageParams(q) }, principal);
  }

  @ApiSuccess(v.visitView)
  @ApiErrors(404)
  @Get('control-visits/:id')
  @Can('visits.read')
  @ApiOperation({ summary: 'VIS-4: one control visit, with its findings once recorded (an inspector: only their own; otherwise 404)' })
  async visit(@CurrentPrincipal() principal: Principal, @Param('id', uuid('id')) id: string) {
    return getVisit(this.deps.db, id, principal);
  }

  @Post('visit-plans/proposal')
  @Can('visits.plan')
  @HttpCode(200)
  @ApiOperation({
    summary: 'VIS-1..5, APP-3: the plan POST /visit-plans would record for this period now, for review: nothing recorded, nothing sent',
    description:
      'The same body and the same planning as POST /visit-plans (visits, centres left out with their reason, visits already planned); ' +
      'confirming is POST /visit-plans with the same body, which plans on the data of that moment.',
  })
  @ApiSuccess(v.visitPlanProposal)
  @ApiBody({ schema: planSchema as object })
  async propose(@Body() body: unknown) {
    return proposePlan(this.visitDeps(), validateBody<{ from: string; to: string; announcedShare?: number }>(planSchema, body ?? {}));
  }

  @Post('visit-plans')
  @Can('visits.plan')
  @HttpCode(201)
  @ApiOperation({
    summary: 'VIS-1..5, APP-3: plan the control visits of a period',
    description:
      'The riskiest centres without a visit in the period, within the inspectors’ capacity; each to an inspector covering its department, ' +
      'never of its own centre or network (VIS-5); unannounced visits during a scheduled session (VIS-1), announced ones with a registered ' +
      'letter at least 5 working days before (VIS-2); cost within 120 € (250 € for a conformity visit: VIS-3, APP-3). Centres left out are ' +
      'explained. The centre’s notice and the inspector’s assignment are e-mailed once; planning the same period again plans nothing twice.',
  })
  @ApiSuccess(v.visitPlan, { status: 201 })
  @ApiErrors(409)
  @ApiBody({ schema: planSchema as object })
  async plan(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const request = validateBody<{ from: string; to: string; announcedShare?: number }>(planSchema, body ?? {});
    return planPeriod(this.visitDeps(), request, principal);
  }

  @ApiSuccess(v.visitList)
  @Get('visit-plans')
  @Can('visits.read')
  @ApiOperation({ summary: 'The visits planned in a period, of one centre if asked (an inspector sees only their own)' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO date' })
  @ApiQuery({ name: 'to', required: true, description: 'ISO date' })
  @ApiQuery({ name: 'organisationId', required: false, description: 'Only the visits of this centre (issue 14: the centre’s page)' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('organisationId', optionalUuid('organisationId')) organisationId?: string,
  ) {
    return listVisits(this.deps.db, { from: from as string, to: to as string, organisationId }, principal);
  }

  @Post('control-visits/:id/findings')
  @Can('visits.record-findings')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'VIS-4: record a visit’s findings (audited); serious findings are proposed to the legal team (BRE-1 breach notice, SUS-1 suspension) ' +
      'as open proposals of the agrément, confirmed or declined through its confirm-proposal / decline-proposal actions (BRE-4)',
    description:
      '409 names the rule: VIS-4 (not yet visited, already recorded, cancelled, a proposal without a failed item), APP-3 (a proposal after a conformity visit).',
  })
  @ApiSuccess(v.findingsResult)
  @ApiErrors(404, 409)
  @ApiBody({ schema: findingsSchema as object })
  async findings(@CurrentPrincipal() principal: Principal, @Param('id', uuid('id')) id: string, @Body() body: unknown) {
    const input = validateBody<FindingsInput>(findingsSchema, body ?? {});
    return recordFindings(this.visitDeps(), id, input, principal);
  }
}
