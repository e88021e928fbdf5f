import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PARAMETERS } from '../config/parameters';
import { pingDatabase } from '../shared/database/ping';
import { withTimeout } from '../shared/tools/with-timeout';
import type { ApplicationDeps } from '../shared/usecases/dependencies';
import { Public } from './auth/decorators';
import { APPLICATION_DEPS } from './tokens';
import { ApiSuccess } from './openapi';
import * as v from './openapi/views';

type Check = 'up' | 'down';

/** A check that answers within the health timeout or counts as down (a stopped server must not hold the probe). */
async function within(check: () => Promise<unknown>): Promise<{ status: Check; error?: string }> {
  const ms = PARAMETERS.resilience.healthCheckTimeoutMs;
  try {
    await withTimeout(check(), ms, `no answer within ${ms} ms`);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  }
}

/** Liveness (the process answers) and readiness (PostgreSQL and Temporal answer), for probes and operators (issue 11). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.live)
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (restart it if not)' })
  live() {
    return { status: 'ok' };
  }

  @ApiSuccess(v.ready)
  @ApiResponse({
    status: 503,
    description: 'A dependency is down (named in `down`): retry after `Retry-After` seconds',
    content: { 'application/json': { schema: v.ready } },
  } as never)
  @Get()
  @ApiOperation({ summary: 'Readiness (same as /health/ready)' })
  health(@Res({ passthrough: true }) res: Response) {
    return this.ready(res);
  }

  @ApiSuccess(v.ready)
  @ApiResponse({
    status: 503,
    description: 'A dependency is down (named in `down`): retry after `Retry-After` seconds',
    content: { 'application/json': { schema: v.ready } },
  } as never)
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Temporal answer; 503 naming the dependency down, with Retry-After' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const connection = this.deps.temporal.connection;
    const [database, temporal] = await Promise.all([
      within(() => pingDatabase(this.deps.db)),
      within(() =>
        connection.withDeadline(Date.now() + PARAMETERS.resilience.healthCheckTimeoutMs, () =>
          connection.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const checks = { database, temporal };
    const down = Object.entries(checks)
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    if (down.length) {
      res.status(503).setHeader('Retry-After', String(PARAMETERS.resilience.retryAfterSeconds));
      return { status: 'unavailable', down, checks };
    }
    return { status: 'ok', checks };
  }
}
