import { Body, Controller, Delete, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '../domain/permissions';
import { actorLabel, type Principal } from '../domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import { issueTokenAudited, ownTokens, revokeTokenAudited } from '../usecases/accesses';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { issueTokenSchema } from './schemas';
import { IdempotencyKey } from '../../http/actor';
import { AuthenticatedOnly, Can, CurrentPrincipal } from '../../http/auth';
import type { Authenticator } from '../../http/auth/authenticator';
import { APPLICATION_DEPS, AUTHENTICATOR } from '../../http/tokens';
import { validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  @ApiSuccess(v.me)
  @Get()
  @AuthenticatedOnly()
  @ApiOperation({ summary: 'Who I am, and the actions my role may take (the web page shows only those)' })
  me(@CurrentPrincipal() p: Principal) {
    const actions = Object.entries(PERMISSIONS)
      .filter(([, roles]) => roles.includes(p.role))
      .map(([action]) => action);
    return { name: p.name, role: p.role, organisationId: p.organisationId, actions };
  }

  @Get('tokens')
  @Can('tokens.own')
  @ApiOperation({
    summary: 'My tokens (DATA-3): label, created, expires, last use, revoked; the one of this request marked current. Never the secrets.',
  })
  @ApiSuccess(v.ownTokenList, { description: 'My tokens, newest first' })
  tokens(@CurrentPrincipal() p: Principal) {
    return ownTokens(this.deps.db, p, this.deps.now());
  }

  @Post('tokens')
  @Can('tokens.own')
  @ApiOperation({ summary: 'Issue myself a new token (DATA-3), e.g. before mine expires: the secret is answered once; lifetime bounded' })
  @ApiBody({ schema: issueTokenSchema as object })
  @ApiSuccess(v.issuedToken, { status: 201, description: 'The token (secret shown once), its id and expiry' })
  @ApiErrors(
    [400, 'Invalid field (named in `field`), e.g. lifetimeDays beyond the maximum'],
    [409, 'DATA-3: a token was already issued for this Idempotency-Key (its secret is shown once only)'],
  )
  issue(@Body() body: unknown, @CurrentPrincipal() p: Principal, @IdempotencyKey() key?: string) {
    const input = validateBody<{ label: string; lifetimeDays?: number }>(issueTokenSchema, body ?? {});
    return issueTokenAudited(this.deps.db, p.userId, input, actorLabel(p), this.deps.now(), key);
  }

  @Delete('tokens/:id')
  @Can('tokens.own')
  @ApiOperation({ summary: 'Revoke one of my tokens (DATA-3), the current one included: refused from the next request on' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiSuccess(v.tokenView, { description: 'The token as it now stands (revoking again changes nothing)' })
  @ApiErrors([404, 'Not one of my tokens'])
  async revoke(@Param('id', idParam) id: string, @CurrentPrincipal() p: Principal) {
    const token = await revokeTokenAudited(this.deps.db, p.userId, id, 'révoqué par son titulaire', actorLabel(p), this.deps.now());
    this.authenticator.invalidate?.();
    return token;
  }
}
