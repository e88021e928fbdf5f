import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { QUALITY_EVENT_KINDS, type QualityEventInput } from '../domain/quality-events';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { listQualityEvents, recordQualityEvent } from '../usecases/quality-events';
import { inspectorAssignedTo } from '../usecases/visits';
import { Actor } from '../../http/actor';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam as int, validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const organisationParam = new ParseUUIDPipe({
  exceptionFactory: () => new InvalidCommand('organisationId', 'organisationId must be a UUID'),
});

const qualityEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'occurredOn', 'summary'],
  properties: {
    kind: {
      type: 'string',
      enum: [...QUALITY_EVENT_KINDS],
      description: 'complaint (SES-13), incident (SES-12), fraud-report (SUS-1), late-finalisation (SES-10), data-breach (DATA-2)',
    },
    occurredOn: { type: 'string', format: 'date', description: 'When it happened, or the complaint was received (ISO date)' },
    summary: { type: 'string', minLength: 1, maxLength: 2000, description: 'What happened, in French' },
    sessionId: { type: ['string', 'null'], pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'The session concerned, one of the centre’s' },
    resultsPublishedOn: {
      type: ['string', 'null'],
      format: 'date',
      description: 'SES-13: when the results complained about were published',
    },
    discoveredAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'DATA-2: when the centre discovered the personal-data breach',
    },
    notifiedAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'DATA-2: when the centre notified Pix of it (due within 72 hours)',
    },
  },
} as const;

/** A centre's quality record: what reaches Pix about it otherwise than through Pix Certif (VIS-1 reads it). */
@ApiTags('visits')
@ApiBearerAuth()
@Controller('centres/:organisationId/quality-events')
export class QualityEventsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Post()
  @Can('quality.record')
  @ApiOperation({
    summary:
      'Record a complaint (SES-13: says whether it reached the jury within 2 months of the results), an incident (SES-12), a fraud report (SUS-1), a late finalisation (SES-10) or a personal-data breach (DATA-2: says whether Pix was notified within 72 hours); audited',
  })
  @ApiSuccess(v.qualityEvent, { status: 201 })
  @ApiErrors(404)
  @ApiBody({ schema: qualityEventSchema as object })
  record(@Param('organisationId', organisationParam) organisationId: string, @Body() body: unknown, @Actor() actor: string) {
    return recordQualityEvent(this.deps, organisationId, validateBody<QualityEventInput>(qualityEventSchema, body ?? {}), actor);
  }

  @ApiSuccess(v.qualityEventList)
  @ApiErrors(404)
  @Get()
  @Can('visits.read')
  @ApiOperation({
    summary:
      'The centre’s quality record, newest first (an inspector: only a centre of their assigned visits, as for its risk score; otherwise 404)',
  })
  @ApiQuery({ name: 'kind', required: false, enum: [...QUALITY_EVENT_KINDS] })
  @ApiPage()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('organisationId', organisationParam) organisationId: string,
    @Query('kind') kind?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    // VIS-1..5: an inspector sees only the centres of their own assignments, the same scope as GET /centres/:id/risk.
    if (!(await inspectorAssignedTo(this.deps.db, principal, organisationId))) {
      throw new NotFound(`no agreed centre ${organisationId}`, { organisationId });
    }
    if (kind !== undefined && !(QUALITY_EVENT_KINDS as readonly string[]).includes(kind))
      throw new InvalidCommand('kind', `kind must be one of: ${QUALITY_EVENT_KINDS.join(', ')}`);
    return listQualityEvents(this.deps, organisationId, {
      kind,
      limit: int('limit', limit, 50, 1, 1000),
      offset: int('offset', offset, 0, 0, 10_000_000),
    });
  }
}
