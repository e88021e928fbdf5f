import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SCHOOL_TYPES } from '../domain/campaigns';
import { InvalidCommand } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import {
  type DerogationInput,
  grantDerogation,
  listCampaignWindows,
  listDerogations,
  putCampaignWindow,
  type WindowInput,
} from '../usecases/campaigns';
import { Actor } from '../../http/actor';
import { Can } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const isoDate = { type: 'string', format: 'date', description: 'ISO date (YYYY-MM-DD)' } as const;
/** SCO-2: a school year is two consecutive years (400 naming schoolYear otherwise); a school type one of SCHOOL_TYPES. */
const SchoolYearParam = () =>
  ApiParam({
    name: 'schoolYear',
    schema: { type: 'string', pattern: '^\\d{4}-\\d{4}$', description: 'Two consecutive years, e.g. 2026-2027' },
  });
const uuid = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('organisationId', 'organisationId must be a UUID') });

/** PUT /campaign-windows/:schoolYear/:schoolType (SCO-2) */
export const windowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'source'],
  properties: {
    from: isoDate,
    to: isoDate,
    derogationLimit: {
      type: ['string', 'null'],
      format: 'date',
      description: 'The latest date a derogation may grant (e.g. collèges: 20 May); null or absent: no limit',
    },
    source: { type: 'string', minLength: 1, maxLength: 1000, description: 'Where the window comes from (note de service, FAQ…)' },
  },
} as const;

/** PUT /campaign-windows/:schoolYear/derogations/:organisationId (SCO-2) */
export const derogationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['until', 'reason'],
  properties: {
    until: { ...isoDate, description: "The school's last day of campaign: after the window's end, within its derogation limit" },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

/** SCO-2: the campaign windows operations enter per school year and school type, and derogations per school. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('campaign-windows')
export class CampaignWindowsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.campaignWindowList)
  @Get()
  @Can('session.read')
  @ApiOperation({ summary: 'SCO-2: the published campaign windows, latest school year first' })
  @ApiQuery({ name: 'schoolYear', required: false, description: 'e.g. 2026-2027' })
  list(@Query('schoolYear') schoolYear?: string) {
    return listCampaignWindows(this.deps, schoolYear);
  }

  @Put(':schoolYear/:schoolType')
  @Can('campaign.manage')
  @ApiOperation({
    summary: `SCO-2: publish (201) or correct (200) the window of a school year (e.g. 2026-2027) and school type (${SCHOOL_TYPES.join(', ')}); 400 names the field, 409 SCO-2 when a granted derogation would no longer fit`,
  })
  @ApiSuccess(v.campaignWindow, { status: [201, 200], description: '201 published; 200 corrected' })
  @ApiErrors(409)
  @SchoolYearParam()
  @ApiParam({ name: 'schoolType', enum: [...SCHOOL_TYPES] })
  @ApiBody({ schema: windowSchema as object })
  async put(
    @Actor() actor: string,
    @Param('schoolYear') schoolYear: string,
    @Param('schoolType') schoolType: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = validateBody<WindowInput>(windowSchema, body ?? {});
    const { created, window } = await putCampaignWindow(this.deps, schoolYear, schoolType, input, actor);
    res.status(created ? 201 : 200);
    return window;
  }

  @ApiSuccess(v.derogationList)
  @Get(':schoolYear/derogations')
  @Can('campaign.manage')
  @ApiOperation({ summary: 'SCO-2: the derogations granted for a school year' })
  @SchoolYearParam()
  derogations(@Param('schoolYear') schoolYear: string) {
    return listDerogations(this.deps, schoolYear);
  }

  @Put(':schoolYear/derogations/:organisationId')
  @Can('campaign.manage')
  @ApiOperation({
    summary:
      "SCO-2: grant (201) or change (200) a school's derogation (e.g. a collège up to 20 May); 404 unknown school, 409 SCO-2 without a published window or beyond its derogation limit",
  })
  @ApiSuccess(v.derogationView, { status: [201, 200], description: '201 granted; 200 changed' })
  @ApiErrors(404, 409)
  @SchoolYearParam()
  @ApiBody({ schema: derogationSchema as object })
  async derogate(
    @Actor() actor: string,
    @Param('schoolYear') schoolYear: string,
    @Param('organisationId', uuid) organisationId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = validateBody<DerogationInput>(derogationSchema, body ?? {});
    const { created, derogation } = await grantDerogation(this.deps, schoolYear, organisationId, input, actor);
    res.status(created ? 201 : 200);
    return derogation;
  }
}
