import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, NotFoundException, Optional, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Unauthenticated } from '../../shared/domain/errors';
import { processMetrics } from '../../shared/observability/metrics';
import { Public } from '../auth/decorators';
import { clientAddress, FailedAuthThrottle } from '../security/throttling';

/** The scrape token (METRICS_TOKEN), or null when the API serves no metrics. */
export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Issue 15: the API process's Prometheus metrics (request durations by route template and status, prom-client's
 * default Node metrics). Operational, not part of the product's API (outside the OpenAPI document). The API's port is
 * public and the numbers tell its traffic: the scraper sends `Authorization: Bearer <METRICS_TOKEN>`, a secret that
 * opens this route only (a user's token, which opens the product, is not asked of a scraper). Without METRICS_TOKEN,
 * 404. Failed attempts count towards the per-address block as any failed authentication (issue 12).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(METRICS_TOKEN) token: string | null,
    @Optional() private readonly failures?: FailedAuthThrottle,
  ) {
    this.expected = token ? digest(token) : null;
  }

  @Get()
  async metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.expected) throw new NotFoundException('metrics are off: set METRICS_TOKEN to serve them');
    const address = clientAddress(req);
    await this.failures?.refuseIfBlocked(address, res);
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), this.expected)) {
      await this.failures?.refuseAfterFailure(address, res);
      throw new Unauthenticated('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    const { registry } = processMetrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  }
}
