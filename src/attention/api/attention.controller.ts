import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidCommand } from '../../shared/domain/errors';
import {
  ATTENTION_KINDS,
  type AttentionFilter,
  type AttentionKind,
  findAttention,
  listAttention,
  resolveAttention,
} from '../usecases/attention';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { Actor } from '../../http/actor';
import { Can } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam as int, validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });
const STATUSES = ['open', 'resolved', 'all'] as const;

const resolveSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: {
      type: 'string',
      minLength: 1,
      maxLength: 2000,
      pattern: '\\S',
      description: 'What was done (French), e.g. « adresse corrigée, courriel renvoyé à la main »',
    },
  },
} as const;

/** Parses the list's query (shared with the operations dashboard). */
export function attentionFilter(q: Record<string, string | undefined>): AttentionFilter {
  const status = q.status ?? 'open';
  if (!(STATUSES as readonly string[]).includes(status))
    throw new InvalidCommand('status', `status must be one of: ${STATUSES.join(', ')}`);
  if (q.kind !== undefined && !(ATTENTION_KINDS as readonly string[]).includes(q.kind))
    throw new InvalidCommand('kind', `kind must be one of: ${ATTENTION_KINDS.join(', ')}`);
  if (q.workflowId !== undefined && (q.workflowId.length === 0 || q.workflowId.length > 300))
    throw new InvalidCommand('workflowId', 'workflowId must be 1–300 characters');
  return {
    status: status as AttentionFilter['status'],
    kind: q.kind as AttentionKind | undefined,
    workflowId: q.workflowId,
    limit: int('limit', q.limit, 50, 1, 1000),
    offset: int('offset', q.offset, 0, 0, 10_000_000),
  };
}

/**
 * The "needs attention" list for Pix operations: what the engine cannot finish alone. A workflow whose
 * activity failed for a reason no retry fixes (invalid data, something not found, a rule refusing), an
 * activity still failing after many attempts, an e-mail the SMTP server has not accepted: each with the
 * workflow, the error and what to do. An item is marked resolved with what was done (audited).
 */
@ApiTags('attention')
@ApiBearerAuth()
@Controller('attention')
export class AttentionController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.attentionList)
  @Get()
  @Can('attention.read')
  @ApiOperation({
    summary:
      'What needs attention (open items first, most recent first): workflow, activity, error, what to do (French), first and last seen',
  })
  @ApiQuery({ name: 'status', required: false, enum: [...STATUSES], description: 'open (default), resolved or all' })
  @ApiQuery({ name: 'kind', required: false, enum: [...ATTENTION_KINDS] })
  @ApiQuery({ name: 'workflowId', required: false })
  @ApiPage()
  list(@Query() q: Record<string, string>) {
    return listAttention(this.deps.db, attentionFilter(q));
  }

  @ApiSuccess(v.attentionItem)
  @ApiErrors(404)
  @Get(':id')
  @Can('attention.read')
  @ApiOperation({ summary: 'One item' })
  one(@Param('id', idParam) id: string) {
    return findAttention(this.deps.db, id);
  }

  @ApiSuccess(v.attentionItem)
  @ApiErrors(404)
  @Post(':id/resolve')
  @HttpCode(200)
  @Can('attention.resolve')
  @ApiOperation({
    summary: 'Mark an item resolved, saying what was done (recorded in the event log); an item already resolved is answered as it stands',
  })
  @ApiBody({ schema: resolveSchema as object })
  resolve(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string) {
    return resolveAttention(this.deps.db, id, validateBody<{ reason: string }>(resolveSchema, body ?? {}), actor, this.deps.now());
  }
}
