import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PARAMETERS } from '../../config/parameters';
import { AGREMENT_STATES } from '../../domain/agrement/agrement';
import { InvalidCommand } from '../../domain/errors';
import { dateIn } from '../../domain/zoned-time';
import type { ApplicationDeps } from '../../usecases/applications/dependencies';
import { actOnAgrement, checkSessionAllowed, getAgrement, listAgrementsView } from '../../usecases/agrements/agrements';
import { Actor, IdempotencyKey } from '../actor';
import { APPLICATION_DEPS } from '../tokens';
import { validateBody } from '../validation';
import { AGREMENT_ACTION_NAMES, AGREMENT_ACTIONS } from './actions';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

@ApiTags('agrements')
@Controller('agrements')
export class AgrementsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Get()
  @ApiOperation({ summary: 'List agréments, optionally by state, soonest deadline first' })
  @ApiQuery({ name: 'state', required: false, enum: [...AGREMENT_STATES] })
  async list(@Query('state') state?: string, @Query('limit') limit?: string, @Query('offset') offset?: string) {
    if (state !== undefined && !(AGREMENT_STATES as readonly string[]).includes(state)) {
      throw new InvalidCommand('state', `state must be one of: ${AGREMENT_STATES.join(', ')}`);
    }
    return listAgrementsView(this.deps, { state, limit: int('limit', limit, 50, 1, 500), offset: int('offset', offset, 0, 0, 1_000_000) });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agrément: state, term, référent, quota, open procedures, pending deadlines and the audited timeline' })
  get(@Param('id', idParam) id: string) {
    return getAgrement(this.deps, id);
  }

  @Post(':id/sessions/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'May the centre organise a session or register candidates now? 409 names the rule (SES-9: SUS-2, REF-2, AGR-4, TER-5)' })
  checkSession(@Param('id', idParam) id: string) {
    return checkSessionAllowed(this.deps, id);
  }

  @Post(':id/actions/:action')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Act on an agrément (audited: actor, time, reason, evidence)',
    description: AGREMENT_ACTION_NAMES.map((n) => `- \`${n}\` (${AGREMENT_ACTIONS[n]!.permission}): ${AGREMENT_ACTIONS[n]!.summary}`).join('\n'),
  })
  @ApiParam({ name: 'action', enum: AGREMENT_ACTION_NAMES })
  @ApiBody({ schema: { oneOf: AGREMENT_ACTION_NAMES.map((n) => ({ title: n, ...AGREMENT_ACTIONS[n]!.schema }) as object) } })
  async act(
    @Param('id', idParam) id: string,
    @Param('action') actionName: string,
    @Body() body: unknown,
    @Actor() actor: string,
    @IdempotencyKey() key?: string,
  ) {
    const spec = AGREMENT_ACTIONS[actionName];
    if (!spec) throw new InvalidCommand('action', `action must be one of: ${AGREMENT_ACTION_NAMES.join(', ')}`);
    const b = validateBody<Record<string, any>>(spec.schema, body ?? {});
    const today = dateIn(this.deps.now(), PARAMETERS.agrement.timeZone);
    await actOnAgrement(this.deps, id, { action: spec.toAction(b, today, {}), actor, reason: b.reason ?? null, evidence: b.evidence ?? null }, key);
    return getAgrement(this.deps, id);
  }
}

function int(field: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidCommand(field, `${field} must be an integer from ${min} to ${max}`);
  return n;
}
