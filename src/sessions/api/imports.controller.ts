import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Logger,
  type OnApplicationShutdown,
  Param,
  ParseUUIDPipe,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidCommand } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { toCsv } from '../../dashboard/usecases/dashboard';
import {
  createImport,
  getImport,
  type ImportFormat,
  importErrors,
  listImports,
  startImportRun,
  stopImportRuns,
} from '../usecases/import/run-import';
import { LineTooLong } from '../usecases/import/line-limit';
import { removeSpool, spoolUpload, UploadTooLarge } from '../usecases/import/spool';
import { Actor } from '../../http/actor';
import { Can } from '../../http/auth';
import { intParam as int, ownEntry } from '../../http/validation';
import { Expensive } from '../../http/security/throttling';
import { APPLICATION_DEPS, IMPORT_LIMITS } from '../../http/tokens';
import { ApiErrors, ApiSuccess, ApiFormat, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};
const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

/** Issue 12: the largest file and the longest line (a JSON array's element) an import accepts, in bytes. */
export interface ImportLimits {
  maxBytes: number;
  maxLineBytes: number;
}

/**
 * Bulk import of sessions (SES-1): the upload is spooled in PostgreSQL (never held in memory, kept
 * across restarts and readable by every replica), the answer is 202 with the job, and the sessions are
 * judged and stored in the background, in chunks, with progress and every refused line kept. A job whose
 * process dies is resumed from its first uncommitted session (issue 11). The same file imported again
 * changes nothing.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('session-imports')
export class SessionImportsController implements OnApplicationShutdown {
  private readonly logger = new Logger('SessionImports');
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(IMPORT_LIMITS) private readonly limits: ImportLimits,
  ) {}

  /** A stop ends this process's imports after their current chunk, released for another process to resume. */
  async onApplicationShutdown() {
    await stopImportRuns();
  }

  @ApiSuccess(v.sessionImport, {
    status: 202,
    headers: { Location: { description: 'The job: /session-imports/{id}', schema: { type: 'string' } } },
  })
  @Post()
  @Can('session.import')
  @Expensive()
  @HttpCode(202)
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/json')
  @ApiOperation({
    summary: 'Import sessions from a CSV (one line per candidate, docs/session-import.md), NDJSON or JSON file; 202 with the job to follow',
  })
  @ApiQuery({ name: 'fileName', required: false, description: 'The name of the uploaded file, kept with the job' })
  @ApiErrors([
    413,
    'The file exceeds the import size limit (IMPORT_MAX_BYTES, default 1 GiB), or a line (a JSON array’s element) exceeds the line limit ' +
      '(IMPORT_MAX_LINE_BYTES, default 64 KiB): the message names the line; nothing is imported',
  ])
  async create(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Actor() actor: string,
    @Query('fileName') fileName?: string,
  ) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = ownEntry(FORMATS, type);
    if (!format) throw new InvalidCommand('content-type', `content-type must be one of: ${Object.keys(FORMATS).join(', ')}`);
    // Issue 12: 413 as soon as the limit is passed; the rest of the upload is not read (the connection closes).
    const tooLarge = (message: string) => {
      res.setHeader('Connection', 'close');
      return new PayloadTooLargeException(message);
    };
    const { maxBytes, maxLineBytes } = this.limits;
    if (Number(req.headers['content-length'] ?? 0) > maxBytes)
      throw tooLarge(`the file exceeds ${maxBytes} bytes, the largest import accepted`);
    const id = randomUUID();
    const spool = await spoolUpload(this.deps, id, req, { maxBytes, format, maxLineBytes }).catch((err: unknown) => {
      if (err instanceof UploadTooLarge) throw tooLarge(`the file exceeds ${maxBytes} bytes, the largest import accepted`);
      if (err instanceof LineTooLong) throw tooLarge(err.message);
      throw err;
    });
    const run = await createImport(this.deps, { id, format, fileName: fileName ?? null, actor, spool }).catch(async (err: unknown) => {
      await removeSpool(this.deps.db.manager, id).catch(() => undefined);
      throw err;
    });
    void startImportRun(this.deps, run, (err) =>
      this.logger.error(`import ${id} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    res.setHeader('Location', `/session-imports/${id}`);
    return getImport(this.deps, id);
  }

  @ApiSuccess(v.sessionImportList)
  @Get()
  @Can('session.import')
  @ApiOperation({ summary: 'The imports, newest first (?status=running|completed|failed, ?limit=, ?offset=)' })
  @ApiQuery({ name: 'status', required: false, enum: ['running', 'completed', 'failed'] })
  @ApiPage()
  list(@Query('status') status?: string, @Query('limit') limit?: string, @Query('offset') offset?: string) {
    if (status !== undefined && !['running', 'completed', 'failed'].includes(status))
      throw new InvalidCommand('status', 'status must be running, completed or failed');
    return listImports(this.deps, { status, limit: int('limit', limit, 50, 1, 1000), offset: int('offset', offset, 0, 0, 10_000_000) });
  }

  @ApiSuccess(v.sessionImport)
  @ApiErrors(404)
  @Get(':id')
  @Can('session.import')
  @ApiOperation({
    summary:
      'Progress of an import: sessions read and processed, percentage once the file is read, created / updated / unchanged / refused',
  })
  get(@Param('id', idParam) id: string) {
    return getImport(this.deps, id);
  }

  @ApiSuccess(v.importErrorList, { csv: true })
  @ApiErrors(404)
  @Get(':id/errors')
  @Can('session.import')
  @ApiOperation({ summary: 'Refused sessions with their line numbers and reasons (field, or rule IDs); ?format=csv' })
  @ApiPage()
  @ApiFormat()
  async errors(
    @Param('id', idParam) id: string,
    @Res({ passthrough: true }) res: Response,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
    @Query('format') format?: string,
  ) {
    const page = await importErrors(this.deps, id, {
      limit: int('limit', limit, format === 'csv' ? 1_000_000 : 100, 1, 1_000_000),
      offset: int('offset', offset, 0, 0, 10_000_000),
    });
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return toCsv(page.items.map((e) => ({ ...e, ruleIds: e.ruleIds?.join(' ') ?? '' })));
    }
    return page;
  }
}
