import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { verifyLogChain } from '../../shared/event-log/event-log';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { Can } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.chainVerification)
  @Get('log/verification')
  @Can('log.verify')
  @ApiOperation({
    summary: 'Verify the audit log: every HMAC link, the signed checkpoints of the sink, and that each checkpoint head is still there',
    description:
      'Issue 12. valid, the entries checked, the checkpoints checked (count, latest time, sink), or brokenAt: the first check that failed (reason) and where (entry id, checkpoint file).',
  })
  verify() {
    return verifyLogChain(this.deps.db);
  }
}
