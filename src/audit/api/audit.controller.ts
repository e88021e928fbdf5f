import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PARAMETERS } from '../../config/parameters';
import { ROLES } from '../../access/domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import { verifyLogChain } from '../../shared/event-log/event-log';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { toCsv } from '../../dashboard/usecases/dashboard';
import { journalFilter } from '../domain/journal';
import { journal, journalCsvRow } from '../usecases/journal';
import { Can } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.journalPage, { csv: true })
  @Get('log')
  @Can('log.read')
  @ApiOperation({
    summary: 'The Journal: the audit log filtered and paged, newest first (by sequence); ?format=csv exports it',
    description:
      'Issue 14. Each entry: its sequence in the chain, when it occurred and was recorded, its actor (the label the log stores, "<name> (<role>)" for a person, and the user id when exactly one user has that name and role), type, subject (stream and id), rule IDs, states, reason, data, and its link (prevHash, hash, keyId). Dates `from`/`to` are days in Europe/Paris, both included. The chain’s verification walks the whole log: call GET /audit/log/verification once for the screen, not per page.',
  })
  @ApiQuery({ name: 'userId', required: false, description: 'Entries by this user (the log names people "<name> (<role>)")' })
  @ApiQuery({ name: 'role', required: false, enum: [...ROLES], description: 'Entries by people of this role' })
  @ApiQuery({ name: 'actor', required: false, description: 'Part of the actor’s label, case-insensitive (e.g. system, a name)' })
  @ApiQuery({
    name: 'streamType',
    required: false,
    description: 'The subject’s stream: agrement, application, session, statement, organisation, control-visit, access…',
  })
  @ApiQuery({ name: 'streamId', required: false, description: 'The subject’s id (an agrément, application, session, organisation, user…)' })
  @ApiQuery({ name: 'type', required: false, description: 'Entry type, e.g. suspended, token-issued' })
  @ApiQuery({ name: 'ruleId', required: false, description: 'Entries citing this rule, e.g. SUS-1' })
  @ApiQuery({ name: 'from', required: false, description: 'First day (YYYY-MM-DD, Europe/Paris), included' })
  @ApiQuery({ name: 'to', required: false, description: 'Last day (YYYY-MM-DD, Europe/Paris), included' })
  @ApiPage({ format: true, limitDescription: 'Default 50, at most 1000 (CSV: default and at most 100000)' })
  async log(@Query() q: Record<string, string>, @Res({ passthrough: true }) res: Response) {
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new InvalidCommand('format', 'format must be json or csv');
    const csv = format === 'csv';
    const f = journalFilter(
      q,
      PARAMETERS.agrement.timeZone,
      csv ? { defaultLimit: 100_000, maxLimit: 100_000 } : { defaultLimit: 50, maxLimit: 1000 },
    );
    const page = await journal(this.deps.db, f);
    if (!csv) return page;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="journal.csv"');
    return toCsv(page.items.map(journalCsvRow));
  }

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
