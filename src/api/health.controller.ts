import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApplicationDeps } from '../usecases/applications/dependencies';
import { Public } from './auth/decorators';
import { APPLICATION_DEPS } from './tokens';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the database answers' })
  async health() {
    await this.deps.db.query('SELECT 1');
    return { status: 'ok' };
  }
}
