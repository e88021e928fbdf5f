import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { canSeeOrganisation } from '../../access/domain/permissions';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { organisationNetworkId } from '../../access/usecases/scope';
import { AgrementEntity } from '../../entities';
import { getAgrement } from '../usecases/agrements';
import { joinNetwork, leaveNetwork, type MemberDetails } from '../usecases/network-members';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { Actor, IdempotencyKey } from '../../http/actor';
import { createApplicationSchema } from '../../application/api/schemas';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const uuid = (field: string) => new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand(field, `${field} must be a UUID`) });
const isoDate = {
  type: 'string',
  format: 'date',
  description: 'The day of the change (default: today in the centre’s zone); never in the future',
} as const;
const reason = {
  type: 'string',
  minLength: 1,
  maxLength: 2000,
  description: "Why (the coordinating entity's declaration, Pix's examination): recorded in the event log",
} as const;
const evidence = { type: 'string', minLength: 1, maxLength: 5000, description: 'Evidence: recorded in the event log' } as const;
/** The member as a network application lists it (APP-1, ELIG-1 category, DOC-1 UAI, department). */
const member = createApplicationSchema.properties.network.properties.members.items;

const joinSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    organisationId: {
      type: 'string',
      format: 'uuid',
      description: 'An organisation already registered (e.g. a centre that left); or give `member`',
    },
    member: { ...member, description: 'The joining centre, when it is not registered yet' },
    on: isoDate,
    reason,
    evidence,
  },
} as const;

const leaveSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { on: isoDate, reason, evidence },
} as const;

/**
 * Network members during the agrément (ELIG-4, QUO-1; CdC §3.1.2, §3.2.2): Pix operations record a centre joining or
 * leaving an agreed network, audited in the agrément's event log. 409 names the rule (ELIG-4, TER-5).
 */
@ApiTags('agrements')
@ApiBearerAuth()
@Controller('agrements')
export class NetworkMembersController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  /** The agrément if the principal may see it (404 otherwise, DATA-3). */
  private async visible(principal: Principal, id: string): Promise<void> {
    const row = await this.deps.db.getRepository(AgrementEntity).findOne({ where: { id }, select: { id: true, organisationId: true } });
    if (!row || !canSeeOrganisation(principal, row.organisationId, await organisationNetworkId(this.deps.db, row.organisationId))) {
      throw new NotFound(`agrément ${id} not found`, { agrementId: id });
    }
  }

  @Post(':id/members')
  @Can('agrement.network-members')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A centre joins an agreed network (ELIG-4: a type A network admits only centres individually eligible, ELIG-1; a type B network’s coverage is recomputed). Its finalised sessions count for the network (QUO-1). 409 ELIG-4 names the failing checks.',
  })
  @ApiSuccess(v.agrementView)
  @ApiErrors(404, 409)
  @ApiBody({ schema: joinSchema as object })
  async join(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('id')) id: string,
    @Body() body: unknown,
    @Actor() actor: string,
    @IdempotencyKey() key?: string,
  ) {
    await this.visible(principal, id);
    const b = validateBody<{ organisationId?: string; member?: MemberDetails; on?: string; reason: string; evidence?: string }>(
      joinSchema,
      body ?? {},
    );
    if (!b.organisationId === !b.member)
      throw new InvalidCommand('member', 'give either organisationId (a registered organisation) or member (a new one)');
    await joinNetwork(
      this.deps,
      id,
      { organisationId: b.organisationId, member: b.member, on: b.on, actor, reason: b.reason, evidence: b.evidence ?? null },
      key,
    );
    return getAgrement(this.deps, id);
  }

  @ApiSuccess(v.agrementView)
  @ApiErrors(404, 409)
  @Post(':id/members/:organisationId/remove')
  @Can('agrement.network-members')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A centre leaves an agreed network (ELIG-4: the network keeps at least one member; a type B network’s coverage is recomputed)',
  })
  @ApiBody({ schema: leaveSchema as object })
  async leave(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuid('id')) id: string,
    @Param('organisationId', uuid('organisationId')) organisationId: string,
    @Body() body: unknown,
    @Actor() actor: string,
    @IdempotencyKey() key?: string,
  ) {
    await this.visible(principal, id);
    const b = validateBody<{ on?: string; reason: string; evidence?: string }>(leaveSchema, body ?? {});
    await leaveNetwork(this.deps, id, { organisationId, on: b.on, actor, reason: b.reason, evidence: b.evidence ?? null }, key);
    return getAgrement(this.deps, id);
  }
}
