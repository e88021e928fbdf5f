import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '../domain/access/permissions';
import type { Principal } from '../domain/access/roles';
import { AuthenticatedOnly, CurrentPrincipal } from './auth';
import { ApiSuccess } from './openapi';
import * as v from './openapi/views';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
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
}
