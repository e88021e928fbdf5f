import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, HttpCode, Inject, Logger, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { InvalidCommand } from '../../domain/errors';
import type { ApplicationDeps } from '../../usecases/applications/dependencies';
import { toCsv } from '../../usecases/dashboard/dashboard';
import { csvSessions, jsonArraySessions, ndjsonSessions, type ParsedItem } from '../../usecases/sessions/import/parse';
import { createImport, getImport, type ImportFormat, importErrors, listImports, runImport } from '../../usecases/sessions/import/run-import';
import { Actor } from '../actor';
import { Can } from '../auth';
import { intParam as int, ownEntry } from '../validation';
import { Expensive } from '../security/throttling';
import { APPLICATION_DEPS } from '../tokens';

const FORMATS: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/json': 'json', 'application/x-ndjson': 'ndjson', 'application/ndjson': 'ndjson' };
const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

/**
 * Bulk import of sessions (SES-1): the upload is spooled to a temporary file (never held in memory), the
 * answer is 202 with the job, and the sessions are judged and stored in the background, in chunks, with
 * progress and every refused line kept. The same file imported again changes nothing.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('session-imports')
export class SessionImportsController {
  private readonly logger = new Logger('SessionImports');
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Post()
  @Can('session.import')
  @Expensive()
  @HttpCode(202)
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/json')
  @ApiOperation({ summary: 'Import sessions from a CSV (one line per candidate, docs/session-import.md), NDJSON or JSON file; 202 with the job to follow' })
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Actor() actor: string, @Query('fileName') fileName?: string) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const format = ownEntry(FORMATS, type);
    if (!format) throw new InvalidCommand('content-type', `content-type must be one of: ${Object.keys(FORMATS).join(', ')}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'pix-import-'));
    const file = path.join(dir, 'upload');
    try {
      await pipeline(req, createWriteStream(file));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const id = await createImport(this.deps, { format, fileName: fileName ?? null, actor });
    const items = (): AsyncIterable<ParsedItem> | Iterable<ParsedItem> => {
      if (format === 'json') return jsonArraySessions(createReadStream(file, 'utf8'));
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      return format === 'csv' ? csvSessions(lines) : ndjsonSessions(lines);
    };
    void runImport(this.deps, id, items(), actor)
      .catch((err: unknown) => this.logger.error(`import ${id} failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => rmSync(dir, { recursive: true, force: true }));
    res.setHeader('Location', `/session-imports/${id}`);
    return getImport(this.deps, id);
  }

  @Get()
  @Can('session.import')
  @ApiOperation({ summary: 'The imports, newest first (?status=running|completed|failed, ?limit=, ?offset=)' })
  list(@Query('status') status?: string, @Query('limit') limit?: string, @Query('offset') offset?: string) {
    if (status !== undefined && !['running', 'completed', 'failed'].includes(status)) throw new InvalidCommand('status', 'status must be running, completed or failed');
    return listImports(this.deps, { status, limit: int('limit', limit, 50, 1, 1000), offset: int('offset', offset, 0, 0, 10_000_000) });
  }

  @Get(':id')
  @Can('session.import')
  @ApiOperation({ summary: 'Progress of an import: sessions read and processed, percentage once the file is read, created / updated / unchanged / refused' })
  get(@Param('id', idParam) id: string) {
    return getImport(this.deps, id);
  }

  @Get(':id/errors')
  @Can('session.import')
  @ApiOperation({ summary: 'Refused sessions with their line numbers and reasons (field, or rule IDs); ?format=csv' })
  async errors(@Param('id', idParam) id: string, @Res({ passthrough: true }) res: Response, @Query('limit') limit?: string, @Query('offset') offset?: string, @Query('format') format?: string) {
    const page = await importErrors(this.deps, id, { limit: int('limit', limit, format === 'csv' ? 1_000_000 : 100, 1, 1_000_000), offset: int('offset', offset, 0, 0, 10_000_000) });
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      return toCsv(page.items.map((e) => ({ ...e, ruleIds: e.ruleIds?.join(' ') ?? '' })));
    }
    return page;
  }
}

