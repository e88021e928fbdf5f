import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { type JsonText, parseJsonText } from '../../shared/domain/json-text';
import { departmentsOfRegion, REGIONS } from '../../shared/domain/regions';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { listAttention } from '../../attention/usecases/attention';
import { centreTimeline } from '../usecases/centre-timeline';
import { attentionFilter } from '../../attention/api/attention.controller';
import {
  type DashboardFilter,
  overdue,
  overview,
  type Page,
  quotaDayOf,
  quotasAtRisk,
  toCsv,
  upcomingDeadlines,
  watchlist,
} from '../usecases/dashboard';
import { Can, CurrentPrincipal } from '../../http/auth';
import type { ReadThroughCache } from '../../shared/cache/read-through-cache';
import { intParam as int } from '../../http/validation';
import { Expensive } from '../../http/security/throttling';
import { APPLICATION_DEPS, DASHBOARD_CACHE } from '../../http/tokens';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pix operations' dashboards; every list takes ?region=&department=&kind=&network=&limit=&offset= and ?format=csv. */
@ApiTags('dashboard')
@ApiBearerAuth()
@ApiQuery({ name: 'department', required: false })
@ApiQuery({ name: 'region', required: false, description: 'INSEE region code (GET /dashboard/regions)' })
@ApiQuery({ name: 'kind', required: false, enum: ['centre', 'network'] })
@ApiQuery({ name: 'network', required: false, description: 'Coordinating organisation id' })
@ApiPage({ format: true })
@Expensive()
@Controller('dashboard')
export class DashboardController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(DASHBOARD_CACHE) private readonly cache: ReadThroughCache<unknown>,
  ) {}

  /**
   * The same view for the same filter and scope is computed once per cache period, however many people
   * look at it; `Cache-Control: no-cache` asks for a fresh one.
   */
  private cached<T>(cacheControl: string | undefined, view: string, key: object, compute: () => Promise<T>): Promise<T> {
    if (cacheControl && /no-cache|no-store|max-age=0/.test(cacheControl)) return compute();
    return this.cache.get(`${view}:${JSON.stringify(key)}`, compute) as Promise<T>;
  }

  private filter(principal: Principal, q: Record<string, string | undefined>): Promise<DashboardFilter> {
    return dashboardFilter(this.deps.db, principal, q);
  }

  /** A page as JSON (served as the read model built it), or its items as CSV. */
  private reply<T extends object>(res: Response, format: string | undefined, name: string, data: Page<T> | JsonText<Page<T>>) {
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      return toCsv((typeof data === 'string' ? parseJsonText(data) : data).items as Record<string, unknown>[]);
    }
    if (format !== undefined && format !== 'json') throw new InvalidCommand('format', 'format must be json or csv');
    return json(res, data);
  }

  @ApiSuccess(v.regions)
  @Get('regions')
  @Can('agrement.read')
  @ApiOperation({ summary: 'The regions and their departments, for the region filter (INSEE codes)' })
  regions() {
    return REGIONS;
  }

  @ApiSuccess(v.overview)
  @Get('overview')
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'Counts of centres and networks by state, applications by state and overdue (APP-7); a centre counts only its own, a coordinator its network’s (Pix staff: all)',
  })
  @ApiHeader({ name: 'cache-control', required: false, description: '`no-cache`: a fresh answer rather than the cached one' })
  async overview(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
    @Headers('cache-control') cc?: string,
  ) {
    const f = await this.filter(p, q);
    return json(res, await this.cached(cc, 'overview', f, () => overview(this.deps.db, f)));
  }

  @ApiSuccess(v.deadlineList, { csv: true })
  @Get('deadlines')
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'Every deadline due in the next N days (default 30), soonest first: renewal, badge, quota checkpoints, cure, visit answer, notices, session finalisations (SES-10), monthly statements (BIL-1)…',
  })
  @ApiQuery({ name: 'days', required: false, type: Number })
  @ApiQuery({ name: 'deadline', required: false, description: 'e.g. cure-due, renewal-request-due' })
  @ApiHeader({ name: 'cache-control', required: false, description: '`no-cache`: a fresh answer rather than the cached one' })
  async deadlines(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
    @Headers('cache-control') cc?: string,
  ) {
    const days = int('days', q.days, 30, 1, 3660);
    const f = { ...(await this.filter(p, q)), days, name: q.deadline };
    const data = await this.cached(cc, 'deadlines', f, () => upcomingDeadlines(this.deps.db, { ...f, now: this.deps.now() }));
    return this.reply(res, q.format, 'echeances', data);
  }

  @ApiSuccess(v.overdueList, { csv: true })
  @Get('overdue')
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'Everything overdue: undecided proposals (BRE-4), missed renewal requests (AGR-2), applications beyond 2 months (APP-7), sessions not finalised within 48 hours (SES-10), statements not sent by the 5th (BIL-1)',
  })
  @ApiHeader({ name: 'cache-control', required: false, description: '`no-cache`: a fresh answer rather than the cached one' })
  async overdue(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
    @Headers('cache-control') cc?: string,
  ) {
    const f = await this.filter(p, q);
    return this.reply(
      res,
      q.format,
      'en-retard',
      await this.cached(cc, 'overdue', f, () => overdue(this.deps.db, { ...f, now: this.deps.now() })),
    );
  }

  @ApiSuccess(v.quotaList, { csv: true })
  @Get('quotas-at-risk')
  @Can('agrement.read')
  @ApiOperation({ summary: 'QUO-3: agréments whose pace projects fewer than 600 / 2,500 candidates at 3 years, biggest shortfall first' })
  @ApiHeader({ name: 'cache-control', required: false, description: '`no-cache`: a fresh answer rather than the cached one' })
  async quotas(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
    @Headers('cache-control') cc?: string,
  ) {
    const today = quotaDayOf(this.deps.now());
    const f = { ...(await this.filter(p, q)), today };
    return this.reply(res, q.format, 'quotas', await this.cached(cc, 'quotas', f, () => quotasAtRisk(this.deps.db, f)));
  }

  @Get('centres/:organisationId/timeline')
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'One centre’s whole timeline: past events from every stream of the log that concerns it (agrément, sessions, remedies, statements, control visits, quality record), newest first and paged; and every deadline its workflows hold, soonest first. ?format=csv exports the past events',
  })
  @ApiSuccess(v.centreTimeline, { csv: true })
  @ApiErrors(404)
  @ApiParam({ name: 'organisationId', format: 'uuid' })
  async centreTimeline(
    @CurrentPrincipal() p: Principal,
    @Param('organisationId') organisationId: string,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!UUID.test(organisationId)) throw new InvalidCommand('organisationId', 'organisationId must be a UUID');
    const scope = await visibleOrganisationIds(this.deps.db, p);
    if (scope && !scope.includes(organisationId)) throw new NotFound(`organisation ${organisationId} not found`, { organisationId });
    const csv = q.format === 'csv';
    const t = await centreTimeline(this.deps.db, organisationId, {
      limit: int('limit', q.limit, csv ? 100_000 : 100, 1, 100_000),
      offset: int('offset', q.offset, 0, 0, 10_000_000),
      now: this.deps.now(),
    });
    if (csv) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="historique.csv"');
      return toCsv(
        t.past.items.map((e) => ({
          at: e.at,
          stream: e.stream,
          type: e.type,
          from: e.from,
          to: e.to,
          ruleIds: e.ruleIds.join(' '),
          actor: e.actor,
          reason: e.reason,
        })),
      );
    }
    if (q.format !== undefined && q.format !== 'json') throw new InvalidCommand('format', 'format must be json or csv');
    return t;
  }

  @Get('attention')
  @Can('attention.read')
  @ApiOperation({
    summary:
      'Operations: what needs attention (GET /attention, open items by default): workflows whose activity failed for good, activities still failing, e-mails undelivered; ?format=csv',
  })
  @ApiSuccess(v.dashboardAttention, { csv: true })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved', 'all'] })
  async attention(@Query() q: Record<string, string>, @Res({ passthrough: true }) res: Response) {
    const data = await listAttention(this.deps.db, attentionFilter(q));
    const rows = data.items.map(({ details, ...item }) => ({ ...item, details: JSON.stringify(details) }));
    return this.reply(res, q.format, 'attention', { ...data, items: rows });
  }

  @ApiSuccess(v.watchList, { csv: true })
  @Get('watchlist')
  @Can('agrement.read')
  @ApiOperation({ summary: 'Centres suspended, under notice or terminating' })
  @ApiHeader({ name: 'cache-control', required: false, description: '`no-cache`: a fresh answer rather than the cached one' })
  async watchlist(
    @CurrentPrincipal() p: Principal,
    @Query() q: Record<string, string>,
    @Res({ passthrough: true }) res: Response,
    @Headers('cache-control') cc?: string,
  ) {
    const f = await this.filter(p, q);
    return this.reply(res, q.format, 'surveillance', await this.cached(cc, 'watchlist', f, () => watchlist(this.deps.db, f)));
  }
}

/**
 * The dashboards' filter, validated (400 naming the field), and the principal's scope: a centre sees only its own
 * organisation, a coordinator its network's (Pix staff: all). Shared by the lists and the calendar feed.
 */
export async function dashboardFilter(
  db: ApplicationDeps['db'],
  principal: Principal,
  q: Record<string, string | undefined>,
): Promise<DashboardFilter> {
  if (q.kind !== undefined && q.kind !== 'centre' && q.kind !== 'network')
    throw new InvalidCommand('kind', 'kind must be centre or network');
  if (q.network !== undefined && !UUID.test(q.network)) throw new InvalidCommand('network', 'network must be an organisation id');
  if (q.department !== undefined && !/^(\d{2,3}|2A|2B)$/.test(q.department))
    throw new InvalidCommand('department', 'department must be a department code');
  if (q.region !== undefined && !departmentsOfRegion(q.region))
    throw new InvalidCommand('region', 'region must be an INSEE region code (GET /dashboard/regions), e.g. 84 for Auvergne-Rhône-Alpes');
  const organisationIds = (await visibleOrganisationIds(db, principal)) ?? undefined;
  return {
    department: q.department,
    region: q.region,
    kind: q.kind as DashboardFilter['kind'],
    networkId: q.network,
    organisationIds,
    limit: int('limit', q.limit, 50, 1, 1000),
    offset: int('offset', q.offset, 0, 0, 10_000_000),
  };
}

/** A cached answer is serialised once, however many times it is served; a JSON text is served as is. */
const serialised = new WeakMap<object, string>();
function json(res: Response, data: object | JsonText<unknown>): string {
  let body = typeof data === 'string' ? data : serialised.get(data);
  if (body === undefined) {
    body = JSON.stringify(data);
    serialised.set(data as object, body);
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  return body;
}
