import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertNotOwnAccess } from '../domain/review';
import { isRole, type Principal, ROLES, type Role } from '../domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import { createUserAudited, deactivateUserAudited, getUser, issueTokenAudited, listUsers, revokeTokenAudited } from '../usecases/accesses';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { Actor, IdempotencyKey } from '../../http/actor';
import { Can, CurrentPrincipal } from '../../http/auth';
import type { Authenticator } from '../../http/auth/authenticator';
import { APPLICATION_DEPS, AUTHENTICATOR } from '../../http/tokens';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';
import { validateBody } from '../../http/validation';
import { createUserSchema, issueTokenSchema, reasonSchema } from './schemas';

const idParam = (name: string) => new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand(name, `${name} must be a UUID`) });

/**
 * DATA-3: Pix operations manage accesses: create users (one login each, an access profile, an
 * organisation for a centre or coordinator), issue and revoke their tokens, deactivate an obsolete access
 * (all its tokens revoked). Every act is recorded in the event log with its actor; a removal with its reason.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  @Get()
  @Can('users.read')
  @ApiOperation({ summary: 'Users with role, organisation, active flag and tokens (label, created, expires, last use, revoked) (DATA-3)' })
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'role', required: false, enum: [...ROLES] })
  @ApiSuccess(v.userList, { description: 'The users' })
  @ApiErrors([400, 'Invalid query parameter (named in `field`)'])
  list(@Query('active') active?: string, @Query('role') role?: string) {
    if (active !== undefined && active !== 'true' && active !== 'false') throw new InvalidCommand('active', 'active must be true or false');
    if (role !== undefined && !isRole(role)) throw new InvalidCommand('role', 'role is not a known role');
    return listUsers(
      this.deps.db,
      { active: active === undefined ? undefined : active === 'true', role: role as Role | undefined },
      this.deps.now(),
    );
  }

  @Get(':id')
  @Can('users.read')
  @ApiOperation({ summary: 'One user and their tokens (DATA-3)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiSuccess(v.userView, { description: 'The user' })
  @ApiErrors([404, 'Unknown user'])
  one(@Param('id', idParam('id')) id: string) {
    return getUser(this.deps.db, id, this.deps.now());
  }

  @Post()
  @Can('users.manage')
  @ApiOperation({ summary: 'Create a user (DATA-3: one login per e-mail address); a centre or coordinator names its organisation' })
  @ApiBody({ schema: createUserSchema as object })
  @ApiSuccess(v.userView, { status: 201, description: 'The user, without token (issue one with POST /users/{id}/tokens)' })
  @ApiErrors([400, 'Invalid field (named in `field`), e-mail already used, unknown organisation'])
  create(@Body() body: unknown, @Actor() actor: string) {
    const input = validateBody<{ name: string; email: string; role: Role; organisationId?: string }>(createUserSchema, body ?? {});
    return createUserAudited(this.deps.db, input, actor, this.deps.now());
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Can('users.manage')
  @ApiOperation({
    summary: 'Remove an obsolete access (DATA-3): the user is deactivated and every token of theirs revoked at once; a reason is required',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: reasonSchema as object })
  @ApiSuccess(v.userView, { description: 'The user as it now stands (deactivating again changes nothing)' })
  @ApiErrors([400, 'reason missing'], [404, 'Unknown user'], [409, 'DATA-3: an operator does not deactivate their own access'])
  async deactivate(
    @Param('id', idParam('id')) id: string,
    @Body() body: unknown,
    @Actor() actor: string,
    @CurrentPrincipal() p: Principal,
  ) {
    const { reason } = validateBody<{ reason: string }>(reasonSchema, body ?? {});
    assertNotOwnAccess(id, p.userId, 'id');
    const user = await deactivateUserAudited(this.deps.db, id, reason.trim(), actor, this.deps.now());
    this.authenticator.invalidate?.();
    return user;
  }

  @Post(':id/tokens')
  @Can('tokens.manage')
  @ApiOperation({ summary: 'Issue a token to a user (DATA-3): the secret is answered once, only its hash is stored; lifetime bounded' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: issueTokenSchema as object })
  @ApiSuccess(v.issuedToken, { status: 201, description: 'The token (secret shown once), its id and expiry' })
  @ApiErrors(
    [400, 'Invalid field (named in `field`), e.g. lifetimeDays beyond the maximum'],
    [404, 'Unknown user'],
    [409, 'DATA-3: the user is deactivated, or a token was already issued for this Idempotency-Key'],
  )
  issue(@Param('id', idParam('id')) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const input = validateBody<{ label: string; lifetimeDays?: number }>(issueTokenSchema, body ?? {});
    return issueTokenAudited(this.deps.db, id, input, actor, this.deps.now(), key);
  }

  @Post(':id/tokens/:tokenId/revoke')
  @HttpCode(200)
  @Can('tokens.manage')
  @ApiOperation({ summary: 'Revoke a user’s token (DATA-3): refused at once; a reason is required' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'tokenId', format: 'uuid' })
  @ApiBody({ schema: reasonSchema as object })
  @ApiSuccess(v.tokenView, { description: 'The token as it now stands (revoking again changes nothing)' })
  @ApiErrors([400, 'reason missing'], [404, 'Unknown user or token, or a token of another user'])
  async revoke(
    @Param('id', idParam('id')) id: string,
    @Param('tokenId', idParam('tokenId')) tokenId: string,
    @Body() body: unknown,
    @Actor() actor: string,
  ) {
    const { reason } = validateBody<{ reason: string }>(reasonSchema, body ?? {});
    const token = await revokeTokenAudited(this.deps.db, id, tokenId, reason.trim(), actor, this.deps.now());
    this.authenticator.invalidate?.();
    return token;
  }
}
