import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { verifyLogChain } from '../infra/database/event-log';
import type { ApplicationDeps } from '../usecases/applications/dependencies';
import { Can } from './auth';
import { APPLICATION_DEPS } from './tokens';
import { ApiSuccess } from './openapi';
import * as v from './openapi/views';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.chainVerification)
  @Get('log/verification')
  @Can('log.verify')
  @ApiOperation({ summary: 'Recompute the hash chain of the whole event log: valid, or the first entry that was altered' })
  verify() {
    return verifyLogChain(this.deps.db);
  }
}
