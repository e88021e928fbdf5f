import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/domain/roles';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { ownMail } from '../usecases/own-mail';
import { Can, CurrentPrincipal } from '../../http/auth';
import { intParam } from '../../http/validation';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Issue 14, the Espace centre: the e-mails a centre (or a network's coordinator) was sent, whether or not a mail capture runs. */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class OwnMailController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.ownEmailList)
  @ApiErrors([400, 'Invalid field (named in `field`)'], [404, 'organisationId is not one of my organisations'])
  @Get('emails')
  @Can('mail.own')
  @ApiOperation({
    summary:
      'The e-mails sent to my organisation (a coordinator: its network’s members too), newest first: subject, text, status; never another organisation’s',
  })
  @ApiQuery({ name: 'organisationId', required: false, description: 'uuid: one of my organisations only' })
  @ApiPage()
  async list(@CurrentPrincipal() p: Principal, @Query() q: Record<string, string | undefined>) {
    const limit = intParam('limit', q.limit, 50, 1, 1000);
    const offset = intParam('offset', q.offset, 0, 0, 10_000_000);
    // The permission is the centre's and the coordinator's: their scope is always a list (maybe empty).
    let organisationIds = (await visibleOrganisationIds(this.deps.db, p)) ?? [];
    if (q.organisationId !== undefined) {
      if (!UUID.test(q.organisationId)) throw new InvalidCommand('organisationId', 'organisationId must be a uuid');
      if (!organisationIds.includes(q.organisationId))
        throw new NotFound(`organisation ${q.organisationId} not found`, { organisationId: q.organisationId });
      organisationIds = [q.organisationId];
    }
    return ownMail(this.deps.db, { organisationIds, limit, offset });
  }
}
