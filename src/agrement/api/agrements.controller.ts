import { Body, Controller, Get, HttpCode, Inject, Logger, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PARAMETERS } from '../../config/parameters';
import { AGREMENT_STATES } from '../domain/agrement';
import { assertCan, canSeeOrganisation } from '../../access/domain/permissions';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { organisationNetworkId, visibleOrganisationIds } from '../../access/usecases/scope';
import { AgrementEntity } from '../../entities';
import { dateIn } from '../../shared/domain/zoned-time';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { actOnAgrement, checkSessionAllowed, getAgrement, listAgrementsView } from '../usecases/agrements';
import { listAffectedSessions } from '../usecases/affected-sessions';
import { whatIfOnAgrement } from '../usecases/what-if';
import { Actor, IdempotencyKey } from '../../http/actor';
import { AuthenticatedOnly, Can, CurrentPrincipal } from '../../http/auth';
import { Expensive } from '../../http/security/throttling';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam as int, ownEntry, validateBody } from '../../http/validation';
import { type ActionBody, AGREMENT_ACTION_NAMES, AGREMENT_ACTIONS } from './actions';
import { WHAT_IF_BODY_SCHEMA, WHAT_IF_DESCRIPTION } from './what-if';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

@ApiTags('agrements')
@ApiBearerAuth()
@Controller('agrements')
export class AgrementsController {
  private readonly logger = new Logger('WhatIf');

  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  /** A centre sees only its own agrément, a coordinator its network's: others answer 404, as if unknown. */
  /** The agrément if the principal may see it (404 otherwise, DATA-3), with its centre's zone. */
  private async visible(principal: Principal, id: string): Promise<{ timeZone: string }> {
    const row = await this.deps.db
      .getRepository(AgrementEntity)
      .findOne({ where: { id }, select: { id: true, organisationId: true, snapshot: true } });
    if (!row || !canSeeOrganisation(principal, row.organisationId, await organisationNetworkId(this.deps.db, row.organisationId))) {
      throw new NotFound(`agrément ${id} not found`, { agrementId: id });
    }
    return { timeZone: (row.snapshot as { timeZone?: string } | null)?.timeZone ?? PARAMETERS.agrement.timeZone };
  }

  @ApiSuccess(v.agrementList)
  @Get()
  @Can('agrement.read')
  @ApiOperation({ summary: 'List agréments, optionally by state, soonest deadline first' })
  @ApiQuery({ name: 'state', required: false, enum: [...AGREMENT_STATES] })
  @ApiPage()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('state') state?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    if (state !== undefined && !(AGREMENT_STATES as readonly string[]).includes(state)) {
      throw new InvalidCommand('state', `state must be one of: ${AGREMENT_STATES.join(', ')}`);
    }
    const organisationIds = (await visibleOrganisationIds(this.deps.db, principal)) ?? undefined;
    return listAgrementsView(this.deps, {
      state,
      organisationIds,
      limit: int('limit', limit, 50, 1, 500),
      offset: int('offset', offset, 0, 0, 1_000_000),
    });
  }

  @ApiSuccess(v.agrementView)
  @ApiErrors(404)
  @Get(':id')
  @Can('agrement.read')
  @ApiOperation({ summary: 'One agrément: state, term, référent, quota, open procedures, pending deadlines and the audited timeline' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string) {
    await this.visible(principal, id);
    return getAgrement(this.deps, id);
  }

  @ApiSuccess(v.sessionAllowed)
  @ApiErrors(404, [409, 'SES-9: the rule that blocks sessions now (SUS-2, REF-2, AGR-4, TER-5)'])
  @Post(':id/sessions/check')
  @Can('agrement.read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'May the centre organise a session or register candidates now? 409 names the rule (SES-9: SUS-2, REF-2, AGR-4, TER-5)',
  })
  async checkSession(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string) {
    await this.visible(principal, id);
    return checkSessionAllowed(this.deps, id);
  }

  @ApiSuccess(v.simulatedTimeline)
  @ApiErrors(404)
  @Post(':id/what-if')
  @Expensive()
  @Can('simulation.run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What-if from the agrément as it stands: hypothetical future events, the dated timeline they lead to (nothing real changes)',
    description: WHAT_IF_DESCRIPTION,
  })
  @ApiBody({ schema: WHAT_IF_BODY_SCHEMA as object })
  async whatIf(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string, @Body() body: unknown) {
    await this.visible(principal, id);
    return whatIfOnAgrement(this.deps, id, body, (m) => this.logger.log(m));
  }

  @Get(':id/affected-sessions')
  @Can('agrement.affected-sessions')
  @ApiOperation({
    summary: 'The planned sessions the agrément blocks or puts at risk (SES-9: SUS-2, SUS-6, TER-3, TER-5, AGR-4; BRE-1 at risk)',
    description:
      "Sessions still planned and not yet started that the agrément as it stands blocks — while suspended (SUS-2; a network as a whole, its member centres too: SUS-6) or under force majeure (TER-3), on or after a termination's effective date or after the end (TER-5), on or after the term without an accepted renewal (AGR-4) — or puts at risk under a formal notice (BRE-1: after the cure is due, Pix may terminate). Each with its rule and the day from which it applies. A network's member centre sees its own sessions under the network's agrément.",
  })
  @ApiSuccess(v.affectedSessions)
  @ApiErrors(404)
  async affectedSessions(@CurrentPrincipal() principal: Principal, @Param('id', idParam) id: string) {
    const row = await this.deps.db.getRepository(AgrementEntity).findOne({ where: { id }, select: { id: true, organisationId: true } });
    if (row && canSeeOrganisation(principal, row.organisationId, await organisationNetworkId(this.deps.db, row.organisationId)))
      return listAffectedSessions(this.deps, id);
    // SUS-6: a member centre of the network sees its own sessions under the network's agrément, and nothing else.
    if (
      row &&
      principal.role === 'centre' &&
      principal.organisationId &&
      (await organisationNetworkId(this.deps.db, principal.organisationId)) === row.organisationId
    ) {
      return listAffectedSessions(this.deps, id, { organisationIds: [principal.organisationId] });
    }
    throw new NotFound(`agrément ${id} not found`, { agrementId: id });
  }

  @Post(':id/actions/:action')
  @AuthenticatedOnly()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Act on an agrément (audited: actor, time, reason, evidence)',
    description: AGREMENT_ACTION_NAMES.map((n) => `- \`${n}\` (${AGREMENT_ACTIONS[n]!.permission}): ${AGREMENT_ACTIONS[n]!.summary}`).join(
      '\n',
    ),
  })
  @ApiSuccess(v.agrementView)
  @ApiErrors(403, 404, 409)
  @ApiParam({ name: 'action', enum: AGREMENT_ACTION_NAMES })
  @ApiBody({ schema: { oneOf: AGREMENT_ACTION_NAMES.map((n) => ({ title: n, ...AGREMENT_ACTIONS[n]!.schema }) as object) } })
  async act(
    @Param('id', idParam) id: string,
    @Param('action') actionName: string,
    @Body() body: unknown,
    @Actor() actor: string,
    @CurrentPrincipal() principal: Principal,
    @IdempotencyKey() key?: string,
  ) {
    const spec = ownEntry(AGREMENT_ACTIONS, actionName);
    if (!spec) throw new InvalidCommand('action', `action must be one of: ${AGREMENT_ACTION_NAMES.join(', ')}`);
    // The permission depends on the action: only the legal team suspends, notifies, cures, terminates (SUS-1, BRE-1, BRE-3, BRE-4).
    assertCan(principal, spec.permission);
    const { timeZone } = await this.visible(principal, id);
    const b = validateBody<ActionBody>(spec.schema, body ?? {});
    // Every date of an agrément is a date in its centre's zone.
    const today = dateIn(this.deps.now(), timeZone);
    await actOnAgrement(
      this.deps,
      id,
      { action: spec.toAction(b, today, {}), actor, reason: b.reason ?? null, evidence: b.evidence ?? null },
      key,
    );
    return getAgrement(this.deps, id);
  }
}
