import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import { DEPARTMENT_PATTERN } from '../../shared/domain/regions';
import { INSPECTOR_KINDS } from '../domain/planner';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import {
  type AvailabilityBody,
  createInspector,
  type CreateInspectorBody,
  deactivateInspector,
  getInspector,
  listInspectors,
  updateAreas,
  updateAvailability,
} from '../usecases/inspectors';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const uuid = (field: string) => new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand(field, `${field} must be a UUID`) });
const isoDate = { type: 'string', format: 'date', description: 'ISO date (YYYY-MM-DD)' } as const;
const departments = {
  type: 'array',
  minItems: 1,
  maxItems: 101,
  items: { type: 'string', pattern: DEPARTMENT_PATTERN },
  description: 'Department codes covered (01–95, 2A, 2B, 971–976)',
} as const;
const unavailable = {
  type: 'array',
  maxItems: 366,
  description: 'Days the inspector cannot visit, both ends included; replaces the previous list',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: { from: isoDate, to: isoDate, reason: { type: 'string', maxLength: 500 } },
  },
} as const;
const capacity = { type: 'integer', minimum: 0, maximum: 1000, description: 'Visits the inspector can make in a planned period' } as const;

/** POST /inspectors */
export const createInspectorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'email', 'departments', 'capacity'],
  properties: {
    kind: { type: 'string', enum: [...INSPECTOR_KINDS], description: 'VIS-5: Pix staff, manager of another centre, contractor' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 320, description: 'Unique; the inspector signs in as the user with this e-mail' },
    organisationId: { type: 'string', format: 'uuid', description: 'VIS-5: the centre a centre manager manages (required for them only)' },
    networkId: { type: 'string', format: 'uuid', description: 'VIS-5: the network (coordinating organisation) the inspector belongs to' },
    departments,
    capacity,
    availableFrom: { ...isoDate, description: 'Start of the engagement (default: today)' },
    availableTo: { type: ['string', 'null'], format: 'date', description: 'End of the engagement; null or absent: open-ended' },
    unavailable,
  },
} as const;

/** PUT /inspectors/:id/availability */
export const availabilitySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['unavailable'],
  properties: {
    unavailable,
    availableFrom: isoDate,
    availableTo: { type: ['string', 'null'], format: 'date', description: 'null: open-ended; absent: unchanged' },
    capacity,
  },
} as const;

/** PUT /inspectors/:id/areas */
export const areasSchema = { type: 'object', additionalProperties: false, required: ['departments'], properties: { departments } } as const;

/** POST /inspectors/:id/deactivate */
export const deactivateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, description: 'Why: recorded in the event log' } },
} as const;

/**
 * Inspectors (VIS-5) for operations: who inspects, where and when. The planner assigns only active inspectors,
 * on days they are available, in the departments they cover, never to their own centre or network.
 */
@ApiTags('visits')
@ApiBearerAuth()
@Controller('inspectors')
export class InspectorsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.inspectorView, { status: 201 })
  @ApiErrors(404, 409)
  @Post()
  @Can('inspectors.manage')
  @HttpCode(201)
  @ApiOperation({
    summary: 'VIS-5: add an inspector (Pix staff, manager of another centre, contractor); 409 DATA-3 when the e-mail is taken',
  })
  @ApiBody({ schema: createInspectorSchema as object })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return createInspector(this.deps, validateBody<CreateInspectorBody>(createInspectorSchema, body ?? {}), principal);
  }

  @ApiSuccess(v.inspectorList)
  @Get()
  @Can('inspectors.manage')
  @ApiOperation({ summary: 'The inspectors, with their planned visits' })
  @ApiQuery({ name: 'active', required: false, description: 'true (default), false or all' })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: [...INSPECTOR_KINDS] })
  async list(@Query('active') active?: string, @Query('department') department?: string, @Query('kind') kind?: string) {
    return listInspectors(this.deps.db, { active, department, kind });
  }

  @ApiSuccess(v.inspectorView)
  @ApiErrors(404)
  @Get(':id')
  @Can('inspectors.manage')
  @ApiOperation({ summary: 'One inspector, with their planned visits and how many are done' })
  async get(@Param('id', uuid('id')) id: string) {
    return getInspector(this.deps.db, id);
  }

  @Put(':id/availability')
  @Can('inspectors.manage')
  @ApiOperation({
    summary: 'VIS-5: the days the inspector cannot visit (and optionally the engagement window and capacity)',
    description: '409 VIS-5 when a planned visit would fall on a day no longer available: cancel or reassign it first.',
  })
  @ApiSuccess(v.inspectorView)
  @ApiErrors(404, 409)
  @ApiBody({ schema: availabilitySchema as object })
  async availability(@CurrentPrincipal() principal: Principal, @Param('id', uuid('id')) id: string, @Body() body: unknown) {
    return updateAvailability(this.deps, id, validateBody<AvailabilityBody>(availabilitySchema, body ?? {}), principal);
  }

  @Put(':id/areas')
  @Can('inspectors.manage')
  @ApiOperation({
    summary: 'VIS-5: the departments the inspector covers',
    description: '409 VIS-5 when a planned visit is in a department no longer covered.',
  })
  @ApiSuccess(v.inspectorView)
  @ApiErrors(404, 409)
  @ApiBody({ schema: areasSchema as object })
  async areas(@CurrentPrincipal() principal: Principal, @Param('id', uuid('id')) id: string, @Body() body: unknown) {
    return updateAreas(this.deps, id, validateBody<{ departments: string[] }>(areasSchema, body ?? {}), principal);
  }

  @Post(':id/deactivate')
  @Can('inspectors.manage')
  @HttpCode(200)
  @ApiOperation({
    summary: 'VIS-5: deactivate an inspector: kept for history, never assigned again',
    description: '409 VIS-5 while the inspector has planned visits (listed); 409 VIS-5 when already deactivated.',
  })
  @ApiSuccess(v.inspectorView)
  @ApiErrors(404, 409)
  @ApiBody({ schema: deactivateSchema as object })
  async deactivate(@CurrentPrincipal() principal: Principal, @Param('id', uuid('id')) id: string, @Body() body: unknown) {
    return deactivateInspector(this.deps, id, validateBody<{ reason: string }>(deactivateSchema, body ?? {}), principal);
  }
}
