import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../domain/roles';
import { InvalidCommand } from '../../shared/domain/errors';
import {
  currentAccessReview,
  getAccessReview,
  listAccessReviews,
  type RecordReviewInput,
  recordAccessReview,
} from '../usecases/access-review';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { Can, CurrentPrincipal } from '../../http/auth';
import type { Authenticator } from '../../http/auth/authenticator';
import { APPLICATION_DEPS, AUTHENTICATOR } from '../../http/tokens';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';
import { intParam as int, validateBody } from '../../http/validation';
import { recordReviewSchema } from './schemas';

const idParam = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

/**
 * DATA-3: the annual review of accesses. The current one lists every user with role, organisation,
 * tokens and last use, obsolete accesses flagged, and when it is due; recording it removes the accesses
 * named (in the same transaction) and keeps who reviewed and when. Overdue, it shows in GET /attention.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('access-reviews')
export class AccessReviewsController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  @Get('current')
  @Can('access-review.read')
  @ApiOperation({
    summary:
      'The review to carry out (DATA-3): every user with role, organisation, active flag, tokens (label, created, expires, last use, revoked), ' +
      'flags of obsolete accesses (unused, expired, no active token, no organisation, organisation’s agrément ended) and the due date (last review + 1 year)',
  })
  @ApiSuccess(v.currentAccessReview, { description: 'The users, flagged, and the review’s due date' })
  current() {
    return currentAccessReview(this.deps.db, this.deps.now());
  }

  @Get()
  @Can('access-review.read')
  @ApiOperation({ summary: 'The reviews recorded, newest first: who reviewed, when, what was removed; and when the next is due' })
  @ApiPage()
  @ApiSuccess(v.accessReviewList, { description: 'The reviews' })
  @ApiErrors([400, 'Invalid query parameter (named in `field`)'])
  list(@Query('limit') limit?: string, @Query('offset') offset?: string) {
    return listAccessReviews(
      this.deps.db,
      { limit: int('limit', limit, 50, 1, 500), offset: int('offset', offset, 0, 0, 1_000_000) },
      this.deps.now(),
    );
  }

  @Get(':id')
  @Can('access-review.read')
  @ApiOperation({ summary: 'One review' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiSuccess(v.accessReview, { description: 'The review' })
  @ApiErrors([404, 'Unknown review'])
  one(@Param('id', idParam) id: string) {
    return getAccessReview(this.deps.db, id);
  }

  @Post()
  @Can('access-review.record')
  @ApiOperation({
    summary:
      'Record the review (DATA-3): the reviewer is the caller; the accesses named are removed in the same transaction (each with its reason)',
  })
  @ApiBody({ schema: recordReviewSchema as object })
  @ApiSuccess(v.accessReview, { status: 201, description: 'The review recorded' })
  @ApiErrors(
    [400, 'Invalid field (named in `field`): a removal names exactly one of userId or tokenId, with a reason'],
    [404, 'A removal names an unknown user or token: nothing is recorded'],
  )
  async record(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const input = validateBody<RecordReviewInput>(recordReviewSchema, body ?? {});
    const review = await recordAccessReview(this.deps.db, input, principal, this.deps.now());
    if (review.removed.length) this.authenticator.invalidate?.();
    return review;
  }
}
