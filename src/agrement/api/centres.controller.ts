import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../access/domain/roles';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import { InvalidCommand } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { AGREMENT_STATES } from '../domain/model';
import { CENTRE_SORTS } from '../usecases/ports';
import { searchCentres } from '../usecases/portfolio';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';
import { formatParam, oneOf, pageParams, placeFilter, reply, singleValues } from './list-query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** DOC-1: a UAI is 7 digits and a letter; the search takes its start. */
const UAI_PREFIX = /^[0-9]{1,7}[A-Z]?$/;
const NAME_MAX = 200;

/**
 * Issue 14, the "Centres et réseaux" screen: search the centres and networks. A route of its own rather than more
 * filters on GET /agrements: that list's subject is the agrément (one row per agrément, ended ones included, soonest
 * deadline first), while this one's is the organisation a person looks for by name, UAI or place — a network's member
 * centres among them, which hold no agrément of their own and are shown under their network's (ELIG-4, QUO-1).
 * It belongs to the agrément context, which keeps both the agréments and the networks' membership.
 */
@ApiTags('agrements')
@ApiBearerAuth()
@Controller('centres')
export class CentresController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Get()
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'Search the centres and networks (with the agrément that covers each: its own, or a member centre’s network’s), filtered, sorted, paged; ?format=csv. A centre sees only itself, a coordinator its network (Pix staff: all)',
  })
  @ApiSuccess(v.centreSearch, { csv: true })
  @ApiQuery({
    name: 'name',
    required: false,
    description: `A part of the name, whatever its case and accents (at most ${NAME_MAX} characters)`,
  })
  @ApiQuery({ name: 'uai', required: false, description: 'The UAI (DOC-1) or its start, e.g. 0691234A or 069' })
  @ApiQuery({ name: 'department', required: false, description: 'INSEE department code, e.g. 69, 2A, 974' })
  @ApiQuery({ name: 'region', required: false, description: 'INSEE region code (GET /dashboard/regions)' })
  @ApiQuery({ name: 'network', required: false, description: 'A network’s coordinating organisation id: it and its member centres' })
  @ApiQuery({ name: 'state', required: false, enum: [...AGREMENT_STATES], description: 'The state of the agrément that covers it' })
  @ApiQuery({ name: 'kind', required: false, enum: ['centre', 'network'] })
  @ApiQuery({ name: 'sort', required: false, enum: [...CENTRE_SORTS], description: 'Default: name' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: 'Default: asc (nulls last either way)' })
  @ApiPage({ format: true, limitDescription: 'JSON: 1 to 1,000 (default 50); CSV: up to 100,000 (default all)' })
  async search(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const q = singleValues(raw);
    const format = formatParam(q);
    const name = q.name?.trim() || undefined;
    if (name !== undefined && name.length > NAME_MAX) throw new InvalidCommand('name', `name must be at most ${NAME_MAX} characters`);
    const uai = q.uai?.trim().toUpperCase() || undefined;
    if (uai !== undefined && !UAI_PREFIX.test(uai))
      throw new InvalidCommand('uai', 'uai must be a UAI (7 digits and a letter) or its start');
    const networkId = q.network || undefined;
    if (networkId !== undefined && !UUID.test(networkId)) throw new InvalidCommand('network', 'network must be an organisation id');
    const query = {
      name,
      uaiPrefix: uai,
      ...placeFilter(q),
      networkId,
      state: oneOf('state', q.state, AGREMENT_STATES),
      kind: oneOf('kind', q.kind, ['centre', 'network'] as const),
      sort: oneOf('sort', q.sort, CENTRE_SORTS) ?? 'name',
      order: oneOf('order', q.order, ['asc', 'desc'] as const) ?? 'asc',
      ...pageParams(q),
    };
    // DATA-3: a centre sees only itself, a coordinator its organisation and its members.
    const organisationIds = (await visibleOrganisationIds(this.deps.db, principal)) ?? undefined;
    const page = await searchCentres(this.deps.db, { ...query, organisationIds });
    return reply(res, format, 'centres', page);
  }
}
