import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PARAMETERS } from '../../config/parameters';
import type { Principal } from '../../access/domain/roles';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { deadlineCalendar } from '../usecases/dashboard';
import { CalendarTokenAccepted, Can, CurrentPrincipal } from '../../http/auth';
import { intParam as int } from '../../http/validation';
import { Expensive } from '../../http/security/throttling';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiText } from '../../http/openapi';
import { dashboardFilter } from './dashboard.controller';

/** Issue 14: the legal deadlines in people's usual calendar. */
@ApiTags('dashboard')
@ApiBearerAuth()
@Expensive()
@Controller('dashboard')
export class DeadlineCalendarController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Get('deadlines.ics')
  @Can('agrement.read')
  @CalendarTokenAccepted()
  @ApiOperation({
    summary: 'The deadlines as an iCalendar feed (RFC 5545), filtered and scoped like GET /dashboard/deadlines',
    description:
      `Issue 14. One all-day event per deadline on its legal date, from now to ?days= ahead (default ${PARAMETERS.calendar.defaultDays}, at most ${PARAMETERS.calendar.maxEvents} events, soonest first); ` +
      'the exact time in the description when the deadline has one (SES-10: 48 hours after the session). Each event keeps its UID from one fetch to the next, so calendar applications update it. ' +
      'A centre sees only its own deadlines, a coordinator its network’s. Calendar applications send no header: subscribe with ' +
      '`?token=` and a calendar token (POST /me/tokens with `"scope": "calendar"`), which opens this feed only and is revoked like any token (DELETE /me/tokens/{id}). ' +
      'An API token is never accepted in the URL. The bearer header works too.',
  })
  @ApiText('text/calendar', { description: 'text/calendar; charset=utf-8 (CRLF lines, folded at 75 octets)' })
  @ApiQuery({
    name: 'days',
    required: false,
    type: Number,
    description: `Days ahead (default ${PARAMETERS.calendar.defaultDays}, at most 3660)`,
  })
  @ApiQuery({ name: 'deadline', required: false, description: 'e.g. cure-due, renewal-request-due, finalisation-due' })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'region', required: false, description: 'INSEE region code (GET /dashboard/regions)' })
  @ApiQuery({ name: 'kind', required: false, enum: ['centre', 'network'] })
  @ApiQuery({ name: 'network', required: false, description: 'Coordinating organisation id' })
  async feed(@CurrentPrincipal() p: Principal, @Query() q: Record<string, string>, @Res({ passthrough: true }) res: Response) {
    const days = int('days', q.days, PARAMETERS.calendar.defaultDays, 1, 3660);
    const { limit: _l, offset: _o, ...f } = await dashboardFilter(this.deps.db, p, { ...q, limit: undefined, offset: undefined });
    const body = await deadlineCalendar(this.deps.db, {
      ...f,
      days,
      name: q.deadline,
      now: this.deps.now(),
      maxEvents: PARAMETERS.calendar.maxEvents,
    });
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="echeances.ics"');
    return body;
  }
}
